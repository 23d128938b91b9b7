/**
 * Time along a tenant's audit chain never goes back: a transaction that started earlier but
 * takes the chain head later appends a later time, and `verifyAuditChains` reports a row whose
 * time goes back — even one whose chain a superuser re-hashed so every link still verifies; a
 * chain written before migration 0009 (when time could go back) still verifies after it.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { writeAudit, writeAuditToTenants } from '../../../src/server/audit/audit-writer.js'
import { verifyAuditChains } from '../../../src/server/audit/verify-audit.js'
import { bundledMigrations, migrate } from '../../../src/server/db/migrate.js'
import { connectAdmin, createDatabasePools, quoteIdentifier, withDatabaseName, type AdminClient } from '../../../src/server/db/pools.js'
import { withOperatorRead } from '../../../src/server/db/with-operator.js'
import { inTransaction, withTenant } from '../../../src/server/db/with-tenant.js'
import { useTestDatabase } from '../../support/test-database.js'
import { seedTenant } from '../../support/tenant-fixtures.js'
import { testPasswords } from '../../support/test-settings.js'

const database = useTestDatabase()
const actor = { type: 'system', id: null, name: 'append test' } as const

async function chainTimes(tenantId: string): Promise<Array<{ seq: number; at: string }>> {
  return withOperatorRead(database().pools, async (client) =>
    (
      await client.query<{ seq: string; at: string }>(
        `SELECT seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at FROM audit_logs WHERE tenant_id = $1 ORDER BY seq`,
        [tenantId],
      )
    ).rows.map((row) => ({ seq: Number(row.seq), at: row.at })),
  )
}

function expectNonDecreasing(times: Array<{ seq: number; at: string }>): void {
  for (let index = 1; index < times.length; index += 1) {
    expect(times[index]!.at >= times[index - 1]!.at, `seq ${times[index]!.seq} at ${times[index]!.at} after ${times[index - 1]!.at}`).toBe(
      true,
    )
  }
}

const pause = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds))

/** As the superuser: recompute every hash of a tenant's chain and its head, as someone covering their tracks would. */
async function rechain(admin: AdminClient, tenantId: string): Promise<void> {
  await admin.query(`CREATE OR REPLACE FUNCTION pg_temp.rechain(p_tenant uuid) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE r record; previous bytea := '\\x${'00'.repeat(32)}'::bytea;
    BEGIN
      FOR r IN SELECT * FROM limena.audit_logs WHERE tenant_id = p_tenant ORDER BY seq LOOP
        UPDATE limena.audit_logs
           SET prev_hash = previous,
               hash = limena.audit_digest(previous, r.seq, r.tenant_id, r.at, r.action, r.actor_type, r.actor_id, r.actor_name, r.target_type, r.target_id,
                                          r.target_name, r.ip, r.user_agent, r.request_id, r.reason, r.changes, r.metadata)
         WHERE id = r.id RETURNING hash INTO previous;
      END LOOP;
      UPDATE limena.audit_chain_heads SET hash = previous WHERE tenant_id = p_tenant;
    END $$`)
  await admin.query('SELECT pg_temp.rechain($1)', [tenantId])
}

let tenantId: string

beforeAll(async () => {
  tenantId = (await seedTenant(database().pools, 'append')).id
})

describe('appending to a tenant chain', () => {
  it('never writes an earlier time after a later one, though the earlier-started transaction appends last', async () => {
    let letEarlierAppend!: () => void
    const gate = new Promise<void>((resolve) => (letEarlierAppend = resolve))
    const earlier = withTenant(database().pools.app, tenantId, async (client) => {
      await client.query('SELECT now()')
      await gate
      await writeAudit(client, { tenantId, action: 'tenant.updated', actor })
      await writeAuditToTenants(client, [tenantId], { action: 'operator.read', actor })
    })
    await pause(50)
    await withTenant(database().pools.app, tenantId, (client) => writeAudit(client, { tenantId, action: 'tenant.updated', actor }))
    await inTransaction(database().pools.app, {}, (client) => writeAuditToTenants(client, [tenantId], { action: 'operator.read', actor }))
    letEarlierAppend()
    await earlier

    const times = await chainTimes(tenantId)
    expect(times.length).toBe(5)
    expectNonDecreasing(times)
    expect((await withOperatorRead(database().pools, (client) => verifyAuditChains(client, tenantId))).broken).toEqual([])
  })

  it('keeps time non-decreasing under 20 concurrent appenders of one tenant', async () => {
    const busy = (await seedTenant(database().pools, 'busy')).id
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        withTenant(database().pools.app, busy, async (client) => {
          await client.query('SELECT now()')
          await pause(40 - 2 * index)
          await writeAudit(client, { tenantId: busy, action: 'tenant.updated', actor, metadata: { index } })
        }),
      ),
    )
    const times = await chainTimes(busy)
    expect(times.length).toBe(21)
    expectNonDecreasing(times)
  })
})

describe('verifyAuditChains and time', () => {
  it('reports a row moved back in time, with its tenant, seq and both times, even when the chain was re-hashed', async () => {
    const victim = (await seedTenant(database().pools, 'backdated')).id
    for (let index = 0; index < 3; index += 1) {
      await withTenant(database().pools.app, victim, (client) => writeAudit(client, { tenantId: victim, action: 'tenant.updated', actor }))
    }
    const admin = await database().admin()
    try {
      await admin.query("UPDATE limena.audit_logs SET at = at - interval '1 hour' WHERE tenant_id = $1 AND seq = 3", [victim])
      await rechain(admin, victim)
    } finally {
      await admin.end()
    }
    const times = await chainTimes(victim)
    const audit = await withOperatorRead(
      database().pools,
      async (client) =>
        (await client.query<{ id: string }>('SELECT id FROM audit_logs WHERE tenant_id = $1 AND seq = 3', [victim])).rows[0]!.id,
    )
    const verification = await withOperatorRead(database().pools, (client) => verifyAuditChains(client, victim))
    expect(verification.broken).toEqual([
      { tenantId: victim, seq: '3', auditId: audit, problem: 'time_went_back', at: times[2]!.at, previousAt: times[1]!.at },
    ])
  })

  it('does not hold rows appended before the order was guaranteed (migration 0009) to it', async () => {
    const legacy = (await seedTenant(database().pools, 'legacy')).id
    for (let index = 0; index < 2; index += 1) {
      await withTenant(database().pools.app, legacy, (client) => writeAudit(client, { tenantId: legacy, action: 'tenant.updated', actor }))
    }
    const admin = await database().admin()
    try {
      await admin.query("UPDATE limena.audit_logs SET at = at - interval '1 hour' WHERE tenant_id = $1 AND seq = 2", [legacy])
      await rechain(admin, legacy)
      // What 0009 records for a chain that existed before it: the first seq held to the order.
      await admin.query('UPDATE limena.audit_chain_heads SET time_ordered_from = 3 WHERE tenant_id = $1', [legacy])
    } finally {
      await admin.end()
    }
    expect((await withOperatorRead(database().pools, (client) => verifyAuditChains(client, legacy))).broken).toEqual([])
    await withTenant(database().pools.app, legacy, (client) => writeAudit(client, { tenantId: legacy, action: 'tenant.updated', actor }))
    expect((await withOperatorRead(database().pools, (client) => verifyAuditChains(client, legacy))).broken).toEqual([])
  })
})

describe('migration 0009 on chains that exist already', () => {
  it('keeps an older chain verifying, though its times went back, and appends after its last time', async () => {
    const serverAdminUrl = inject('serverAdminUrl')
    const name = `limena_test_upgrade_${randomBytes(4).toString('hex')}`
    const server = await connectAdmin(serverAdminUrl)
    await server.query(`CREATE DATABASE ${quoteIdentifier(name)}`)
    const adminUrl = withDatabaseName(serverAdminUrl, name)
    const pools = createDatabasePools(adminUrl, testPasswords)
    try {
      await migrate({ adminUrl, passwords: testPasswords, migrations: bundledMigrations.filter((migration) => migration.version < 9) })
      const legacy = randomUUID()
      await withTenant(pools.app, legacy, async (client) => {
        await client.query("INSERT INTO tenants (id, name, slug) VALUES ($1, 'Legacy', 'legacy')", [legacy])
        await writeAudit(client, { tenantId: legacy, action: 'tenant.created', actor })
      })
      // 0004's append took the transaction's start time: the earlier-started transaction, appending last, goes back.
      let letEarlierAppend!: () => void
      const gate = new Promise<void>((resolve) => (letEarlierAppend = resolve))
      const earlier = withTenant(pools.app, legacy, async (client) => {
        await client.query('SELECT now()')
        await gate
        await writeAudit(client, { tenantId: legacy, action: 'tenant.updated', actor })
      })
      await pause(50)
      await withTenant(pools.app, legacy, (client) => writeAudit(client, { tenantId: legacy, action: 'tenant.updated', actor }))
      letEarlierAppend()
      await earlier
      const before = await withOperatorRead(pools, async (client) =>
        (await client.query<{ at: Date }>('SELECT at FROM audit_logs WHERE tenant_id = $1 ORDER BY seq', [legacy])).rows.map((row) =>
          row.at.getTime(),
        ),
      )
      expect(before[2]!).toBeLessThan(before[1]!)

      await migrate({ adminUrl, passwords: testPasswords })
      expect((await withOperatorRead(pools, (client) => verifyAuditChains(client, legacy))).broken).toEqual([])
      const head = await withOperatorRead(
        pools,
        async (client) =>
          (
            await client.query<{ last_at: Date; time_ordered_from: string }>(
              'SELECT last_at, time_ordered_from FROM audit_chain_heads WHERE tenant_id = $1',
              [legacy],
            )
          ).rows[0]!,
      )
      expect(head).toEqual({ last_at: new Date(Math.max(...before)), time_ordered_from: '4' })
      const next = await withTenant(pools.app, legacy, (client) =>
        writeAudit(client, { tenantId: legacy, action: 'tenant.updated', actor }),
      )
      expect(next.at.getTime()).toBeGreaterThanOrEqual(Math.max(...before))
      expect((await withOperatorRead(pools, (client) => verifyAuditChains(client, legacy))).broken).toEqual([])
    } finally {
      await pools.close()
      await server.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`)
      await server.end()
    }
  })
})
