/**
 * Operators suspend, restore and delete a tenant, through HTTP: a suspended tenant refuses its
 * members and its API keys with a problem that says it is suspended (nobody outside it learns
 * that), operators still reach it; a restore lets everyone back; a delete needs the tenant's slug
 * repeated and makes the tenant gone for every credential. Each change is audited in the
 * tenant's log with the operator's reason, beside its operator.write row.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { problemTypes } from '../../../src/shared/problem.js'
import { withOperatorRead } from '../../../src/server/db/with-operator.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, useTestServer } from '../../support/test-server.js'
import { buildTenantWorld, type TenantWorld } from '../../support/tenant-world.js'

const database = useTestDatabase()
const server = useTestServer(database)
let world: TenantWorld
let operator: ApiClient
const reason = 'CASE-88 unpaid invoices past 90 days'
const withReason = { 'x-access-reason': reason }

beforeAll(async () => {
  world = await buildTenantWorld(database(), server(), 'life')
  await createUser(database(), { email: 'life-operator@example.test', password: 'operator password 1', platformAdmin: true })
  operator = new ApiClient(server().url)
  await operator.login('life-operator@example.test', 'operator password 1')
})

async function lifecycleRows(
  tenantId: string,
): Promise<Array<{ action: string; reason: string | null; metadata: { what?: string } | null }>> {
  return withOperatorRead(
    database().pools,
    async (client) =>
      (
        await client.query(
          "SELECT action, reason, metadata FROM audit_logs WHERE tenant_id = $1 AND (action LIKE 'tenant.%' OR action = 'operator.write') ORDER BY seq",
          [tenantId],
        )
      ).rows,
  )
}

const tenantPath = () => `/tenants/${world.tenantA}`
const asKey = (key: string) => ({ auth: `Bearer ${key}` })

describe('suspending and restoring a tenant', () => {
  it('refuses members and API keys of a suspended tenant with a problem that says so, and lets operators in', async () => {
    const suspended = await operator.request<{ suspendedAt: string | null }>('POST', `/admin/tenants/${world.tenantA}/suspend`, {
      headers: withReason,
    })
    expect(suspended.status).toBe(200)
    expect(suspended.body.suspendedAt).not.toBeNull()

    for (const client of [world.clients.owner, world.clients.viewer]) {
      const refused = await client.request<{ type: string; detail: string }>('GET', tenantPath())
      expect(refused.status).toBe(403)
      expect(refused.body.type).toBe(problemTypes.tenantSuspended)
      expect(refused.body.detail).toMatch(/suspended/)
    }
    const byKey = await new ApiClient(server().url).request<{ type: string }>('GET', tenantPath(), asKey(world.keys['tenant:read']))
    expect(byKey.status).toBe(403)
    expect(byKey.body.type).toBe(problemTypes.tenantSuspended)
    // Someone outside the tenant learns nothing about it.
    expect((await world.clients.outsider.request('GET', tenantPath())).status).toBe(404)
    // A member sees the state in their list of tenants, so the console can say so.
    const listed = await world.clients.viewer.request<{ items: Array<{ id: string; suspendedAt: string | null }> }>('GET', '/tenants')
    expect(listed.body.items.find((item) => item.id === world.tenantA)?.suspendedAt).toBe(suspended.body.suspendedAt)
    // Operators still read it.
    expect((await operator.request('GET', `/admin/tenants/${world.tenantA}`, { headers: withReason })).status).toBe(200)
    // Another tenant is untouched.
    expect((await world.ownerB.request('GET', `/tenants/${world.tenantB}`)).status).toBe(200)
    // Suspending twice says it already is.
    expect((await operator.request('POST', `/admin/tenants/${world.tenantA}/suspend`, { headers: withReason })).status).toBe(409)
  })

  it('lets everyone back in after a restore, and records both changes with the reason', async () => {
    const restored = await operator.request<{ suspendedAt: string | null }>('POST', `/admin/tenants/${world.tenantA}/restore`, {
      headers: withReason,
    })
    expect(restored.status).toBe(200)
    expect(restored.body.suspendedAt).toBeNull()
    expect((await world.clients.owner.request('GET', tenantPath())).status).toBe(200)
    expect((await new ApiClient(server().url).request('GET', tenantPath(), asKey(world.keys['tenant:read']))).status).toBe(200)
    expect((await operator.request('POST', `/admin/tenants/${world.tenantA}/restore`, { headers: withReason })).status).toBe(409)

    const rows = await lifecycleRows(world.tenantA)
    expect(rows.filter((row) => row.action === 'tenant.suspended')).toEqual([expect.objectContaining({ reason })])
    expect(rows.filter((row) => row.action === 'tenant.restored')).toEqual([expect.objectContaining({ reason })])
    expect(rows.filter((row) => row.action === 'operator.write').map((row) => row.metadata?.what)).toEqual(
      expect.arrayContaining(['suspend tenant', 'restore tenant']),
    )
  })

  it('is for operators only', async () => {
    expect((await world.clients.owner.request('POST', `/admin/tenants/${world.tenantA}/suspend`, { headers: withReason })).status).toBe(403)
  })
})

describe('deleting a tenant as an operator', () => {
  it('needs the slug repeated: a wrong one deletes nothing and writes nothing', async () => {
    const before = (await lifecycleRows(world.tenantB)).length
    const wrong = await operator.request<{ detail: string; errors: Array<{ path: string }> }>(
      'DELETE',
      `/admin/tenants/${world.tenantB}?confirmSlug=life-a`,
      { headers: withReason },
    )
    expect(wrong.status).toBe(400)
    expect(wrong.body.detail).toMatch(/life-b/)
    expect(wrong.body.errors.map((error) => error.path)).toEqual(['confirmSlug'])
    expect((await world.ownerB.request('GET', `/tenants/${world.tenantB}`)).status).toBe(200)
    expect(await lifecycleRows(world.tenantB)).toHaveLength(before)
  })

  it('makes the tenant gone for its members and keys, audited with the reason', async () => {
    const deleted = await operator.request('DELETE', `/admin/tenants/${world.tenantB}?confirmSlug=life-b`, { headers: withReason })
    expect(deleted.status).toBe(204)
    expect((await world.ownerB.request('GET', `/tenants/${world.tenantB}`)).status).toBe(404)
    expect((await new ApiClient(server().url).request('GET', `/tenants/${world.tenantB}`, asKey(world.keyB))).status).toBe(404)
    expect((await operator.request('GET', `/admin/tenants/${world.tenantB}`, { headers: withReason })).status).toBe(404)
    expect((await lifecycleRows(world.tenantB)).filter((row) => row.action === 'tenant.deleted')).toEqual([
      expect.objectContaining({ reason }),
    ])
  })
})
