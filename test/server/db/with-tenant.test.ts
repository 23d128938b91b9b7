/**
 * The tenant setting is transaction-local: on a pool of one connection, the next transaction
 * does not inherit the previous tenant, and a failed transaction does not leave it behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabasePools, type DatabasePools } from '../../../src/server/db/pools.js'
import { InvalidTenantIdError, inTransaction, withTenant } from '../../../src/server/db/with-tenant.js'
import { useTestDatabase } from '../../support/test-database.js'
import { seedTenant, type SeededTenant } from '../../support/tenant-fixtures.js'
import { testPasswords } from '../../support/test-settings.js'

const database = useTestDatabase()
let singleConnection: DatabasePools
let tenantA: SeededTenant
let tenantB: SeededTenant

beforeAll(async () => {
  tenantA = await seedTenant(database().pools, 'one')
  tenantB = await seedTenant(database().pools, 'two')
  singleConnection = createDatabasePools(database().adminUrl, testPasswords, { maxConnections: 1 })
})

afterAll(async () => {
  await singleConnection.close()
})

const currentSetting = "SELECT current_setting('app.current_tenant_id', true) AS tenant, pg_backend_pid() AS pid"

describe('withTenant', () => {
  it('does not carry one tenant into the next transaction on the same connection', async () => {
    const first = await withTenant(singleConnection.app, tenantA.id, async (client) => (await client.query(currentSetting)).rows[0])
    const between = await inTransaction(singleConnection.app, {}, async (client) => (await client.query(currentSetting)).rows[0])
    const second = await withTenant(singleConnection.app, tenantB.id, async (client) => (await client.query(currentSetting)).rows[0])
    expect(first.pid).toBe(second.pid)
    expect(between.pid).toBe(first.pid)
    expect(first.tenant).toBe(tenantA.id)
    expect(between.tenant === null || between.tenant === '').toBe(true)
    expect(second.tenant).toBe(tenantB.id)
    const outside = await singleConnection.app.query(currentSetting)
    expect(outside.rows[0].tenant === null || outside.rows[0].tenant === '').toBe(true)
  })

  it('rolls back and clears the setting when the work throws', async () => {
    await expect(
      withTenant(singleConnection.app, tenantA.id, async (client) => {
        await client.query("INSERT INTO ai_usage (tenant_id, bucket_start, calls) VALUES ($1, '2026-01-01T00:00:00Z', 1)", [tenantA.id])
        throw new Error('work failed')
      }),
    ).rejects.toThrow('work failed')
    const rows = await withTenant(singleConnection.app, tenantA.id, async (client) =>
      (await client.query("SELECT * FROM ai_usage WHERE bucket_start = '2026-01-01T00:00:00Z'")).rows,
    )
    expect(rows).toEqual([])
    const after = await inTransaction(singleConnection.app, {}, async (client) => (await client.query(currentSetting)).rows[0])
    expect(after.tenant === null || after.tenant === '').toBe(true)
  })

  it('refuses a tenant id that is not a UUID before touching the database', async () => {
    await expect(withTenant(singleConnection.app, "x' OR true --", async () => 1)).rejects.toBeInstanceOf(InvalidTenantIdError)
  })
})
