/**
 * Catalog queries the isolation tests share: which tables carry tenant data, and which of those
 * lack enabled-and-forced row-level security.
 */
import { globalTables } from '../../src/server/db/global-tables.js'
import type { AdminClient } from '../../src/server/db/pools.js'

export { globalTables }

export async function tenantColumnTables(admin: AdminClient): Promise<string[]> {
  const result = await admin.query<{ table: string }>(
    `SELECT DISTINCT c.relname AS table
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE a.attname = 'tenant_id' AND NOT a.attisdropped AND c.relkind IN ('r', 'p')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      ORDER BY 1`,
  )
  return result.rows.map((row) => row.table)
}

/** Every user table that is not global by design and lacks RLS enabled AND forced. */
export async function tablesWithoutForcedRls(admin: AdminClient): Promise<string[]> {
  const result = await admin.query<{ table: string }>(
    `SELECT c.relname AS table
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
        AND NOT (c.relrowsecurity AND c.relforcerowsecurity)
      ORDER BY 1`,
  )
  return result.rows.map((row) => row.table).filter((table) => !globalTables.includes(table))
}
