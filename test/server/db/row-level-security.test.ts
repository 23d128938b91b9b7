/**
 * Tenant isolation in the database itself, found from the catalog rather than a list: every
 * table with a tenant_id column (and `tenants`, keyed by id) must have RLS enabled and forced,
 * show nothing without a tenant setting, only the set tenant's rows with one, and refuse a
 * row of another tenant.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { DbClient } from '../../../src/server/db/pools.js'
import { inTransaction, withTenant } from '../../../src/server/db/with-tenant.js'
import { withOperatorRead } from '../../../src/server/db/with-operator.js'
import { useTestDatabase } from '../../support/test-database.js'
import { seedTenant, type SeededTenant } from '../../support/tenant-fixtures.js'
import { tablesWithoutForcedRls, tenantColumnTables } from '../../support/catalog.js'

const database = useTestDatabase()
let tenantA: SeededTenant
let tenantB: SeededTenant
let tenantTables: Array<{ table: string; keyColumn: string }>
let generatedColumns: Set<string>

beforeAll(async () => {
  tenantA = await seedTenant(database().pools, 'alpha')
  tenantB = await seedTenant(database().pools, 'bravo')
  const admin = await database().admin()
  try {
    const generated = await admin.query<{ name: string }>(
      "SELECT table_name || '.' || column_name AS name FROM information_schema.columns WHERE table_schema = 'limena' AND is_generated = 'ALWAYS'",
    )
    generatedColumns = new Set(generated.rows.map((row) => row.name))
    const tables = await tenantColumnTables(admin)
    tenantTables = [...tables.map((table) => ({ table, keyColumn: 'tenant_id' })), { table: 'tenants', keyColumn: 'id' }]
  } finally {
    await admin.end()
  }
})

async function countRows(client: DbClient, table: string): Promise<number> {
  const result = await client.query<{ count: string }>(`SELECT count(*) FROM ${table}`)
  return Number(result.rows[0]!.count)
}

describe('row-level security on every tenant table', () => {
  it('finds the tenant tables in the catalog', () => {
    expect(tenantTables.map((entry) => entry.table)).toEqual(
      expect.arrayContaining(['memberships', 'api_keys', 'integrations', 'audit_logs', 'ai_quotas', 'ai_usage', 'quota_trips', 'tenants']),
    )
  })

  it('has RLS enabled and forced on each of them, and on every other non-global table in any schema', async () => {
    const admin = await database().admin()
    try {
      expect(await tablesWithoutForcedRls(admin)).toEqual([])
      const flags = await admin.query<{ table: string; enabled: boolean; forced: boolean }>(
        `SELECT relname AS table, relrowsecurity AS enabled, relforcerowsecurity AS forced FROM pg_class WHERE relname = ANY($1) AND relkind = 'r'`,
        [tenantTables.map((entry) => entry.table)],
      )
      expect(flags.rows).toHaveLength(tenantTables.length)
      for (const row of flags.rows) expect(row, row.table).toMatchObject({ enabled: true, forced: true })
    } finally {
      await admin.end()
    }
  })

  it('shows limena_app no row at all without a tenant setting', async () => {
    for (const { table } of tenantTables) {
      const count = await inTransaction(database().pools.app, {}, (client) => countRows(client, table))
      expect(count, table).toBe(0)
    }
  })

  it("shows limena_app only tenant A's rows when tenant A is set", async () => {
    for (const { table, keyColumn } of tenantTables) {
      const tenantsSeen = await withTenant(database().pools.app, tenantA.id, async (client) => {
        const result = await client.query<{ tenant: string }>(`SELECT DISTINCT ${keyColumn}::text AS tenant FROM ${table}`)
        return result.rows.map((row) => row.tenant)
      })
      expect(tenantsSeen, `${table}: add a row for it in test/support/tenant-fixtures.ts`).toEqual([tenantA.id])
    }
  })

  it("refuses to insert tenant B's row while tenant A is set", async () => {
    for (const { table } of tenantTables) {
      const rowOfB = tenantB.rows[table]?.[0]
      expect(rowOfB, `${table}: add a row for it in test/support/tenant-fixtures.ts`).toBeDefined()
      const copy = Object.fromEntries(
        Object.entries(rowOfB!).filter(
          ([column]) => (column !== 'id' || table === 'tenants') && !generatedColumns.has(`${table}.${column}`),
        ),
      )
      const columns = Object.keys(copy)
      const attempt = withTenant(database().pools.app, tenantA.id, (client) =>
        client.query(
          `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
          Object.values(copy),
        ),
      )
      // The audit tables take rows only through append_audit (migration 0009): the app role may not insert at all.
      await expect(attempt, table).rejects.toThrow(
        ['audit_logs', 'audit_chain_heads'].includes(table) ? /permission denied/ : /row-level security/,
      )
    }
  })

  it("cannot move tenant A's rows to tenant B by UPDATE", async () => {
    for (const { table, keyColumn } of tenantTables.filter((entry) => !['audit_logs'].includes(entry.table))) {
      const attempt = withTenant(database().pools.app, tenantA.id, (client) =>
        client.query(`UPDATE ${table} SET ${keyColumn} = $1 WHERE ${keyColumn} = $2`, [tenantB.id, tenantA.id]),
      )
      await expect(attempt, table).rejects.toThrow(/row-level security|permission denied|violates foreign key/)
    }
  })

  it('lets limena_readonly read across tenants through its own policies, without BYPASSRLS', async () => {
    for (const { table, keyColumn } of tenantTables) {
      const tenantsSeen = await withOperatorRead(database().pools, async (client) => {
        const result = await client.query<{ tenant: string }>(`SELECT DISTINCT ${keyColumn}::text AS tenant FROM ${table}`)
        return result.rows.map((row) => row.tenant).sort()
      })
      expect(tenantsSeen, table).toEqual([tenantA.id, tenantB.id].sort())
    }
  })

  it('grants no limena role SUPERUSER or BYPASSRLS, and the owner cannot log in', async () => {
    const admin = await database().admin()
    try {
      const result = await admin.query<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean; rolcanlogin: boolean }>(
        `SELECT rolname, rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname LIKE 'limena\\_%' ORDER BY rolname`,
      )
      expect(result.rows.map((row) => row.rolname)).toEqual([
        'limena_app',
        'limena_audit_writer',
        'limena_maintenance',
        'limena_owner',
        'limena_readonly',
        'limena_sso_directory',
      ])
      for (const role of result.rows) {
        expect(role.rolsuper, role.rolname).toBe(false)
        expect(role.rolbypassrls, role.rolname).toBe(false)
      }
      for (const owner of ['limena_owner', 'limena_audit_writer', 'limena_sso_directory'])
        expect(result.rows.find((row) => row.rolname === owner)?.rolcanlogin, owner).toBe(false)
    } finally {
      await admin.end()
    }
  })
})
