/**
 * What each role may not do, tried as that role: the audit log is append-only for limena_app,
 * limena_readonly writes nothing anywhere, and credentials stay out of operator reads.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { inTransaction, withTenant } from '../../../src/server/db/with-tenant.js'
import { withOperatorRead } from '../../../src/server/db/with-operator.js'
import { useTestDatabase } from '../../support/test-database.js'
import { seedTenant, type SeededTenant } from '../../support/tenant-fixtures.js'

const database = useTestDatabase()
let tenant: SeededTenant
let allTables: string[]

beforeAll(async () => {
  tenant = await seedTenant(database().pools, 'priv')
  const admin = await database().admin()
  try {
    const result = await admin.query<{ table: string }>(`SELECT tablename AS table FROM pg_tables WHERE schemaname = 'limena' ORDER BY 1`)
    allTables = result.rows.map((row) => row.table)
  } finally {
    await admin.end()
  }
})

describe('limena_app and the audit log', () => {
  it.each([
    ['UPDATE', "UPDATE audit_logs SET action = 'tenant.deleted'"],
    ['DELETE', 'DELETE FROM audit_logs'],
    ['TRUNCATE', 'TRUNCATE audit_logs'],
  ])('cannot %s audit_logs', async (_verb, statement) => {
    const attempt = withTenant(database().pools.app, tenant.id, (client) => client.query(statement))
    await expect(attempt).rejects.toThrow(/permission denied/)
  })

  it('can append to it and read it back in its tenant', async () => {
    const count = await withTenant(database().pools.app, tenant.id, async (client) => {
      const result = await client.query<{ count: string }>('SELECT count(*) FROM audit_logs')
      return Number(result.rows[0]!.count)
    })
    expect(count).toBe(1)
  })

  it('cannot make anyone a platform admin', async () => {
    const attempt = inTransaction(database().pools.app, {}, (client) => client.query('UPDATE users SET is_platform_admin = true WHERE id = $1', [tenant.userId]))
    await expect(attempt).rejects.toThrow(/permission denied/)
  })
})

describe('limena_readonly', () => {
  it('cannot write to any table, by its grants and not only by READ ONLY transactions', async () => {
    const admin = await database().admin()
    const columns = await admin.query<{ table: string; column: string }>(
      `SELECT DISTINCT ON (table_name) table_name AS table, column_name AS column
         FROM information_schema.columns WHERE table_schema = 'limena' AND is_identity = 'NO' ORDER BY table_name, ordinal_position`,
    )
    await admin.end()
    expect(columns.rows.map((row) => row.table).sort()).toEqual([...allTables].sort())
    const client = await database().pools.readonly.connect()
    try {
      for (const { table, column } of columns.rows) {
        for (const statement of [
          `INSERT INTO ${table} DEFAULT VALUES`,
          `UPDATE ${table} SET ${column} = ${column}`,
          `DELETE FROM ${table}`,
          `TRUNCATE ${table}`,
        ]) {
          await expect(client.query(statement), statement).rejects.toThrow(/permission denied/)
        }
      }
    } finally {
      client.release()
    }
  })

  it('cannot write even outside a READ ONLY transaction', async () => {
    const client = await database().pools.readonly.connect()
    try {
      await expect(client.query("INSERT INTO ai_usage (tenant_id, bucket_start) VALUES ($1, date_trunc('hour', now()))", [tenant.id])).rejects.toThrow(/permission denied/)
      await expect(client.query('DELETE FROM audit_logs')).rejects.toThrow(/permission denied/)
    } finally {
      client.release()
    }
  })

  it('cannot read password hashes, key hashes, token hashes or integration ciphertexts', async () => {
    for (const [table, column] of [
      ['users', 'password_hash'],
      ['api_keys', 'key_hash'],
      ['refresh_tokens', 'token_hash'],
      ['invitations', 'token_hash'],
      ['integrations', 'secret_ciphertext'],
    ] as const) {
      const attempt = withOperatorRead(database().pools, (client) => client.query(`SELECT ${column} FROM ${table}`))
      await expect(attempt, `${table}.${column}`).rejects.toThrow(/permission denied/)
    }
  })
})
