/**
 * The whole single sign-on code flow through HTTP, against a real OpenID provider: an owner
 * configures the tenant's provider through the API; a person without an account arrives, is
 * created and joins with the default role; the session is the product's own (origin `sso`,
 * refreshable, keeping its origin) and works on the tenant; an existing member is linked; a
 * changed email at the provider keeps the link; the provider's `amr` is recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withOperatorRead } from '../../../src/server/db/with-operator.js'
import { startTestProvider, type TestProvider } from '../../support/oidc-provider.js'
import { signInWithSso, ssoCallbackPath, type SessionAnswer } from '../../support/sso-app.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, useTestServer } from '../../support/test-server.js'

const database = useTestDatabase()
const server = useTestServer(database)
const password = 'a password of the owner, long enough'
let provider: TestProvider
let owner: ApiClient
let tenantId: string

beforeAll(async () => {
  provider = await startTestProvider({
    redirectUri: `${server().url}${ssoCallbackPath}`,
    accounts: {
      newbie: { email: 'newbie@flow.test', emailVerified: true, amr: ['pwd', 'mfa'] },
      owner: { email: 'owner@flow.test', emailVerified: true },
      successor: { email: 'successor@flow.test', emailVerified: true },
    },
  })
  await createUser(database(), { email: 'owner@flow.test', password })
  owner = new ApiClient(server().url)
  expect((await owner.login('owner@flow.test', password)).status).toBe(200)
  const created = await owner.request<{ id: string }>('POST', '/tenants', { body: { name: 'Flow Inc', slug: 'flow-inc' } })
  tenantId = created.body.id
  const configured = await owner.request('PUT', `/tenants/${tenantId}/sso`, {
    body: {
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      allowedDomains: ['flow.test'],
      defaultRole: 'member',
      requireSso: false,
    },
  })
  expect(configured.status, configured.text).toBe(200)
})

afterAll(async () => {
  await provider?.close()
})

async function auditRows(action: string): Promise<Array<{ metadata: Record<string, unknown>; target_id: string | null }>> {
  return withOperatorRead(database().pools, async (client) => {
    const result = await client.query<{ metadata: Record<string, unknown>; target_id: string | null }>(
      'SELECT metadata, target_id FROM audit_logs WHERE tenant_id = $1 AND action = $2 ORDER BY seq',
      [tenantId, action],
    )
    return result.rows
  })
}

describe('single sign-on, the whole code flow', () => {
  let newbie: { client: ApiClient; session: SessionAnswer }

  it('answers which provider signs in an email or a tenant, and 404 for none', async () => {
    const anonymous = new ApiClient(server().url)
    const byEmail = await anonymous.request('GET', '/auth/sso/discover?email=someone@flow.test')
    expect(byEmail.status).toBe(200)
    expect(byEmail.body).toEqual({
      provider: 'tenant',
      issuer: provider.issuer,
      tenant: { id: tenantId, name: 'Flow Inc', slug: 'flow-inc' },
    })
    expect((await anonymous.request('GET', '/auth/sso/discover?tenant=flow-inc')).body).toEqual(byEmail.body)
    expect((await anonymous.request('GET', '/auth/sso/discover?email=someone@elsewhere.test')).status).toBe(404)
    expect((await anonymous.request('GET', '/auth/sso/discover?tenant=no-such-tenant')).status).toBe(404)
  })

  it('creates a person without an account, joined with the default role, in a session that came from SSO', async () => {
    const { client, answer } = await signInWithSso(server().url, { email: 'newbie@flow.test' }, { login: 'newbie' })
    expect(answer.status, answer.text).toBe(200)
    const session = answer.body as SessionAnswer
    expect(session.user.email).toBe('newbie@flow.test')
    expect(session.origin).toEqual({ method: 'sso', sso: { issuer: provider.issuer, tenantId, amr: ['pwd', 'mfa'] } })
    expect(session.memberships).toEqual([{ tenantId, tenantSlug: 'flow-inc', role: 'member' }])
    expect(answer.headers.getSetCookie().join(' ')).toMatch(/refresh_token=.*HttpOnly/)
    newbie = { client, session }

    const members = await client.request<{ items: Array<{ email: string; role: string }> }>('GET', `/tenants/${tenantId}/members`)
    expect(members.status).toBe(200)
    expect(members.body.items).toContainEqual(expect.objectContaining({ email: 'newbie@flow.test', role: 'member' }))

    const joined = await auditRows('member.added')
    expect(joined.at(-1)).toMatchObject({ target_id: session.user.id, metadata: { role: 'member', via: 'sso', issuer: provider.issuer } })
    const logins = await auditRows('auth.login')
    expect(logins.at(-1)?.metadata).toMatchObject({ method: 'sso', issuer: provider.issuer, amr: ['pwd', 'mfa'] })
  })

  it('gives the created account no usable password', async () => {
    const answer = await new ApiClient(server().url).login('newbie@flow.test', 'any password at all, really')
    expect(answer.status).toBe(401)
  })

  it('keeps the origin through a refresh, and says so in the sessions list', async () => {
    const refreshed = await newbie.client.request<{ accessToken: string }>('POST', '/auth/refresh', { auth: null })
    expect(refreshed.status, refreshed.text).toBe(200)
    newbie.client.accessToken = refreshed.body.accessToken
    const sessions = await newbie.client.request<{ items: Array<{ current: boolean; origin: unknown }> }>('GET', '/me/sessions')
    expect(sessions.status).toBe(200)
    expect(sessions.body.items).toEqual([expect.objectContaining({ current: true, origin: newbie.session.origin })])
    // The refreshed token still carries the origin: the session reaches its tenant and refuses tenant creation.
    expect((await newbie.client.request('GET', `/tenants/${tenantId}`)).status).toBe(200)
    expect((await newbie.client.request('POST', '/tenants', { body: { name: 'Elsewhere', slug: 'newbie-elsewhere' } })).status).toBe(403)
  })

  it('signs in by the tenant slug too, and links an existing member by email the first time', async () => {
    const { answer } = await signInWithSso(server().url, { tenant: 'flow-inc' }, { login: 'owner' })
    expect(answer.status, answer.text).toBe(200)
    const session = answer.body as SessionAnswer
    expect(session.user.email).toBe('owner@flow.test')
    expect(session.memberships).toEqual([{ tenantId, tenantSlug: 'flow-inc', role: 'owner' }])
    const linked = await withOperatorRead(
      database().pools,
      async (client) =>
        (await client.query('SELECT user_id FROM sso_identities WHERE issuer = $1 AND subject = $2', [provider.issuer, 'owner'])).rows,
    )
    expect(linked).toEqual([{ user_id: session.user.id }])
  })

  it('keeps the link when the email changes at the provider, and re-links no other account', async () => {
    await createUser(database(), { email: 'renamed@flow.test', password })
    provider.accounts.set('newbie', { email: 'renamed@flow.test', emailVerified: true })
    const { answer } = await signInWithSso(server().url, { email: 'newbie@flow.test' }, { login: 'newbie' })
    expect(answer.status, answer.text).toBe(200)
    expect((answer.body as SessionAnswer).user.id).toBe(newbie.session.user.id)
  })

  it('does not let another identity that now holds a linked email into that account', async () => {
    // The provider gave owner@flow.test to another person (another subject): the owner's account stays the owner's.
    provider.accounts.set('successor', { email: 'owner@flow.test', emailVerified: true })
    const { answer } = await signInWithSso(server().url, { tenant: 'flow-inc' }, { login: 'successor' })
    expect(answer.status).toBe(403)
    expect(answer.body).toMatchObject({ check: 'account' })
    expect((answer.body as { detail: string }).detail).toMatch(/linked to another identity/)
  })
})
