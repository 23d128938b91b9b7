/**
 * What each role may not do, tried as that role: the audit log is append-only for limena_app,
 * audit rows are appended only through append_audit and platform audit rows only through
 * append_platform_audit (SECURITY DEFINER functions of a role that cannot log in),
 * limena_readonly writes nothing anywhere, and credentials stay out of operator reads.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { writeAudit } from '../../../src/server/audit/audit-writer.js'
import { writePlatformAudit } from '../../../src/server/audit/platform-audit-writer.js'
import { verifyPlatformAuditChain } from '../../../src/server/audit/verify-audit.js'
import type { DbClient } from '../../../src/server/db/pools.js'
import { inTransaction, withTenant } from '../../../src/server/db/with-tenant.js'
import { withMaintenance, withOperatorRead } from '../../../src/server/db/with-operator.js'
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
    const attempt = inTransaction(database().pools.app, {}, (client) =>
      client.query('UPDATE users SET is_platform_admin = true WHERE id = $1', [tenant.userId]),
    )
    await expect(attempt).rejects.toThrow(/permission denied/)
  })
})

const zeroHash = `'\\x${'00'.repeat(32)}'::bytea`

/** Work in the seeded tenant as each role that may append audit rows. */
const appenders: Array<[string, <T>(work: (client: DbClient) => Promise<T>) => Promise<T>]> = [
  ['limena_app', (work) => withTenant(database().pools.app, tenant.id, work)],
  ['limena_maintenance', (work) => withMaintenance(database().pools, tenant.id, work)],
]

describe.each(appenders)('%s and the audit chain', (_role, inTenant) => {
  it('cannot INSERT into audit_logs', async () => {
    const attempt = inTenant((client) =>
      client.query(
        `INSERT INTO audit_logs (tenant_id, seq, at, action, actor_type, prev_hash, hash)
         VALUES ($1, 999, now() - interval '400 days', 'tenant.updated', 'system', ${zeroHash}, ${zeroHash})`,
        [tenant.id],
      ),
    )
    await expect(attempt).rejects.toThrow(/permission denied/)
  })

  it.each([
    ['INSERT', `INSERT INTO audit_chain_heads (tenant_id, seq, hash) VALUES ($1, 1, ${zeroHash}) ON CONFLICT DO NOTHING`],
    ['UPDATE', 'UPDATE audit_chain_heads SET seq = seq + 1 WHERE tenant_id = $1'],
  ])('cannot %s audit_chain_heads', async (_verb, statement) => {
    await expect(inTenant((client) => client.query(statement, [tenant.id]))).rejects.toThrow(/permission denied/)
  })

  it('appends through append_audit, which takes no time: a backdated row cannot be written', async () => {
    const written = await inTenant((client) =>
      writeAudit(client, { tenantId: tenant.id, action: 'tenant.updated', actor: { type: 'system', id: null, name: 'privilege test' } }),
    )
    expect(Math.abs(written.at.getTime() - Date.now())).toBeLessThan(60_000)
    const backdated = inTenant((client) =>
      client.query(
        "SELECT * FROM append_audit($1, 'tenant.updated', 'system', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '{}'::jsonb, now() - interval '400 days')",
        [tenant.id],
      ),
    )
    await expect(backdated).rejects.toThrow(/does not exist/)
  })
})

describe('append_audit', () => {
  it('is SECURITY DEFINER with a fixed search_path, owned by a NOLOGIN role, and executable only by limena_app and limena_maintenance', async () => {
    const admin = await database().admin()
    try {
      const functions = await admin.query<{
        prosecdef: boolean
        proconfig: string[] | null
        owner: string
        arguments: string
        public_execute: boolean
      }>(
        `SELECT p.prosecdef, p.proconfig, p.proowner::regrole::text AS owner, pg_get_function_identity_arguments(p.oid) AS arguments,
                EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) acl WHERE acl.grantee = 0 AND acl.privilege_type = 'EXECUTE') AS public_execute
           FROM pg_proc p WHERE p.proname = 'append_audit' AND p.pronamespace = 'limena'::regnamespace`,
      )
      expect(functions.rows).toHaveLength(1)
      const [appendAudit] = functions.rows
      expect(appendAudit!.prosecdef).toBe(true)
      expect(appendAudit!.proconfig).toEqual(['search_path=pg_catalog, limena, pg_temp'])
      expect(appendAudit!.arguments).not.toMatch(/timestamp/)
      expect(appendAudit!.public_execute).toBe(false)

      const owner = (
        await admin.query<{ rolcanlogin: boolean; rolsuper: boolean; rolbypassrls: boolean; owns_tables: boolean }>(
          `SELECT rolcanlogin, rolsuper, rolbypassrls,
                  EXISTS (SELECT 1 FROM pg_class c WHERE c.relowner = r.oid AND c.relnamespace = 'limena'::regnamespace) AS owns_tables
             FROM pg_roles r WHERE rolname = $1`,
          [appendAudit!.owner],
        )
      ).rows[0]!
      expect(owner).toEqual({ rolcanlogin: false, rolsuper: false, rolbypassrls: false, owns_tables: false })

      const executors = await admin.query<{ rolname: string }>(
        "SELECT rolname FROM pg_roles WHERE rolname LIKE 'limena\\_%' AND rolname <> $1 AND has_function_privilege(oid, 'limena.append_audit(uuid, text, text, uuid, text, text, text, text, inet, text, text, text, jsonb, jsonb)', 'EXECUTE') ORDER BY 1",
        [appendAudit!.owner],
      )
      expect(executors.rows.map((row) => row.rolname)).toEqual(['limena_app', 'limena_maintenance'])

      // Only what appending needs: write the two logs and their chain heads, nothing else anywhere.
      const privileges = await admin.query<{ table: string; privilege: string }>(
        `SELECT c.relname AS table, p.privilege
           FROM pg_class c CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) AS p(privilege)
          WHERE c.relnamespace = 'limena'::regnamespace AND c.relkind IN ('r', 'p')
            AND CASE WHEN p.privilege IN ('SELECT', 'INSERT', 'UPDATE', 'REFERENCES') THEN has_any_column_privilege($1, c.oid, p.privilege)
                     ELSE has_table_privilege($1, c.oid, p.privilege) END
          ORDER BY 1, 2`,
        [appendAudit!.owner],
      )
      expect(privileges.rows).toEqual([
        { table: 'audit_chain_heads', privilege: 'INSERT' },
        { table: 'audit_chain_heads', privilege: 'SELECT' },
        { table: 'audit_chain_heads', privilege: 'UPDATE' },
        { table: 'audit_logs', privilege: 'INSERT' },
        { table: 'audit_logs', privilege: 'SELECT' },
        { table: 'platform_audit_head', privilege: 'SELECT' },
        { table: 'platform_audit_head', privilege: 'UPDATE' },
        { table: 'platform_audit_logs', privilege: 'INSERT' },
        { table: 'platform_audit_logs', privilege: 'SELECT' },
      ])
    } finally {
      await admin.end()
    }
  })

  it('is refused to limena_readonly', async () => {
    const client = await database().pools.readonly.connect()
    try {
      await expect(
        client.query(
          "SELECT append_audit($1, 'tenant.updated', 'system', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '{}'::jsonb)",
          [tenant.id],
        ),
      ).rejects.toThrow(/permission denied/)
    } finally {
      client.release()
    }
  })
})

describe.each(appenders)('%s and the platform audit log', (_role, inTenant) => {
  it.each([
    [
      'INSERT into',
      `INSERT INTO platform_audit_logs (seq, at, action, actor_type, prev_hash, hash) VALUES (999, now(), 'platform.usage_read', 'system', ${zeroHash}, ${zeroHash})`,
    ],
    ['UPDATE', "UPDATE platform_audit_logs SET reason = 'rewritten'"],
    ['DELETE from', 'DELETE FROM platform_audit_logs'],
    ['TRUNCATE', 'TRUNCATE platform_audit_logs'],
    ['UPDATE the head of', 'UPDATE platform_audit_head SET seq = seq + 1'],
    ['read', 'SELECT count(*) FROM platform_audit_logs'],
  ])('cannot %s it directly', async (_verb, statement) => {
    await expect(inTenant((client) => client.query(statement))).rejects.toThrow(/permission denied/)
  })

  it('appends through append_platform_audit, which takes no time and no tenant', async () => {
    const written = await inTenant((client) =>
      writePlatformAudit(client, { action: 'platform.usage_read', actor: { type: 'system', id: null, name: 'privilege test' } }),
    )
    expect(Math.abs(written.at.getTime() - Date.now())).toBeLessThan(60_000)
    const verification = await withOperatorRead(database().pools, verifyPlatformAuditChain)
    expect(verification.broken).toBeNull()
  })
})

describe('append_platform_audit', () => {
  it('is SECURITY DEFINER with a fixed search_path, owned by the audit writer, and executable only by limena_app and limena_maintenance', async () => {
    const admin = await database().admin()
    try {
      const functions = await admin.query<{ prosecdef: boolean; proconfig: string[] | null; owner: string; signature: string }>(
        `SELECT p.prosecdef, p.proconfig, p.proowner::regrole::text AS owner, p.oid::regprocedure::text AS signature
           FROM pg_proc p WHERE p.proname = 'append_platform_audit' AND p.pronamespace = 'limena'::regnamespace`,
      )
      expect(functions.rows).toEqual([
        expect.objectContaining({ prosecdef: true, proconfig: ['search_path=pg_catalog, limena, pg_temp'], owner: 'limena_audit_writer' }),
      ])
      // No tenant and no time among its arguments.
      expect(functions.rows[0]!.signature).toMatch(/append_platform_audit\(text,text,uuid,text,text,text,text,inet,text,text,text,jsonb\)$/)
      const executors = await admin.query<{ rolname: string }>(
        "SELECT rolname FROM pg_roles WHERE rolname LIKE 'limena\\_%' AND rolname <> 'limena_audit_writer' AND has_function_privilege(oid, $1, 'EXECUTE') ORDER BY 1",
        [functions.rows[0]!.signature],
      )
      expect(executors.rows.map((row) => row.rolname)).toEqual(['limena_app', 'limena_maintenance'])
    } finally {
      await admin.end()
    }
  })

  it('is refused to limena_readonly, which may read the log and its head', async () => {
    const client = await database().pools.readonly.connect()
    try {
      await expect(
        client.query(
          "SELECT append_platform_audit('platform.usage_read', 'system', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '{}'::jsonb)",
        ),
      ).rejects.toThrow(/permission denied/)
      const head = await client.query<{ seq: string }>('SELECT seq FROM platform_audit_head')
      expect(head.rows).toHaveLength(1)
    } finally {
      client.release()
    }
  })
})

describe('sso_provider_of', () => {
  it('is SECURITY DEFINER with a fixed search_path, owned by a NOLOGIN role, executable by limena_app alone', async () => {
    const admin = await database().admin()
    try {
      const found = await admin.query<{ prosecdef: boolean; proconfig: string[]; owner: string; can_login: boolean }>(
        `SELECT p.prosecdef, p.proconfig, r.rolname AS owner, r.rolcanlogin AS can_login
           FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner WHERE p.proname = 'sso_provider_of' AND p.pronamespace = 'limena'::regnamespace`,
      )
      expect(found.rows).toEqual([
        { prosecdef: true, proconfig: ['search_path=pg_catalog, limena, pg_temp'], owner: 'limena_sso_directory', can_login: false },
      ])
      const executors = await admin.query<{ rolname: string }>(
        "SELECT rolname FROM pg_roles WHERE (rolname LIKE 'limena\\_%' OR rolname = 'public') AND rolname <> 'limena_sso_directory' AND has_function_privilege(oid, 'limena.sso_provider_of(text, text)', 'EXECUTE') ORDER BY 1",
      )
      expect(executors.rows.map((row) => row.rolname)).toEqual(['limena_app'])
    } finally {
      await admin.end()
    }
  })

  it("answers a tenant's id, name, slug and issuer by domain or slug, and nothing else", async () => {
    const rows = await inTransaction(database().pools.app, { readOnly: true }, async (client) => [
      ...(await client.query('SELECT * FROM sso_provider_of($1, NULL)', [`${tenant.slug}.example.test`])).rows,
      ...(await client.query('SELECT * FROM sso_provider_of(NULL, $1)', [tenant.slug])).rows,
      ...(await client.query("SELECT * FROM sso_provider_of('nobody.example.test', NULL)")).rows,
    ])
    const expected = {
      tenant_id: tenant.id,
      tenant_name: 'Tenant priv',
      tenant_slug: tenant.slug,
      issuer: `https://idp.${tenant.slug}.example.test`,
      platform: false,
    }
    expect(rows).toEqual([expected, expected])
    // limena_app itself sees no tenant's single sign-on without the tenant set.
    const direct = await inTransaction(
      database().pools.app,
      { readOnly: true },
      async (client) => (await client.query('SELECT count(*)::int AS n FROM tenant_sso')).rows[0],
    )
    expect(direct).toEqual({ n: 0 })
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
      await expect(
        client.query("INSERT INTO ai_usage (tenant_id, bucket_start) VALUES ($1, date_trunc('hour', now()))", [tenant.id]),
      ).rejects.toThrow(/permission denied/)
      await expect(client.query('DELETE FROM audit_logs')).rejects.toThrow(/permission denied/)
    } finally {
      client.release()
    }
  })

  it('cannot read password hashes, key hashes, token hashes, sealed secrets or single sign-on proofs', async () => {
    for (const [table, column] of [
      ['users', 'password_hash'],
      ['api_keys', 'key_hash'],
      ['refresh_tokens', 'token_hash'],
      ['invitations', 'token_hash'],
      ['integrations', 'secret_ciphertext'],
      ['tenant_sso', 'client_secret_ciphertext'],
      ['platform_sso', 'client_secret_ciphertext'],
      ['sso_attempts', 'state_hash'],
      ['sso_attempts', 'code_hash'],
      ['sso_attempts', 'nonce'],
      ['sso_attempts', 'pkce_verifier'],
    ] as const) {
      const attempt = withOperatorRead(database().pools, (client) => client.query(`SELECT ${column} FROM ${table}`))
      await expect(attempt, `${table}.${column}`).rejects.toThrow(/permission denied/)
    }
  })
})
