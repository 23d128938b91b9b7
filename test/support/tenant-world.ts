/**
 * Two tenants built through the API: tenant A with a user of every role, an outsider, and an
 * API key for each scope; tenant B with its own owner and a key. Members are added in SQL (as
 * limena_app, in B's or A's transaction) since inviting them is a later feature's route.
 */
import { apiKeyScopes, tenantRoles, type ApiKeyScope, type TenantRole } from '../../src/shared/permissions.js'
import { withTenant } from '../../src/server/db/with-tenant.js'
import type { TestDatabase } from './test-database.js'
import { ApiClient, createUser, type TestServer } from './test-server.js'

export const worldPassword = 'world password of some length'

export interface TenantWorld {
  tenantA: string
  tenantB: string
  /** Signed-in clients of tenant A by role, plus an outsider who belongs to no tenant. */
  clients: Record<TenantRole | 'outsider', ApiClient>
  ownerB: ApiClient
  /** API keys of tenant A, one per scope. */
  keys: Record<ApiKeyScope, string>
  keyB: string
  userIds: Record<TenantRole | 'outsider' | 'ownerB', string>
}

async function signIn(server: TestServer, email: string): Promise<ApiClient> {
  const client = new ApiClient(server.url)
  const answer = await client.login(email, worldPassword)
  if (answer.status !== 200) throw new Error(`sign-in of ${email} failed: ${answer.text}`)
  return client
}

export async function buildTenantWorld(database: TestDatabase, server: TestServer, label = 'world'): Promise<TenantWorld> {
  const userIds = {} as TenantWorld['userIds']
  for (const name of [...tenantRoles, 'outsider', 'ownerB'] as const) {
    userIds[name] = await createUser(database, { email: `${label}-${name.toLowerCase()}@example.test`, password: worldPassword })
  }
  const owner = await signIn(server, `${label}-owner@example.test`)
  const ownerB = await signIn(server, `${label}-ownerb@example.test`)
  const createdA = await owner.request<{ id: string }>('POST', '/tenants', { body: { name: `${label} A`, slug: `${label}-a` } })
  const createdB = await ownerB.request<{ id: string }>('POST', '/tenants', { body: { name: `${label} B`, slug: `${label}-b` } })
  if (createdA.status !== 201 || createdB.status !== 201) throw new Error(`tenant creation failed: ${createdA.text} ${createdB.text}`)
  const tenantA = createdA.body.id
  const tenantB = createdB.body.id
  await withTenant(database.pools.app, tenantA, async (client) => {
    for (const role of ['admin', 'member', 'viewer'] as const) {
      await client.query('INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)', [tenantA, userIds[role], role])
    }
  })
  const clients = { owner } as TenantWorld['clients']
  for (const name of ['admin', 'member', 'viewer', 'outsider'] as const)
    clients[name] = await signIn(server, `${label}-${name}@example.test`)
  const keys = {} as TenantWorld['keys']
  for (const scope of apiKeyScopes) {
    const created = await owner.request<{ key: string }>('POST', `/tenants/${tenantA}/api-keys`, {
      body: { name: `key ${scope}`, scopes: [scope] },
    })
    if (created.status !== 201) throw new Error(`key creation failed: ${created.text}`)
    keys[scope] = created.body.key
  }
  const keyB = (
    await ownerB.request<{ key: string }>('POST', `/tenants/${tenantB}/api-keys`, { body: { name: 'key of B', scopes: [...apiKeyScopes] } })
  ).body.key
  return { tenantA, tenantB, clients, ownerB, keys, keyB, userIds }
}
