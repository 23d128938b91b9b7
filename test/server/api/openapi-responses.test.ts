/**
 * The OpenAPI document tells the truth about real answers. Every operation of the contract is
 * called on a real server with a valid request from `samples` (one entry per operation; an
 * operation without one fails here, so a new operation cannot slip past), and its answer must be
 * documented: the status, the content type, the body (ajv, JSON Schema 2020-12, formats
 * included), and the headers the document requires or the server sets (Set-Cookie, Retry-After,
 * WWW-Authenticate, Content-Disposition). The request must fit the documented parameters and
 * body too, so no documented pattern refuses what the server takes. Then `otherAnswers` gets an
 * answer of each error status a caller can meet (400, 401, 403, 404, 409, 413, 415, 429) checked
 * the same way, against the Problem schema, and every documented 409 is provoked for real.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { operations, type OperationInput, type OperationName } from '../../../src/shared/contract.js'
import type { TenantRole } from '../../../src/shared/permissions.js'
import { withTenant } from '../../../src/server/db/with-tenant.js'
import { OpenApiConformance, requestOf, type OpenApiDocument } from '../../support/openapi-conformance.js'
import { buildTenantWorld, worldPassword, type TenantWorld } from '../../support/tenant-world.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, startTestServer, useTestServer, type ApiAnswer, type TestServer } from '../../support/test-server.js'
import { driveSignIn, driveToCallback, startTestProvider, type TestProvider } from '../../support/oidc-provider.js'
import { appRedirectUri, startSignIn, ssoCallbackPath } from '../../support/sso-app.js'

const database = useTestDatabase()
const server = useTestServer(database)
const accessReason = 'OpenAPI conformance test'

/** Who calls: a signed-in client (cookies, access token, CSRF header), an Authorization header, or nobody. */
type Caller = ApiClient | { authorization: string } | 'anonymous'

interface SampleCall<Name extends OperationName> {
  as: Caller
  input: OperationInput<Name>
}

interface Person {
  id: string
  email: string
  client: ApiClient
}

interface SampleWorld extends TenantWorld {
  operator: ApiClient
  /** A new signed-in user who belongs to no tenant. */
  newUser(): Promise<Person>
  /** A new signed-in user who is a member of tenant A with `role`. */
  newMember(role: TenantRole): Promise<Person>
  /** A new tenant with a new owner. */
  newTenant(): Promise<{ id: string; slug: string; owner: Person }>
  /** Makes `userId` a member of tenant A in SQL, as no operation can without an invitation. */
  join(userId: string, role: TenantRole): Promise<void>
  /** An invitation of `email` into tenant A, by its owner. */
  invite(email: string): Promise<{ id: string; token: string }>
  /** A name no other call uses (lowercase, fit for a slug). */
  unique(stem: string): string
  /** The identity provider of tenant A's single sign-on (domain conformance-sso.test). */
  provider: TestProvider
  /** A new account at the provider, under tenant A's domain; its login name. */
  ssoAccount(): string
  /** Tenant A's single sign-on settings, as its owner sends them. */
  ssoSettings(domain?: string): Omit<OperationInput<'putTenantSso'>, 'tenantId'>
}

type Sample<Name extends OperationName> = (world: SampleWorld) => Promise<SampleCall<Name>>

const apiKey = (key: string): Caller => ({ authorization: `Bearer ${key}` })

/**
 * A valid call of each operation, answered with its success status. One entry per operation of
 * the contract: add one with each new operation (the test named after it fails until then).
 */
const samples: { [Name in OperationName]?: Sample<Name> } = {
  health: async () => ({ as: 'anonymous', input: {} }),
  openapi: async () => ({ as: 'anonymous', input: {} }),
  login: async (world) => ({ as: 'anonymous', input: { email: (await world.newUser()).email, password: worldPassword } }),
  refresh: async (world) => ({ as: (await world.newUser()).client, input: {} }),
  logout: async (world) => ({ as: (await world.newUser()).client, input: {} }),
  changePassword: async (world) => ({
    as: (await world.newUser()).client,
    input: { currentPassword: worldPassword, newPassword: 'a new password of some length' },
  }),
  jwks: async () => ({ as: 'anonymous', input: {} }),
  me: async (world) => ({ as: world.clients.member, input: {} }),
  listTenants: async (world) => ({ as: world.clients.viewer, input: {} }),
  createTenant: async (world) => ({ as: world.clients.outsider, input: { name: 'Created by a sample', slug: world.unique('created') } }),
  getTenant: async (world) => ({ as: apiKey(world.keys['tenant:read']), input: { tenantId: world.tenantA } }),
  updateTenant: async (world) => ({ as: world.clients.admin, input: { tenantId: world.tenantA, name: 'Conformance A, renamed' } }),
  deleteTenant: async (world) => {
    const { id, owner } = await world.newTenant()
    return { as: owner.client, input: { tenantId: id } }
  },
  listMembers: async (world) => ({ as: world.clients.viewer, input: { tenantId: world.tenantA } }),
  listApiKeys: async (world) => ({ as: world.clients.admin, input: { tenantId: world.tenantA } }),
  createApiKey: async (world) => ({
    as: world.clients.admin,
    input: { tenantId: world.tenantA, name: 'sample key', scopes: ['tenant:read', 'audit:read'] },
  }),
  deleteApiKey: async (world) => {
    const created = await world.clients.owner.request<{ id: string }>('POST', `/tenants/${world.tenantA}/api-keys`, {
      body: { name: 'to revoke', scopes: ['tenant:read'] },
    })
    return { as: world.clients.owner, input: { tenantId: world.tenantA, keyId: created.body.id } }
  },
  rollApiKey: async (world) => {
    const created = await world.clients.owner.request<{ id: string }>('POST', `/tenants/${world.tenantA}/api-keys`, {
      body: { name: 'to roll', scopes: ['tenant:read'], expiresInDays: 30 },
    })
    return { as: world.clients.admin, input: { tenantId: world.tenantA, keyId: created.body.id, graceHours: 24 } }
  },
  acceptInvite: async (world) => ({
    as: 'anonymous',
    input: { token: (await world.invite(`${world.unique('invitee')}@example.test`)).token, password: 'the invitee password' },
  }),
  addMember: async (world) => ({
    as: world.clients.admin,
    input: { tenantId: world.tenantA, email: `${world.unique('added')}@example.test`, role: 'member' },
  }),
  listInvitations: async (world) => ({ as: world.clients.admin, input: { tenantId: world.tenantA } }),
  revokeInvitation: async (world) => ({
    as: world.clients.admin,
    input: { tenantId: world.tenantA, invitationId: (await world.invite(`${world.unique('revoked')}@example.test`)).id },
  }),
  resendInvitation: async (world) => ({
    as: world.clients.admin,
    input: { tenantId: world.tenantA, invitationId: (await world.invite(`${world.unique('resent')}@example.test`)).id },
  }),
  leaveTenant: async (world) => ({ as: (await world.newMember('viewer')).client, input: { tenantId: world.tenantA } }),
  listMyInvitations: async (world) => {
    const person = await world.newUser()
    await world.invite(person.email)
    return { as: person.client, input: {} }
  },
  acceptMyInvitation: async (world) => {
    const person = await world.newUser()
    return { as: person.client, input: { invitationId: (await world.invite(person.email)).id } }
  },
  declineMyInvitation: async (world) => {
    const person = await world.newUser()
    return { as: person.client, input: { invitationId: (await world.invite(person.email)).id } }
  },
  updateMember: async (world) => ({
    as: world.clients.admin,
    input: { tenantId: world.tenantA, userId: (await world.newMember('viewer')).id, role: 'member' },
  }),
  removeMember: async (world) => ({
    as: world.clients.admin,
    input: { tenantId: world.tenantA, userId: (await world.newMember('member')).id },
  }),
  listIntegrations: async (world) => ({ as: world.clients.admin, input: { tenantId: world.tenantA } }),
  connectIntegration: async (world) => ({
    as: apiKey(world.keys['integrations:write']),
    input: { tenantId: world.tenantA, provider: 'slack', label: 'sample workspace', secret: 'xoxb-sample-secret' },
  }),
  disconnectIntegration: async (world) => {
    const connected = await world.clients.owner.request<{ id: string }>('POST', `/tenants/${world.tenantA}/integrations`, {
      body: { provider: 'jira', label: 'to disconnect', secret: 'jira-secret' },
    })
    return { as: world.clients.owner, input: { tenantId: world.tenantA, integrationId: connected.body.id } }
  },
  listAuditLogs: async (world) => ({
    as: apiKey(world.keys['audit:read']),
    input: { tenantId: world.tenantA, limit: 5, action: 'auth.*' },
  }),
  exportAuditLogs: async (world) => ({ as: world.clients.owner, input: { tenantId: world.tenantA, from: '2020-01-01T00:00:00Z' } }),
  listAuditSubjects: async (world) => ({
    as: apiKey(world.keys['audit:read']),
    input: { tenantId: world.tenantA, role: 'target', q: 'key', limit: 5 },
  }),
  getQuotas: async (world) => ({ as: world.clients.viewer, input: { tenantId: world.tenantA } }),
  recordAiUsage: async (world) => ({ as: world.clients.member, input: { tenantId: world.tenantA, tokens: 120, model: 'sample-model' } }),
  adminListTenants: async (world) => ({ as: world.operator, input: { limit: 10 } }),
  adminCreateTenant: async (world) => ({
    as: world.operator,
    input: { name: 'Created by an operator', slug: world.unique('operated'), ownerEmail: `${world.unique('first-owner')}@example.test` },
  }),
  adminSuspendTenant: async (world) => ({ as: world.operator, input: { tenantId: (await world.newTenant()).id } }),
  adminRestoreTenant: async (world) => {
    const { id } = await world.newTenant()
    await world.operator.request('POST', `/admin/tenants/${id}/suspend`, { headers: { 'x-access-reason': 'conformance sample' } })
    return { as: world.operator, input: { tenantId: id } }
  },
  adminDeleteTenant: async (world) => {
    const { id, slug } = await world.newTenant()
    return { as: world.operator, input: { tenantId: id, confirmSlug: slug } }
  },
  adminGetTenant: async (world) => ({ as: world.operator, input: { tenantId: world.tenantA } }),
  adminListAuditLogs: async (world) => ({ as: world.operator, input: { tenantId: world.tenantA, limit: 5 } }),
  adminListAuditSubjects: async (world) => ({ as: world.operator, input: { role: 'actor', q: 'conformance', limit: 5 } }),
  adminPlatformAuditLog: async (world) => ({ as: world.operator, input: { action: 'platform.directory_read', limit: 5 } }),
  adminExportPlatformAuditLog: async (world) => ({ as: world.operator, input: { from: '2020-01-01T00:00:00Z' } }),
  lookupTenant: async (world) => ({ as: world.clients.viewer, input: { ref: 'conformance-a' } }),
  adminExportAuditLogs: async (world) => ({ as: world.operator, input: { tenantId: world.tenantA, action: 'auth.login' } }),
  adminUsage: async (world) => ({ as: world.operator, input: { bucket: 'day', top: 3 } }),
  adminSetQuotas: async (world) => ({
    as: world.operator,
    input: { tenantId: world.tenantB, velocityPerHour: 500, monthlyTokenCeiling: 2_000_000 },
  }),
  adminResetQuota: async (world) => ({ as: world.operator, input: { tenantId: world.tenantB, kind: 'velocity' } }),
  adminFindUsers: async (world) => ({ as: world.operator, input: { email: 'conformance' } }),
  adminListUserSessions: async (world) => ({ as: world.operator, input: { userId: (await world.newUser()).id } }),
  adminEndUserSession: async (world) => {
    const person = await world.newUser()
    const sessions = await person.client.request<{ items: Array<{ id: string }> }>('GET', '/me/sessions')
    return { as: world.operator, input: { userId: person.id, sessionId: sessions.body.items[0]!.id } }
  },
  adminRevokeSessions: async (world) => ({ as: world.operator, input: { userId: (await world.newUser()).id } }),
  adminAccessLog: async (world) => ({ as: world.operator, input: { tenantId: world.tenantA, limit: 5 } }),
  adminPosture: async (world) => ({ as: world.operator, input: {} }),
  ssoDiscover: async () => ({ as: 'anonymous', input: { email: 'anyone@conformance-sso.test' } }),
  ssoStart: async () => ({
    as: 'anonymous',
    input: {
      tenant: 'conformance-a',
      redirectUri: appRedirectUri,
      codeChallenge: 'c'.repeat(43),
      codeChallengeMethod: 'S256',
      state: 'conformance-state-0123',
    },
  }),
  ssoCallback: async (world) => {
    const started = await startSignIn(server().url, { tenant: 'conformance-a' })
    const callback = await driveToCallback(started.authorizationUrl, { login: world.ssoAccount() })
    return { as: 'anonymous', input: Object.fromEntries(callback.searchParams) }
  },
  ssoExchange: async (world) => {
    const started = await startSignIn(server().url, { tenant: 'conformance-a' })
    const { code } = await driveSignIn(started.authorizationUrl, { login: world.ssoAccount() })
    return { as: 'anonymous', input: { code, codeVerifier: started.verifier } }
  },
  listMySessions: async (world) => ({ as: (await world.newUser()).client, input: {} }),
  endMySession: async (world) => {
    const { client } = await world.newUser()
    const listed = await client.request<{ items: Array<{ id: string }> }>('GET', '/me/sessions')
    return { as: client, input: { sessionId: listed.body.items[0]!.id } }
  },
  endMyOtherSessions: async (world) => ({ as: (await world.newUser()).client, input: {} }),
  getTenantSso: async (world) => ({ as: world.clients.owner, input: { tenantId: world.tenantA } }),
  putTenantSso: async (world) => ({ as: world.clients.owner, input: { tenantId: world.tenantA, ...world.ssoSettings() } }),
  deleteTenantSso: async (world) => {
    const { id, slug, owner } = await world.newTenant()
    const configured = await owner.client.request('PUT', `/tenants/${id}/sso`, { body: world.ssoSettings(`${slug}.test`) })
    expect(configured.status).toBe(200)
    return { as: owner.client, input: { tenantId: id } }
  },
}

interface OtherCall {
  as: Caller
  input: Record<string, unknown>
  headers?: Record<string, string>
  rawBody?: string
  contentType?: string
}

interface OtherAnswer {
  operation: OperationName
  status: number
  why: string
  call: (world: SampleWorld) => Promise<OtherCall>
}

/** Answers other than the sample's, errors above all: each must be documented as it comes. */
const otherAnswers: OtherAnswer[] = [
  {
    operation: 'me',
    status: 200,
    why: 'an API key asks who it is',
    call: async (world) => ({ as: apiKey(world.keys['tenant:read']), input: {} }),
  },
  {
    operation: 'createTenant',
    status: 400,
    why: 'the slug breaks its pattern',
    call: async (world) => ({ as: world.clients.outsider, input: { name: 'Bad', slug: '-bad-' } }),
  },
  {
    operation: 'me',
    status: 400,
    why: 'a query parameter to an operation that takes no input',
    call: async (world) => ({ as: world.clients.owner, input: { unexpected: 'yes' } }),
  },
  {
    operation: 'getTenant',
    status: 400,
    why: 'an unknown query parameter',
    call: async (world) => ({ as: world.clients.owner, input: { tenantId: world.tenantA, unexpected: 'yes' } }),
  },
  {
    operation: 'adminPosture',
    status: 400,
    why: 'X-Access-Reason is too short',
    call: async (world) => ({ as: world.operator, input: {}, headers: { 'x-access-reason': 'no' } }),
  },
  {
    operation: 'openapi',
    status: 401,
    why: 'a public operation given a credential that is not valid',
    call: async () => ({ as: { authorization: 'Bearer not-a-token' }, input: {} }),
  },
  {
    operation: 'login',
    status: 401,
    why: 'a wrong password',
    call: async (world) => ({ as: 'anonymous', input: { email: (await world.newUser()).email, password: 'not the password at all' } }),
  },
  { operation: 'me', status: 401, why: 'no credential', call: async () => ({ as: 'anonymous', input: {} }) },
  {
    operation: 'me',
    status: 404,
    why: 'an API key of a deleted tenant',
    call: async (world) => {
      const { id, owner } = await world.newTenant()
      const key = await owner.client.request<{ key: string }>('POST', `/tenants/${id}/api-keys`, {
        body: { name: 'orphan', scopes: ['tenant:read'] },
      })
      expect((await owner.client.request('DELETE', `/tenants/${id}`)).status).toBe(204)
      return { as: apiKey(key.body.key), input: {} }
    },
  },
  { operation: 'refresh', status: 401, why: 'no refresh cookie', call: async () => ({ as: 'anonymous', input: {} }) },
  {
    operation: 'listTenants',
    status: 403,
    why: 'an API key on a user operation',
    call: async (world) => ({ as: apiKey(world.keys['tenant:read']), input: {} }),
  },
  {
    operation: 'createTenant',
    status: 403,
    why: 'no X-CSRF-Token with an access token',
    call: async (world) => {
      const { client } = await world.newUser()
      client.sendCsrf = false
      return { as: client, input: { name: 'No CSRF', slug: world.unique('no-csrf') } }
    },
  },
  {
    operation: 'updateTenant',
    status: 403,
    why: 'an API key, which no scope lets rename a tenant',
    call: async (world) => ({ as: apiKey(world.keys['tenant:read']), input: { tenantId: world.tenantA, name: 'Renamed by a key' } }),
  },
  {
    operation: 'deleteTenant',
    status: 403,
    why: 'a viewer may not delete',
    call: async (world) => ({ as: world.clients.viewer, input: { tenantId: world.tenantA } }),
  },
  {
    operation: 'adminPosture',
    status: 403,
    why: 'an API key on an operator operation',
    call: async (world) => ({ as: apiKey(world.keys['tenant:read']), input: {} }),
  },
  {
    operation: 'adminPosture',
    status: 403,
    why: 'a user who is not an operator',
    call: async (world) => ({ as: world.clients.owner, input: {} }),
  },
  {
    operation: 'getTenant',
    status: 404,
    why: "another tenant's id",
    call: async (world) => ({ as: world.clients.owner, input: { tenantId: world.tenantB } }),
  },
  {
    operation: 'getTenant',
    status: 404,
    why: 'a malformed id',
    call: async (world) => ({ as: world.clients.owner, input: { tenantId: 'not-a-uuid' } }),
  },
  {
    operation: 'lookupTenant',
    status: 404,
    why: "another tenant's slug, to a user who is not its member",
    call: async (world) => ({ as: world.clients.owner, input: { ref: 'conformance-b' } }),
  },
  {
    operation: 'lookupTenant',
    status: 200,
    why: 'an operator looks up a tenant by id',
    call: async (world) => ({ as: world.operator, input: { ref: world.tenantB } }),
  },
  {
    operation: 'createTenant',
    status: 409,
    why: 'a slug taken',
    call: async (world) => ({ as: world.clients.outsider, input: { name: 'Taken', slug: 'conformance-a' } }),
  },
  {
    operation: 'updateTenant',
    status: 409,
    why: 'a slug taken',
    call: async (world) => ({ as: world.clients.owner, input: { tenantId: world.tenantA, slug: 'conformance-b' } }),
  },
  {
    operation: 'adminCreateTenant',
    status: 409,
    why: 'a slug taken',
    call: async (world) => ({ as: world.operator, input: { name: 'Taken', slug: 'conformance-a', ownerEmail: 'someone@example.test' } }),
  },
  {
    operation: 'acceptInvite',
    status: 409,
    why: 'an invitation for an email with an account',
    call: async (world) => ({
      as: 'anonymous',
      input: { token: (await world.invite((await world.newUser()).email)).token, password: 'whatever password it is' },
    }),
  },
  {
    operation: 'acceptMyInvitation',
    status: 409,
    why: 'someone who became a member meanwhile (the membership written straight into the database)',
    call: async (world) => {
      const person = await world.newUser()
      const invitation = await world.invite(person.email)
      await world.join(person.id, 'viewer')
      return { as: person.client, input: { invitationId: invitation.id } }
    },
  },
  {
    operation: 'leaveTenant',
    status: 409,
    why: 'the last owner leaving',
    call: async (world) => ({ as: world.clients.owner, input: { tenantId: world.tenantA } }),
  },
  {
    operation: 'rollApiKey',
    status: 409,
    why: 'a key already rolled',
    call: async (world) => {
      const created = await world.clients.owner.request<{ id: string }>('POST', `/tenants/${world.tenantA}/api-keys`, {
        body: { name: 'rolled already', scopes: ['tenant:read'] },
      })
      const first = await world.clients.owner.request('POST', `/tenants/${world.tenantA}/api-keys/${created.body.id}/roll`, {
        body: { graceHours: 1 },
      })
      expect(first.status).toBe(201)
      return { as: world.clients.owner, input: { tenantId: world.tenantA, keyId: created.body.id, graceHours: 1 } }
    },
  },
  {
    operation: 'me',
    status: 401,
    why: 'an API key past its expiry',
    call: async (world) => {
      const created = await world.clients.owner.request<{ id: string; key: string }>('POST', `/tenants/${world.tenantA}/api-keys`, {
        body: { name: 'expired', scopes: ['tenant:read'], expiresInDays: 30 },
      })
      const rolled = await world.clients.owner.request('POST', `/tenants/${world.tenantA}/api-keys/${created.body.id}/roll`, {
        body: { graceHours: 0 },
      })
      expect(rolled.status).toBe(201)
      return { as: apiKey(created.body.key), input: {} }
    },
  },
  {
    operation: 'addMember',
    status: 409,
    why: 'already a member',
    call: async (world) => ({
      as: world.clients.owner,
      input: { tenantId: world.tenantA, email: 'conformance-viewer@example.test', role: 'viewer' },
    }),
  },
  {
    operation: 'updateMember',
    status: 409,
    why: 'the last owner demoted',
    call: async (world) => ({ as: world.clients.owner, input: { tenantId: world.tenantA, userId: world.userIds.owner, role: 'admin' } }),
  },
  {
    operation: 'removeMember',
    status: 409,
    why: 'the last owner removed',
    call: async (world) => ({ as: world.clients.owner, input: { tenantId: world.tenantA, userId: world.userIds.owner } }),
  },
  {
    operation: 'createTenant',
    status: 413,
    why: 'a body over 100 KB',
    call: async (world) => ({ as: world.clients.outsider, input: {}, rawBody: JSON.stringify({ name: 'x'.repeat(110_000), slug: 'big' }) }),
  },
  {
    operation: 'createTenant',
    status: 415,
    why: 'a body that is not JSON',
    call: async (world) => ({
      as: world.clients.outsider,
      input: {},
      rawBody: 'name=x&slug=y',
      contentType: 'application/x-www-form-urlencoded',
    }),
  },
  {
    operation: 'recordAiUsage',
    status: 429,
    why: 'the AI quota refuses',
    call: async (world) => {
      const { id, owner } = await world.newTenant()
      const capped = await world.operator.request('PUT', `/admin/tenants/${id}/quotas`, {
        body: { velocityPerHour: 0, monthlyTokenCeiling: 1000 },
        headers: { 'x-access-reason': accessReason },
      })
      expect(capped.status).toBe(200)
      return { as: owner.client, input: { tenantId: id, tokens: 10 } }
    },
  },
  {
    operation: 'putTenantSso',
    status: 409,
    why: "a domain another tenant's single sign-on holds",
    call: async (world) => {
      const { id, owner } = await world.newTenant()
      return { as: owner.client, input: { tenantId: id, ...world.ssoSettings('conformance-sso.test') } }
    },
  },
  {
    operation: 'ssoDiscover',
    status: 404,
    why: 'a domain without single sign-on',
    call: async () => ({ as: 'anonymous', input: { email: 'someone@nowhere.test' } }),
  },
  {
    operation: 'ssoStart',
    status: 404,
    why: 'a tenant without single sign-on',
    call: async () => ({
      as: 'anonymous',
      input: {
        tenant: 'conformance-b',
        redirectUri: appRedirectUri,
        codeChallenge: 'c'.repeat(43),
        codeChallengeMethod: 'S256',
        state: 'conformance-state-0123',
      },
    }),
  },
  {
    operation: 'ssoCallback',
    status: 400,
    why: 'a state no sign-in has',
    call: async () => ({ as: 'anonymous', input: { code: 'whatever', state: 'not-a-state' } }),
  },
  {
    operation: 'ssoExchange',
    status: 401,
    why: 'a one-time code no sign-in has',
    call: async () => ({ as: 'anonymous', input: { code: 'not-a-code', codeVerifier: 'v'.repeat(43) } }),
  },
  {
    operation: 'ssoExchange',
    status: 403,
    why: 'an existing account that is not a member',
    call: async (world) => {
      const login = world.unique('stranger')
      await createUser(database(), { email: `${login}@conformance-sso.test`, password: worldPassword })
      world.provider.accounts.set(login, { email: `${login}@conformance-sso.test`, emailVerified: true })
      const started = await startSignIn(server().url, { tenant: 'conformance-a' })
      const { code } = await driveSignIn(started.authorizationUrl, { login })
      return { as: 'anonymous', input: { code, codeVerifier: started.verifier } }
    },
  },
  {
    operation: 'health',
    status: 429,
    why: 'over the per-address budget',
    call: async () => {
      const client = new ApiClient(limited().url)
      await client.request('GET', '/healthz')
      return { as: client, input: {} }
    },
  },
]

let limitedServer: TestServer | undefined
const limited = () => limitedServer!
let world: SampleWorld
let conformance: OpenApiConformance

async function signIn(email: string): Promise<ApiClient> {
  const client = new ApiClient(server().url)
  const answer = await client.login(email, worldPassword)
  if (answer.status !== 200) throw new Error(`sign-in of ${email} failed: ${answer.text}`)
  return client
}

beforeAll(async () => {
  const tenants = await buildTenantWorld(database(), server(), 'conformance')
  await createUser(database(), { email: 'conformance-operator@example.test', password: worldPassword, platformAdmin: true })
  limitedServer = await startTestServer(database(), { requestsPerMinute: 1 })
  let counter = 0
  const unique = (stem: string) => `${stem}-${++counter}`
  const newUser = async (): Promise<Person> => {
    const email = `${unique('person')}@example.test`
    const id = await createUser(database(), { email, password: worldPassword })
    return { id, email, client: await signIn(email) }
  }
  const provider = await startTestProvider({ redirectUri: `${server().url}${ssoCallbackPath}`, accounts: {} })
  world = {
    ...tenants,
    provider,
    ssoAccount() {
      const login = unique('sso-person')
      provider.accounts.set(login, { email: `${login}@conformance-sso.test`, emailVerified: true })
      return login
    },
    ssoSettings: (domain = 'conformance-sso.test') => ({
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      allowedDomains: [domain],
      defaultRole: 'viewer',
      requireSso: false,
    }),
    operator: await signIn('conformance-operator@example.test'),
    unique,
    newUser,
    async join(userId, role) {
      await withTenant(database().pools.app, tenants.tenantA, (client) =>
        client.query('INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)', [tenants.tenantA, userId, role]),
      )
    },
    async newMember(role) {
      const person = await newUser()
      await world.join(person.id, role)
      return person
    },
    async invite(email) {
      const invited = await tenants.clients.owner.request<{ invitation: { id: string }; inviteToken: string }>(
        'POST',
        `/tenants/${tenants.tenantA}/members`,
        { body: { email, role: 'viewer' } },
      )
      if (invited.status !== 201) throw new Error(`invitation failed: ${invited.text}`)
      return { id: invited.body.invitation.id, token: invited.body.inviteToken }
    },
    async newTenant() {
      const owner = await newUser()
      const slug = unique('own')
      const created = await owner.client.request<{ id: string }>('POST', '/tenants', { body: { name: 'A tenant of its own', slug } })
      if (created.status !== 201) throw new Error(`tenant creation failed: ${created.text}`)
      return { id: created.body.id, slug, owner }
    },
  }
  const sso = await tenants.clients.owner.request('PUT', `/tenants/${tenants.tenantA}/sso`, { body: world.ssoSettings() })
  if (sso.status !== 200) throw new Error(`single sign-on could not be configured: ${sso.text}`)
  const served = await new ApiClient(server().url).request<OpenApiDocument>('GET', '/openapi.json')
  conformance = new OpenApiConformance(served.body)
})

afterAll(async () => {
  await limitedServer?.close()
  await world?.provider.close()
})

async function perform(name: OperationName, call: OtherCall): Promise<ApiAnswer> {
  const request = requestOf(name, call.input)
  const headers = { ...(operations[name].access === 'operator' ? { 'x-access-reason': accessReason } : {}), ...call.headers }
  const client = call.as instanceof ApiClient ? call.as : new ApiClient(server().url)
  const auth = call.as instanceof ApiClient ? undefined : call.as === 'anonymous' ? null : call.as.authorization
  return client.request(request.method, request.path, {
    body: request.body,
    rawBody: call.rawBody,
    contentType: call.contentType,
    headers,
    auth,
  })
}

describe('every operation of the contract, called with a valid request', () => {
  for (const name of Object.keys(operations) as OperationName[]) {
    it(`${name} answers as the document says`, async () => {
      const sample = samples[name]
      if (!sample) expect.fail(`no sample call for ${name}: add one to \`samples\` in test/server/api/openapi-responses.test.ts`)
      const call = await sample(world)
      const input = call.input as Record<string, unknown>
      expect(conformance.requestFindings(name, input), 'the request fits the document').toEqual([])
      const answer = await perform(name, { as: call.as, input })
      expect(answer.status, answer.text.slice(0, 500)).toBe(operations[name].successStatus ?? 200)
      expect(conformance.answerFindings(name, answer)).toEqual([])
    })
  }
})

describe('other answers, errors above all', () => {
  for (const other of otherAnswers) {
    it(`${other.operation} answers ${other.status} to ${other.why}, as documented`, async () => {
      const answer = await perform(other.operation, await other.call(world))
      expect(answer.status, answer.text.slice(0, 500)).toBe(other.status)
      expect(conformance.answerFindings(other.operation, answer)).toEqual([])
    })
  }

  it('include a real 409 for every operation documented to answer one', () => {
    const documented = (Object.keys(operations) as OperationName[]).filter((name) => '409' in conformance.operation(name).responses)
    const provoked = otherAnswers.filter((other) => other.status === 409).map((other) => other.operation)
    expect(documented.filter((name) => !provoked.includes(name))).toEqual([])
  })
})

describe('the checks themselves', () => {
  it('catch a document that does not tell the truth', async () => {
    const doctored = structuredClone(conformance.document)
    const login = doctored.paths['/auth/login']!.post!
    delete login.responses['401']
    delete login.responses['200']!.headers!['Set-Cookie']
    const session = login.responses['200']!.content!['application/json']!.schema as { properties: Record<string, unknown> }
    session.properties.accessToken = { type: 'integer' }
    const slug = (
      doctored.paths['/tenants']!.post!.requestBody!.content['application/json']!.schema as {
        properties: Record<string, { pattern: string }>
      }
    ).properties.slug!
    slug.pattern = '^only-this$'
    const lying = new OpenApiConformance(doctored)
    const person = await world.newUser()

    const signedIn = await perform('login', { as: 'anonymous', input: { email: person.email, password: worldPassword } })
    expect(lying.answerFindings('login', signedIn)).toEqual([
      expect.stringMatching(/^the 200 body does not match .*accessToken/),
      expect.stringMatching(/^header set-cookie was sent with status 200 but is not documented/),
    ])
    const refused = await perform('login', { as: 'anonymous', input: { email: person.email, password: 'not the password at all' } })
    expect(lying.answerFindings('login', refused)).toEqual([expect.stringMatching(/^status 401 is not documented/)])
    expect(lying.requestFindings('createTenant', { name: 'Fine', slug: 'a-fine-slug' })).toEqual([
      expect.stringMatching(/^the request body does not match .*pattern/),
    ])
  })
})
