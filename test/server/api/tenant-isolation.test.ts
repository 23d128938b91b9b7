/**
 * Isolation through HTTP: every tenant-scoped route of the router, called by tenant A's owner and
 * by A's all-scope API key with tenant B's ids (B as the tenant, and B's resources under A),
 * is refused, and no answer body carries anything of B.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiBasePath, type OperationDefinition } from '../../../src/shared/contract.js'
import { apiKeyScopes } from '../../../src/shared/permissions.js'
import { discoverRoutes, operationOfRoute } from '../../support/routes.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, useTestServer } from '../../support/test-server.js'
import { buildTenantWorld, type TenantWorld } from '../../support/tenant-world.js'
import { startTestProvider, type TestProvider } from '../../support/oidc-provider.js'

const database = useTestDatabase()
const server = useTestServer(database)
let world: TenantWorld
let keyOfA: string
const secretsOfB = { integrationSecret: 'xoxb-secret-of-tenant-b', integrationLabel: 'B private workspace', keyName: 'B deploy key' }
let bIds: { keyId: string; userId: string; integrationId: string; invitationId: string }
let bFingerprints: string[]
/** B's identity provider: its client id, secret and domain are B's too. */
let providerOfB: TestProvider

afterAll(async () => {
  await providerOfB?.close()
})

beforeAll(async () => {
  world = await buildTenantWorld(database(), server(), 'iso')
  keyOfA = (
    await world.clients.owner.request<{ key: string }>('POST', `/tenants/${world.tenantA}/api-keys`, {
      body: { name: 'all of A', scopes: [...apiKeyScopes] },
    })
  ).body.key
  const key = await world.ownerB.request<{ id: string; prefix: string }>('POST', `/tenants/${world.tenantB}/api-keys`, {
    body: { name: secretsOfB.keyName, scopes: ['tenant:read'] },
  })
  const integration = await world.ownerB.request<{ id: string }>('POST', `/tenants/${world.tenantB}/integrations`, {
    body: { provider: 'slack', label: secretsOfB.integrationLabel, secret: secretsOfB.integrationSecret },
  })
  await world.ownerB.request('POST', `/tenants/${world.tenantB}/ai/usage`, { body: { tokens: 4242 } })
  const invitation = await world.ownerB.request<{ invitation: { id: string } }>('POST', `/tenants/${world.tenantB}/members`, {
    body: { email: 'b-invitee@example.test', role: 'viewer' },
  })
  providerOfB = await startTestProvider({
    redirectUri: `${server().url}/api/v1/auth/sso/callback`,
    accounts: {},
    clientId: 'b-sso-client-id',
  })
  const sso = await world.ownerB.request('PUT', `/tenants/${world.tenantB}/sso`, {
    body: {
      issuer: providerOfB.issuer,
      clientId: 'b-sso-client-id',
      clientSecret: providerOfB.clientSecret,
      allowedDomains: ['b-private-domain.test'],
      defaultRole: 'viewer',
      requireSso: false,
    },
  })
  expect(sso.status, sso.text).toBe(200)
  bIds = {
    keyId: key.body.id,
    userId: world.userIds.ownerB,
    integrationId: integration.body.id,
    invitationId: invitation.body.invitation.id,
  }
  bFingerprints = [
    world.tenantB,
    'iso-b',
    'iso B',
    'iso-ownerb@example.test',
    key.body.prefix,
    secretsOfB.keyName,
    secretsOfB.integrationLabel,
    secretsOfB.integrationSecret,
    bIds.keyId,
    bIds.integrationId,
    'b-invitee@example.test',
    'b-sso-client-id',
    providerOfB.clientSecret,
    providerOfB.issuer,
    'b-private-domain.test',
  ]
})

function bodyFor(definition: OperationDefinition): unknown {
  if (definition.method === 'GET' || definition.method === 'DELETE') return undefined
  const examples: Record<string, unknown> = {
    'PATCH /tenants/:tenantId': { name: 'taken over' },
    'POST /tenants/:tenantId/members': { email: 'intruder@example.test', role: 'owner' },
    'PATCH /tenants/:tenantId/members/:userId': { role: 'viewer' },
    'POST /tenants/:tenantId/api-keys': { name: 'intruder', scopes: ['tenant:read'] },
    'POST /tenants/:tenantId/api-keys/:keyId/roll': { graceHours: 24 },
    'POST /tenants/:tenantId/integrations': { provider: 'github', label: 'intruder', secret: 'x' },
    'POST /tenants/:tenantId/ai/usage': { tokens: 1 },
    'POST /tenants/:tenantId/invitations/:invitationId/resend': {},
    'PUT /tenants/:tenantId/sso': {
      issuer: 'https://idp.intruder.test',
      clientId: 'intruder',
      clientSecret: 'intruder secret',
      allowedDomains: ['intruder.test'],
      defaultRole: 'admin',
      requireSso: true,
    },
  }
  const example = examples[`${definition.method} ${definition.path}`]
  if (example === undefined) throw new Error(`no example body for ${definition.method} ${definition.path}: add one`)
  return example
}

/** Query strings of the GET routes whose input requires one. */
const queries: Record<string, string> = { 'GET /tenants/:tenantId/audit-logs/subjects': '?role=actor' }

function fill(path: string, tenantId: string): string {
  return path
    .replace(':tenantId', tenantId)
    .replace(':keyId', bIds.keyId)
    .replace(':userId', bIds.userId)
    .replace(':integrationId', bIds.integrationId)
    .replace(':invitationId', bIds.invitationId)
}

const tenantRoutes = () => discoverRoutes(server().app).filter((route) => route.path.startsWith(`${apiBasePath}/tenants/:tenantId`))

describe('tenant isolation through HTTP', () => {
  it('has tenant-scoped routes to check', () => {
    expect(tenantRoutes().length).toBeGreaterThanOrEqual(15)
  })

  for (const caller of ['owner of A', 'API key of A'] as const) {
    it(`${caller}: every tenant route with B as the tenant is refused and shows nothing of B`, async () => {
      for (const route of tenantRoutes()) {
        const definition = operationOfRoute(route.method, route.path)
        const client = caller === 'owner of A' ? world.clients.owner : new ApiClient(server().url)
        const query = queries[`${definition.method} ${definition.path}`] ?? ''
        const answer = await client.request(route.method, `${fill(route.path, world.tenantB).slice(apiBasePath.length)}${query}`, {
          body: bodyFor(definition),
          ...(caller === 'API key of A' ? { auth: `Bearer ${keyOfA}` } : {}),
        })
        expect([403, 404], `${caller} ${route.method} ${route.path}: ${answer.status}`).toContain(answer.status)
        for (const fingerprint of bFingerprints.filter((value) => value !== world.tenantB)) {
          expect(answer.text, `${route.method} ${route.path}`).not.toContain(fingerprint)
        }
      }
    })

    it(`${caller}: B's resources addressed under A's tenant are not found`, async () => {
      for (const route of tenantRoutes().filter((candidate) => /:(keyId|userId|integrationId|invitationId)/.test(candidate.path))) {
        const definition = operationOfRoute(route.method, route.path)
        const client = caller === 'owner of A' ? world.clients.owner : new ApiClient(server().url)
        const answer = await client.request(route.method, fill(route.path, world.tenantA).slice(apiBasePath.length), {
          body: bodyFor(definition),
          ...(caller === 'API key of A' ? { auth: `Bearer ${keyOfA}` } : {}),
        })
        expect(answer.status, `${caller} ${route.method} ${route.path}`).toBe(404)
      }
    })
  }

  it("leaves B's single sign-on as it was", async () => {
    const sso = await world.ownerB.request<{ sso: { clientId: string; allowedDomains: string[]; requireSso: boolean } }>(
      'GET',
      `/tenants/${world.tenantB}/sso`,
    )
    expect(sso.body.sso).toMatchObject({ clientId: 'b-sso-client-id', allowedDomains: ['b-private-domain.test'], requireSso: false })
  })

  it("leaves B's key, integration, membership and usage as they were", async () => {
    expect(
      (await world.ownerB.request<{ items: Array<{ id: string }> }>('GET', `/tenants/${world.tenantB}/api-keys`)).body.items.map(
        (item) => item.id,
      ),
    ).toContain(bIds.keyId)
    expect(
      (await world.ownerB.request<{ items: Array<{ id: string }> }>('GET', `/tenants/${world.tenantB}/integrations`)).body.items.map(
        (item) => item.id,
      ),
    ).toContain(bIds.integrationId)
    expect((await world.ownerB.request<{ items: Array<{ role: string }> }>('GET', `/tenants/${world.tenantB}/members`)).body.items).toEqual(
      [expect.objectContaining({ role: 'owner' })],
    )
    expect((await world.ownerB.request<{ month: { tokens: number } }>('GET', `/tenants/${world.tenantB}/quotas`)).body.month.tokens).toBe(
      4242,
    )
  })

  it("answers A's own listings without B's rows", async () => {
    for (const path of ['members', 'api-keys', 'integrations', 'audit-logs', 'quotas']) {
      const answer = await world.clients.owner.request('GET', `/tenants/${world.tenantA}/${path}`)
      expect(answer.status, path).toBe(200)
      for (const fingerprint of bFingerprints) expect(answer.text, path).not.toContain(fingerprint)
    }
  })
})
