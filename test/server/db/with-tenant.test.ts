/**
 * The tenant setting is transaction-local: on a pool of one connection, the next transaction
 * does not inherit the previous tenant, and a failed transaction does not leave it behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDatabasePools, preparedStatementsPerConnection, type DatabasePools } from '../../../src/server/db/pools.js'
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
    const rows = await withTenant(
      singleConnection.app,
      tenantA.id,
      async (client) => (await client.query("SELECT * FROM ai_usage WHERE bucket_start = '2026-01-01T00:00:00Z'")).rows,
    )
    expect(rows).toEqual([])
    const after = await inTransaction(singleConnection.app, {}, async (client) => (await client.query(currentSetting)).rows[0])
    expect(after.tenant === null || after.tenant === '').toBe(true)
  })

  it('refuses a tenant id that is not a UUID before touching the database', async () => {
    await expect(withTenant(singleConnection.app, "x' OR true --", async () => 1)).rejects.toBeInstanceOf(InvalidTenantIdError)
  })
})

describe('the opening round trip', () => {
  it('sends BEGIN, the settings and the first statement as one query, and COMMIT as the other', async () => {
    const sent: unknown[] = []
    const client = await singleConnection.app.connect()
    const query = client.query.bind(client)
    client.query = ((...args: Parameters<typeof client.query>) => {
      sent.push(args[0])
      return query(...args)
    }) as typeof client.query
    client.release()
    const firstRows = await inTransaction(
      singleConnection.app,
      { tenantId: tenantA.id, userId: tenantA.userId, readOnly: true, firstStatement: currentSetting },
      async (_client, rows) => rows,
    )
    const again = await singleConnection.app.connect()
    again.query = query
    again.release()
    expect(sent).toHaveLength(2)
    expect(String(sent[0])).toMatch(/^BEGIN READ ONLY; SELECT set_config/)
    expect(sent[1]).toBe('COMMIT')
    expect(firstRows[0]?.tenant).toBe(tenantA.id)
  })

  it('inlines setting values as quoted literals: a quote in a value stays data', async () => {
    const hostile = "abc'), set_config('app.current_tenant_id', 'x', true) --"
    const seen = await inTransaction(
      singleConnection.app,
      { apiKeyHash: hostile, firstStatement: "SELECT current_setting('app.api_key_hash') AS hash" },
      async (_client, rows) => rows[0]?.hash,
    )
    expect(seen).toBe(hostile)
  })

  it("reads the caller's role through tenant_role_of, under the caller's row-level security", async () => {
    const roleIn = (tenantId: string, userId: string, asTenant: string, asUser: string) =>
      inTransaction(
        singleConnection.app,
        { tenantId: asTenant, userId: asUser, readOnly: true, firstStatement: `SELECT tenant_role_of('${tenantId}', '${userId}') AS role` },
        async (_client, rows) => rows[0]?.role ?? null,
      )
    expect(await roleIn(tenantA.id, tenantA.userId, tenantA.id, tenantA.userId)).toBe('owner')
    expect(await roleIn(tenantA.id, tenantB.userId, tenantA.id, tenantB.userId)).toBeNull()
    // Set up as tenant B's user, the function cannot see tenant A's membership rows at all.
    expect(await roleIn(tenantA.id, tenantA.userId, tenantB.id, tenantB.userId)).toBeNull()
  })
})

describe('prepared statements', () => {
  it('runs a parameterised query as a named statement of its connection, once prepared', async () => {
    const client = await singleConnection.app.connect()
    try {
      const text = 'SELECT $1::int + 1 AS answer'
      expect((await client.query(text, [41])).rows[0].answer).toBe(42)
      expect((await client.query(text, [1])).rows[0].answer).toBe(2)
      const prepared = await client.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements')
      expect(prepared.rows.filter((row) => row.statement === text)).toHaveLength(1)
    } finally {
      client.release()
    }
  })

  it(`keeps at most ${preparedStatementsPerConnection} per connection and runs the rest unnamed`, async () => {
    const pools = createDatabasePools(database().adminUrl, testPasswords, { maxConnections: 1 })
    try {
      const client = await pools.app.connect()
      try {
        for (let index = 0; index < preparedStatementsPerConnection + 10; index += 1) {
          expect((await client.query(`SELECT $1::int AS n${index}`, [index])).rows[0][`n${index}`]).toBe(index)
        }
        const count = await client.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1::int AS n%'",
        )
        expect(count.rows[0]!.n).toBe(preparedStatementsPerConnection)
      } finally {
        client.release()
      }
    } finally {
      await pools.close()
    }
  })
})
