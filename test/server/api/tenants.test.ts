/**
 * Tenant routes through HTTP: create (caller becomes owner, default quota), list with role,
 * slug conflicts, update with audit, soft delete (owner only) after which the tenant is gone.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { withOperatorRead } from '../../../src/server/db/with-operator.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, useTestServer } from '../../support/test-server.js'

const database = useTestDatabase()
const server = useTestServer(database)
let owner: ApiClient

beforeAll(async () => {
  await createUser(database(), { email: 'founder@example.test', password: 'founder password 1' })
  owner = new ApiClient(server().url)
  await owner.login('founder@example.test', 'founder password 1')
})

describe('tenants', () => {
  let tenantId: string

  it('creates a tenant whose creator is its owner, with the default AI quota', async () => {
    const created = await owner.request<{ id: string; role: string; slug: string }>('POST', '/tenants', {
      body: { name: '  Acme Corp ', slug: 'ACME' },
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ name: 'Acme Corp', slug: 'acme', role: 'owner' })
    tenantId = created.body.id
    const quota = await withOperatorRead(
      database().pools,
      async (client) =>
        (await client.query('SELECT velocity_per_hour, monthly_token_ceiling FROM ai_quotas WHERE tenant_id = $1', [tenantId])).rows[0],
    )
    expect(quota).toEqual({ velocity_per_hour: 500, monthly_token_ceiling: '20000000' })
  })

  it('lists the tenants of the caller with the role held', async () => {
    const listed = await owner.request<{ items: Array<{ id: string; role: string }> }>('GET', '/tenants')
    expect(listed.body.items).toEqual([expect.objectContaining({ id: tenantId, role: 'owner' })])
  })

  it('answers 409 for a slug that is taken, and 400 for one that is malformed', async () => {
    expect((await owner.request('POST', '/tenants', { body: { name: 'Other', slug: 'acme' } })).status).toBe(409)
    const malformed = await owner.request<{ errors: Array<{ path: string }> }>('POST', '/tenants', {
      body: { name: 'Other', slug: '-bad slug-' },
    })
    expect(malformed.status).toBe(400)
    expect(malformed.body.errors[0]!.path).toBe('slug')
  })

  it('updates name and slug', async () => {
    const updated = await owner.request<{ name: string; slug: string }>('PATCH', `/tenants/${tenantId}`, {
      body: { name: 'Acme Inc', slug: 'acme-inc' },
    })
    expect(updated.status).toBe(200)
    expect(updated.body).toMatchObject({ name: 'Acme Inc', slug: 'acme-inc' })
    const fetched = await owner.request<{ slug: string }>('GET', `/tenants/${tenantId}`)
    expect(fetched.body.slug).toBe('acme-inc')
  })

  it('answers 404 for a malformed or unknown tenant id', async () => {
    expect((await owner.request('GET', '/tenants/not-a-uuid')).status).toBe(404)
    expect((await owner.request('GET', `/tenants/${crypto.randomUUID()}`)).status).toBe(404)
  })

  it('soft-deletes: the tenant disappears from every route, and the deletion is audited', async () => {
    expect((await owner.request('DELETE', `/tenants/${tenantId}`)).status).toBe(204)
    expect((await owner.request('GET', `/tenants/${tenantId}`)).status).toBe(404)
    expect((await owner.request<{ items: unknown[] }>('GET', '/tenants')).body.items).toEqual([])
    const actions = await withOperatorRead(database().pools, async (client) =>
      (await client.query<{ action: string }>('SELECT action FROM audit_logs WHERE tenant_id = $1 ORDER BY seq', [tenantId])).rows.map(
        (row) => row.action,
      ),
    )
    expect(actions).toEqual(['tenant.created', 'tenant.updated', 'tenant.deleted'])
  })
})
