/**
 * A soft-deleted tenant is gone for every credential, through HTTP: every route that names the
 * tenant (found in the router, not listed by hand) answers 404 to its owner's access token, to
 * its all-scope API key and to a platform operator, and nothing was written by any of them.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { apiBasePath, type OperationDefinition } from '../../../src/shared/contract.js'
import { apiKeyScopes } from '../../../src/shared/permissions.js'
import { withOperatorRead } from '../../../src/server/db/with-operator.js'
import { discoverRoutes, operationOfRoute } from '../../support/routes.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, useTestServer } from '../../support/test-server.js'
import { buildTenantWorld, type TenantWorld } from '../../support/tenant-world.js'

const database = useTestDatabase()
const server = useTestServer(database)
let world: TenantWorld
let allScopeKey: string
let operator: ApiClient
let ids: { keyId: string; integrationId: string; invitationId: string }
let auditRowsAtDeletion: number

const examples: Record<string, unknown> = {
  'PATCH /tenants/:tenantId': { name: 'back from the dead' },
  'POST /tenants/:tenantId/members': { email: 'late-invitee@example.test', role: 'viewer' },
  'PATCH /tenants/:tenantId/members/:userId': { role: 'viewer' },
  'POST /tenants/:tenantId/api-keys': { name: 'after deletion', scopes: ['tenant:read'] },
  'POST /tenants/:tenantId/api-keys/:keyId/roll': { graceHours: 24 },
  'POST /tenants/:tenantId/integrations': { provider: 'github', label: 'after deletion', secret: 'x' },
  'POST /tenants/:tenantId/ai/usage': { tokens: 1 },
  'PUT /admin/tenants/:tenantId/quotas': { velocityPerHour: 10, monthlyTokenCeiling: 1000 },
  'POST /admin/tenants/:tenantId/quotas/reset': { kind: 'velocity' },
  'POST /tenants/:tenantId/invitations/:invitationId/resend': {},
  'POST /admin/tenants/:tenantId/suspend': {},
  'POST /admin/tenants/:tenantId/restore': {},
  'PUT /tenants/:tenantId/sso': {
    issuer: 'https://idp.example.test',
    clientId: 'client',
    clientSecret: 'secret',
    allowedDomains: ['deleted.test'],
    defaultRole: 'viewer',
    requireSso: false,
  },
}

/** Query strings of the GET and DELETE routes whose input requires one. */
const queries: Record<string, string> = {
  'GET /tenants/:tenantId/audit-logs/subjects': '?role=actor',
  'DELETE /admin/tenants/:tenantId': '?confirmSlug=deleted-a',
}

function bodyFor(definition: OperationDefinition): unknown {
  if (definition.method === 'GET' || definition.method === 'DELETE') return undefined
  const example = examples[`${definition.method} ${definition.path}`]
  if (example === undefined) throw new Error(`no example body for ${definition.method} ${definition.path}: add one`)
  return example
}

const routesNamingTheTenant = () => discoverRoutes(server().app).filter((route) => route.path.includes('/:tenantId'))

function fill(path: string): string {
  return path
    .slice(apiBasePath.length)
    .replace(':tenantId', world.tenantA)
    .replace(':keyId', ids.keyId)
    .replace(':userId', world.userIds.member)
    .replace(':integrationId', ids.integrationId)
    .replace(':invitationId', ids.invitationId)
}

async function auditRowCount(): Promise<number> {
  return withOperatorRead(
    database().pools,
    async (client) =>
      (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_logs WHERE tenant_id = $1', [world.tenantA])).rows[0]!.n,
  )
}

beforeAll(async () => {
  world = await buildTenantWorld(database(), server(), 'deleted')
  const owner = world.clients.owner
  allScopeKey = (
    await owner.request<{ key: string }>('POST', `/tenants/${world.tenantA}/api-keys`, {
      body: { name: 'all scopes', scopes: [...apiKeyScopes] },
    })
  ).body.key
  const key = await owner.request<{ id: string }>('POST', `/tenants/${world.tenantA}/api-keys`, {
    body: { name: 'to revoke', scopes: ['tenant:read'] },
  })
  const integration = await owner.request<{ id: string }>('POST', `/tenants/${world.tenantA}/integrations`, {
    body: { provider: 'slack', label: 'ws', secret: 'xoxb-1' },
  })
  const invitation = await owner.request<{ invitation: { id: string } }>('POST', `/tenants/${world.tenantA}/members`, {
    body: { email: 'pending@example.test', role: 'viewer' },
  })
  ids = { keyId: key.body.id, integrationId: integration.body.id, invitationId: invitation.body.invitation.id }
  await createUser(database(), { email: 'deleted-ops@example.test', password: 'deleted ops password', platformAdmin: true })
  operator = new ApiClient(server().url)
  await operator.login('deleted-ops@example.test', 'deleted ops password')
  // Before the deletion the key works; then the owner deletes the tenant.
  expect(
    (await new ApiClient(server().url).request('GET', `/tenants/${world.tenantA}/members`, { auth: `Bearer ${allScopeKey}` })).status,
  ).toBe(200)
  expect((await owner.request('DELETE', `/tenants/${world.tenantA}`)).status).toBe(204)
  auditRowsAtDeletion = await auditRowCount()
})

describe('a deleted tenant', () => {
  it('has routes to check', () => {
    expect(routesNamingTheTenant().length).toBeGreaterThanOrEqual(20)
  })

  for (const caller of ['its owner', 'its all-scope API key', 'a platform operator'] as const) {
    it(`answers 404 on every route that names it, to ${caller}`, async () => {
      const routes = routesNamingTheTenant().filter(
        (route) => caller === 'a platform operator' || operationOfRoute(route.method, route.path).access !== 'operator',
      )
      for (const route of routes) {
        const definition = operationOfRoute(route.method, route.path)
        const client =
          caller === 'its owner' ? world.clients.owner : caller === 'a platform operator' ? operator : new ApiClient(server().url)
        const answer = await client.request(
          route.method,
          `${fill(route.path)}${queries[`${definition.method} ${definition.path}`] ?? ''}`,
          {
            body: bodyFor(definition),
            headers: { 'x-access-reason': 'checking a deleted tenant' },
            ...(caller === 'its all-scope API key' ? { auth: `Bearer ${allScopeKey}` } : {}),
          },
        )
        expect(answer.status, `${caller} ${route.method} ${route.path}: ${answer.text.slice(0, 200)}`).toBe(404)
      }
    })
  }

  it("answers its API key's /me with 404 too", async () => {
    expect((await new ApiClient(server().url).request('GET', '/me', { auth: `Bearer ${allScopeKey}` })).status).toBe(404)
  })

  it('took no writes from any of them', async () => {
    expect(await auditRowCount()).toBe(auditRowsAtDeletion)
  })
})
