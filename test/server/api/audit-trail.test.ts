/**
 * The audit trail through HTTP: mutation and audit row commit together or not at all; auth
 * events land in every tenant of the user; rows carry actor, target, IP, user agent, request id
 * and before/after; concurrent writers keep one chain; `limena verify-audit` finds tampering.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { verifyAuditChains } from '../../../src/server/audit/verify-audit.js'
import { withOperatorRead } from '../../../src/server/db/with-operator.js'
import { ensureCliBuilt, runLimena } from '../../support/cli.js'
import { useTestDatabase } from '../../support/test-database.js'
import { cliEnvironmentFor } from '../../support/cli-environment.js'
import { ApiClient, useTestServer } from '../../support/test-server.js'
import { buildTenantWorld, worldPassword, type TenantWorld } from '../../support/tenant-world.js'

const database = useTestDatabase()
const server = useTestServer(database)
let world: TenantWorld

beforeAll(async () => {
  ensureCliBuilt()
  world = await buildTenantWorld(database(), server(), 'audit')
})

interface AuditRow {
  action: string
  actor_type: string
  actor_id: string | null
  actor_name: string | null
  target_type: string | null
  target_name: string | null
  ip: string | null
  user_agent: string | null
  request_id: string | null
  changes: Record<string, { before: unknown; after: unknown }> | null
  metadata: Record<string, unknown>
}

async function auditRows(tenantId: string, action?: string): Promise<AuditRow[]> {
  return withOperatorRead(
    database().pools,
    async (client) =>
      (
        await client.query<AuditRow>('SELECT * FROM audit_logs WHERE tenant_id = $1 AND ($2::text IS NULL OR action = $2) ORDER BY seq', [
          tenantId,
          action ?? null,
        ])
      ).rows,
  )
}

async function eventually<T>(probe: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const value = await probe()
    if (accept(value)) return value
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return probe()
}

const cliEnvironment = () => cliEnvironmentFor(database())

describe('audit trail', () => {
  it('rolls back the mutation when its audit row cannot be written', async () => {
    const admin = await database().admin()
    await admin.query(`CREATE FUNCTION limena.refuse_key_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.action = 'api_key.created' THEN RAISE EXCEPTION 'audit storage refused the row'; END IF; RETURN NEW; END $$`)
    await admin.query(
      'CREATE TRIGGER refuse_key_audit BEFORE INSERT ON limena.audit_logs FOR EACH ROW EXECUTE FUNCTION limena.refuse_key_audit()',
    )
    try {
      const answer = await world.clients.owner.request('POST', `/tenants/${world.tenantA}/api-keys`, {
        body: { name: 'never audited', scopes: ['tenant:read'] },
      })
      expect(answer.status).toBe(500)
      const leftovers = await admin.query("SELECT count(*)::int AS n FROM limena.api_keys WHERE name = 'never audited'")
      expect(leftovers.rows[0].n).toBe(0)
    } finally {
      await admin.query('DROP TRIGGER refuse_key_audit ON limena.audit_logs')
      await admin.query('DROP FUNCTION limena.refuse_key_audit()')
      await admin.end()
    }
  })

  it('writes sign-in, failed sign-in, refresh reuse, password change and sign-out into the tenant of the user', async () => {
    const email = 'audit-member@example.test'
    const client = new ApiClient(server().url)
    expect((await client.login(email, 'wrong password entirely')).status).toBe(401)
    expect((await client.login(email, worldPassword)).status).toBe(200)
    const firstRefresh = client.cookies.get('refresh_token')!.value
    expect((await client.request('POST', '/auth/refresh', { auth: null })).status).toBe(200)
    const replay = new ApiClient(server().url)
    replay.cookies.set('refresh_token', { value: firstRefresh, path: '/api/v1/auth/' })
    replay.cookies.set('csrf', client.cookies.get('csrf')!)
    expect((await replay.request('POST', '/auth/refresh', { auth: null })).status).toBe(401)
    expect((await client.login(email, worldPassword)).status).toBe(200)
    expect(
      (await client.request('POST', '/auth/password', { body: { currentPassword: worldPassword, newPassword: 'another long password' } }))
        .status,
    ).toBe(204)
    expect((await client.request('POST', '/auth/logout', { auth: null })).status).toBe(204)

    const rows = await eventually(
      () => auditRows(world.tenantA),
      (found) => found.some((row) => row.action === 'auth.login_failed' && row.actor_name === email),
    )
    const mine = rows.filter((row) => row.actor_name === email).map((row) => row.action)
    for (const action of ['auth.login_failed', 'auth.login', 'auth.refresh_reuse', 'auth.password_changed', 'auth.logout']) {
      expect(mine, action).toContain(action)
    }
    expect(await auditRows(world.tenantB)).not.toEqual(expect.arrayContaining([expect.objectContaining({ actor_name: email })]))
  })

  it('records who, what, from where, with before/after for updates and names resolved at write time', async () => {
    const answer = await world.clients.admin.request('PATCH', `/tenants/${world.tenantA}`, {
      body: { name: 'Audit A renamed' },
      headers: { 'user-agent': 'audit-test/1.0' },
    })
    expect(answer.status).toBe(200)
    const [row] = (await auditRows(world.tenantA, 'tenant.updated')).slice(-1)
    expect(row).toMatchObject({
      actor_type: 'user',
      actor_id: world.userIds.admin,
      actor_name: 'audit-admin@example.test',
      target_type: 'tenant',
      target_name: 'Audit A renamed',
      ip: '127.0.0.1',
      user_agent: 'audit-test/1.0',
      request_id: answer.headers.get('x-request-id'),
      changes: { name: { before: 'audit A', after: 'Audit A renamed' } },
    })
    const keyRows = await auditRows(world.tenantA, 'api_key.created')
    expect(keyRows.length).toBeGreaterThanOrEqual(6)
    expect(keyRows[0]).toMatchObject({ target_type: 'api_key', target_name: 'key tenant:read', metadata: { scopes: ['tenant:read'] } })
    expect(JSON.stringify(keyRows)).not.toMatch(/lmn_[A-Za-z0-9_-]{43}/)
  })

  it('keeps one unbroken chain under 20 concurrent mutations of one tenant', async () => {
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        world.clients.owner.request('POST', `/tenants/${world.tenantA}/api-keys`, {
          body: { name: `concurrent ${index}`, scopes: ['tenant:read'] },
        }),
      ),
    )
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(201))
    const verification = await withOperatorRead(database().pools, (client) => verifyAuditChains(client, world.tenantA))
    expect(verification.broken).toEqual([])
    const sequence = await withOperatorRead(database().pools, async (client) =>
      (await client.query<{ seq: string }>('SELECT seq FROM audit_logs WHERE tenant_id = $1 ORDER BY seq', [world.tenantA])).rows.map(
        (row) => Number(row.seq),
      ),
    )
    expect(sequence).toEqual(Array.from({ length: sequence.length }, (_, index) => index + 1))
  })

  it('limena verify-audit passes an intact log and reports a row altered by hand, exiting 1', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'limena-verify-'))
    const intact = await runLimena(['verify-audit', '--data-dir', dataDir], { env: cliEnvironment() })
    expect(intact.stderr).toBe('')
    expect(intact.code).toBe(0)
    expect(intact.stdout).toMatch(/every chain verifies/)

    const admin = await database().admin()
    const victim = await admin.query<{ id: string; seq: string }>(
      "SELECT id, seq FROM limena.audit_logs WHERE tenant_id = $1 AND action = 'tenant.updated' LIMIT 1",
      [world.tenantA],
    )
    // The database superuser stands in for someone with direct access; RLS would keep limena_owner out.
    await admin.query("UPDATE limena.audit_logs SET actor_name = 'someone else' WHERE id = $1", [victim.rows[0]!.id])
    await admin.end()

    const tampered = await runLimena(['verify-audit', '--data-dir', dataDir, '--tenant', world.tenantA], { env: cliEnvironment() })
    expect(tampered.code).toBe(1)
    expect(tampered.stdout).toContain(
      `broken  tenant ${world.tenantA}  seq ${victim.rows[0]!.seq} (audit id ${victim.rows[0]!.id}): content changed`,
    )
    const otherTenant = await runLimena(['verify-audit', '--data-dir', dataDir, '--tenant', world.tenantB], { env: cliEnvironment() })
    expect(otherTenant.code).toBe(0)
  })

  it('limena verify-audit reports a row moved back in time with both times, though the chain was re-hashed to match', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'limena-verify-time-'))
    const tenantId = world.tenantB
    const admin = await database().admin()
    let moved: { id: string; seq: string; at: string; previous_at: string }
    try {
      // The superuser moves B's newest row an hour back, then re-hashes the chain and its head so every link verifies.
      await admin.query(
        "UPDATE limena.audit_logs SET at = at - interval '1 hour' WHERE tenant_id = $1 AND seq = (SELECT max(seq) FROM limena.audit_logs WHERE tenant_id = $1)",
        [tenantId],
      )
      await admin.query(`DO $$ DECLARE r record; previous bytea := '\\x${'00'.repeat(32)}'::bytea;
        BEGIN
          FOR r IN SELECT * FROM limena.audit_logs WHERE tenant_id = '${tenantId}' ORDER BY seq LOOP
            UPDATE limena.audit_logs SET prev_hash = previous,
                   hash = limena.audit_digest(previous, r.seq, r.tenant_id, r.at, r.action, r.actor_type, r.actor_id, r.actor_name, r.target_type, r.target_id,
                                              r.target_name, r.ip, r.user_agent, r.request_id, r.reason, r.changes, r.metadata)
             WHERE id = r.id RETURNING hash INTO previous;
          END LOOP;
          UPDATE limena.audit_chain_heads SET hash = previous WHERE tenant_id = '${tenantId}';
        END $$`)
      moved = (
        await admin.query<{ id: string; seq: string; at: string; previous_at: string }>(
          `SELECT id, seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at, to_char(previous_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS previous_at
             FROM (SELECT id, seq, at, lag(at) OVER (ORDER BY seq) AS previous_at FROM limena.audit_logs WHERE tenant_id = $1) chain ORDER BY seq DESC LIMIT 1`,
          [tenantId],
        )
      ).rows[0]!
    } finally {
      await admin.end()
    }
    const tampered = await runLimena(['verify-audit', '--data-dir', dataDir, '--tenant', tenantId], { env: cliEnvironment() })
    expect(tampered.code).toBe(1)
    expect(tampered.stdout).toContain(
      `broken  tenant ${tenantId}  seq ${moved.seq} (audit id ${moved.id}): time went back: ${moved.at} is before the previous row's ${moved.previous_at}`,
    )
  })

  it('verify-audit notices rows removed from the end of a chain', async () => {
    const admin = await database().admin()
    await admin.query(
      'DELETE FROM limena.audit_logs WHERE tenant_id = $1 AND seq = (SELECT max(seq) FROM limena.audit_logs WHERE tenant_id = $1)',
      [world.tenantB],
    )
    await admin.end()
    const verification = await withOperatorRead(database().pools, (client) => verifyAuditChains(client, world.tenantB))
    expect(verification.broken).toEqual([{ tenantId: world.tenantB, seq: null, auditId: null, problem: 'head_mismatch' }])
  })
})
