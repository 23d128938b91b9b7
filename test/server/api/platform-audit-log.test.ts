/**
 * The platform audit log through HTTP: an operator's read about the platform (the directory,
 * usage, posture, access log) adds exactly one row there and none to any tenant's log, while a
 * read of one tenant's content still writes `operator.read` into that tenant; the log pages
 * newest first with a signed cursor and filters, and exports as CSV with the same filters (every
 * cell quoted, formulas guarded, times in UTC said so in the header), its export recorded first;
 * a tenant looked up by id or slug by its members, or by an operator (recorded, with no reason);
 * and `limena verify-audit` checks its hash chain, reporting a row changed by hand.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { verifyPlatformAuditChain } from '../../../src/server/audit/verify-audit.js'
import { withOperatorRead } from '../../../src/server/db/with-operator.js'
import { ensureCliBuilt, runLimena } from '../../support/cli.js'
import { cliEnvironmentFor } from '../../support/cli-environment.js'
import { parseCsv } from '../../support/csv.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, useTestServer } from '../../support/test-server.js'
import { buildTenantWorld, type TenantWorld } from '../../support/tenant-world.js'

const database = useTestDatabase()
const server = useTestServer(database)
let world: TenantWorld
let operator: ApiClient
let operatorId: string
let secondOperator: ApiClient
let secondOperatorId: string
const reason = 'SUP-88 checking the platform'
const withReason = { 'x-access-reason': reason }

beforeAll(async () => {
  world = await buildTenantWorld(database(), server(), 'platform')
  operatorId = await createUser(database(), { email: 'platform-ops@example.test', password: 'platform ops password', platformAdmin: true })
  operator = new ApiClient(server().url)
  await operator.login('platform-ops@example.test', 'platform ops password')
  secondOperatorId = await createUser(database(), {
    email: 'platform-ops-2@example.test',
    password: 'platform ops password',
    platformAdmin: true,
  })
  secondOperator = new ApiClient(server().url)
  await secondOperator.login('platform-ops-2@example.test', 'platform ops password')
})

interface PlatformItem {
  id: string
  at: string
  action: string
  operator: { id: string | null; name: string | null }
  reason: string | null
  requestId: string | null
  what: string | null
  metadata: Record<string, unknown>
  chain: { seq: string; prevHash: string; hash: string }
}
interface PlatformPage {
  items: PlatformItem[]
  nextCursor: string | null
}

async function rowCounts(): Promise<{ platform: number; tenants: number }> {
  return withOperatorRead(database().pools, async (client) => {
    const result = await client.query<{ platform: number; tenants: number }>(
      'SELECT (SELECT count(*)::int FROM platform_audit_logs) AS platform, (SELECT count(*)::int FROM audit_logs) AS tenants',
    )
    return result.rows[0]!
  })
}

async function platformRowsOf(requestId: string) {
  return withOperatorRead(
    database().pools,
    async (client) =>
      (
        await client.query<{
          action: string
          reason: string | null
          actor_id: string
          target_id: string | null
          metadata: Record<string, unknown>
        }>('SELECT action, reason, actor_id, target_id, metadata FROM platform_audit_logs WHERE request_id = $1', [requestId])
      ).rows,
  )
}

describe('reads about the platform', () => {
  for (const [route, action] of [
    ['/admin/tenants', 'platform.directory_read'],
    ['/admin/access-log', 'platform.access_log_read'],
    ['/admin/posture', 'platform.posture_read'],
    ['/admin/usage', 'platform.usage_read'],
  ] as const) {
    it(`GET ${route} adds exactly one platform row (${action}) and no row to any tenant's log`, async () => {
      const before = await rowCounts()
      const requestId = `platform-${randomUUID()}`
      const answer = await operator.request('GET', route, { headers: { ...withReason, 'x-request-id': requestId } })
      expect(answer.status).toBe(200)
      expect(await rowCounts()).toEqual({ platform: before.platform + 1, tenants: before.tenants })
      expect(await platformRowsOf(requestId)).toEqual([
        { action, reason, actor_id: operatorId, target_id: null, metadata: expect.objectContaining({ route: `GET ${route}` }) },
      ])
    })
  }

  it("a tenant's detail still writes one operator.read into that tenant, and nothing into the platform log", async () => {
    const before = await rowCounts()
    const requestId = `platform-${randomUUID()}`
    const answer = await operator.request('GET', `/admin/tenants/${world.tenantA}`, {
      headers: { ...withReason, 'x-request-id': requestId },
    })
    expect(answer.status).toBe(200)
    expect(await rowCounts()).toEqual({ platform: before.platform, tenants: before.tenants + 1 })
    const recorded = await withOperatorRead(
      database().pools,
      async (client) =>
        (
          await client.query<{ tenant_id: string; action: string; reason: string }>(
            'SELECT tenant_id::text, action, reason FROM audit_logs WHERE request_id = $1',
            [requestId],
          )
        ).rows,
    )
    expect(recorded).toEqual([{ tenant_id: world.tenantA, action: 'operator.read', reason }])
  })
})

describe('the platform audit log', () => {
  it('pages newest first with a signed cursor, each row chained, and records its own read after it', async () => {
    for (let index = 0; index < 5; index += 1) await secondOperator.request('GET', '/admin/posture', { headers: withReason })
    const seen: PlatformItem[] = []
    let cursor: string | null = null
    let reads = 0
    do {
      const answer: { status: number; body: PlatformPage } = await operator.request<PlatformPage>(
        'GET',
        `/admin/platform-audit-log?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { headers: withReason },
      )
      expect(answer.status).toBe(200)
      reads += 1
      seen.push(...answer.body.items)
      cursor = answer.body.nextCursor
    } while (cursor)
    const ids = seen.map((item) => Number(item.id))
    expect(ids).toEqual([...ids].sort((a, b) => b - a))
    expect(new Set(ids).size).toBe(ids.length)
    const { platform } = await rowCounts()
    // Every row once, but the reads of this walk itself: each is committed after its page is read.
    expect(seen.length).toBe(platform - reads)
    const seqs = seen.map((item) => Number(item.chain.seq)).reverse()
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, index) => index + 1))
    for (const [index, item] of seen.entries()) if (index + 1 < seen.length) expect(item.chain.prevHash).toBe(seen[index + 1]!.chain.hash)
    expect(seen.find((item) => item.action === 'platform.posture_read')).toMatchObject({
      operator: { id: secondOperatorId, name: 'platform-ops-2@example.test' },
      reason,
      what: 'security posture',
    })
  })

  it('filters by action, operator and time, and refuses a forged cursor', async () => {
    const byAction = await operator.request<PlatformPage>('GET', '/admin/platform-audit-log?action=platform.posture_read&limit=200', {
      headers: withReason,
    })
    expect(byAction.body.items.length).toBeGreaterThanOrEqual(6)
    expect(byAction.body.items.every((item) => item.action === 'platform.posture_read')).toBe(true)
    const byOperator = await operator.request<PlatformPage>(`GET`, `/admin/platform-audit-log?operatorId=${secondOperatorId}&limit=200`, {
      headers: withReason,
    })
    expect(byOperator.body.items).toHaveLength(5)
    const [newest, , , , oldest] = byOperator.body.items
    const window = await operator.request<PlatformPage>(
      'GET',
      `/admin/platform-audit-log?operatorId=${secondOperatorId}&from=${encodeURIComponent(oldest!.at)}&to=${encodeURIComponent(newest!.at)}`,
      { headers: withReason },
    )
    // `from` is inclusive and `to` exclusive; `at` is given to the millisecond, so the newest may fall on either side.
    expect(window.body.items.length).toBeGreaterThanOrEqual(3)
    expect(window.body.items.length).toBeLessThanOrEqual(4)
    expect((await operator.request('GET', '/admin/platform-audit-log?action=operator.read', { headers: withReason })).status).toBe(400)
    const forged = `${Buffer.from(JSON.stringify(['2999-01-01 00:00:00+00', '1'])).toString('base64url')}.AAAAAAAAAAAAAAAAAAAAAA`
    expect((await operator.request('GET', `/admin/platform-audit-log?cursor=${forged}`, { headers: withReason })).status).toBe(400)
    expect((await world.clients.owner.request('GET', '/admin/platform-audit-log', { headers: withReason })).status).toBe(403)
  })

  it('exports the rows the search shows as quoted CSV, formulas guarded, its own export recorded first', async () => {
    await secondOperator.request('GET', '/admin/posture', { headers: { 'x-access-reason': '=HYPERLINK("http://evil.test","x")' } })
    const query = `operatorId=${secondOperatorId}`
    const searched = await operator.request<PlatformPage>('GET', `/admin/platform-audit-log?${query}&limit=200`, { headers: withReason })
    const requestId = `platform-export-${randomUUID()}`
    const answer = await operator.request<string>('GET', `/admin/platform-audit-log.csv?${query}`, {
      headers: { ...withReason, 'x-request-id': requestId },
    })
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment; filename="platform-audit-\d{4}-\d\d-\d\d\.csv"$/)
    const [header, ...rows] = parseCsv(answer.text)
    expect(header!.map((cell) => cell.raw).join(',')).toBe(
      '"id","at (UTC, ISO 8601)","action","actor_type","actor_id","actor_name","target_type","target_id","target_name","ip","user_agent","request_id","reason","metadata","seq","hash"',
    )
    expect(rows.map((row) => row[0]!.value)).toEqual(searched.body.items.map((item) => item.id))
    for (const row of rows) {
      expect(row).toHaveLength(16)
      for (const cell of row) expect(cell.raw).toMatch(/^"[\s\S]*"$/)
      expect(row[1]!.value).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
    }
    expect(rows.map((row) => row[12]!.value)).toContain(`'=HYPERLINK("http://evil.test","x")`)
    expect(answer.text).toContain(`"'=HYPERLINK(""http://evil.test"",""x"")"`)
    expect(await platformRowsOf(requestId)).toEqual([
      {
        action: 'platform.audit_log_exported',
        reason,
        actor_id: operatorId,
        target_id: null,
        metadata: expect.objectContaining({ filters: { operatorId: secondOperatorId } }),
      },
    ])
  })
})

describe('tenant lookup', () => {
  it('finds a tenant by id or slug for its members, recording nothing', async () => {
    const before = await rowCounts()
    for (const ref of [world.tenantA, 'platform-a', 'PLATFORM-A', world.tenantA.toUpperCase()]) {
      const answer = await world.clients.viewer.request<{ id: string; name: string; slug: string }>('GET', `/tenant-lookup?ref=${ref}`)
      expect(answer.status, ref).toBe(200)
      expect(answer.body).toEqual({ id: world.tenantA, name: 'platform A', slug: 'platform-a' })
    }
    expect(await rowCounts()).toEqual(before)
  })

  it('answers 404 alike to a non-member, for an unknown reference and for a deleted tenant', async () => {
    for (const ref of [world.tenantB, 'platform-b', 'no-such-tenant', randomUUID()]) {
      const answer = await world.clients.owner.request<{ detail: string }>('GET', `/tenant-lookup?ref=${ref}`)
      expect(answer.status, ref).toBe(404)
    }
    expect((await world.clients.outsider.request('GET', `/tenant-lookup?ref=platform-a`)).status).toBe(404)
    expect(
      (await new ApiClient(server().url).request('GET', '/tenant-lookup?ref=platform-a', { auth: `Bearer ${world.keys['tenant:read']}` }))
        .status,
    ).toBe(403)
  })

  it('finds any live tenant for an operator, recorded in the platform log with no reason', async () => {
    const requestId = `lookup-${randomUUID()}`
    const answer = await operator.request<{ id: string; slug: string }>('GET', '/tenant-lookup?ref=platform-b', {
      headers: { 'x-request-id': requestId },
    })
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ id: world.tenantB, slug: 'platform-b' })
    expect(await platformRowsOf(requestId)).toEqual([
      {
        action: 'platform.tenant_lookup',
        reason: null,
        actor_id: operatorId,
        target_id: world.tenantB,
        metadata: expect.objectContaining({ ref: 'platform-b', found: true }),
      },
    ])
    const missRequest = `lookup-${randomUUID()}`
    const miss = await operator.request('GET', '/tenant-lookup?ref=nowhere-at-all', { headers: { 'x-request-id': missRequest } })
    expect(miss.status).toBe(404)
    expect(await platformRowsOf(missRequest)).toEqual([
      expect.objectContaining({ target_id: null, metadata: expect.objectContaining({ found: false }) }),
    ])
  })

  it('answers 404 for a deleted tenant, to its owner and to an operator', async () => {
    const created = await world.clients.outsider.request<{ id: string }>('POST', '/tenants', {
      body: { name: 'Soon gone', slug: 'soon-gone' },
    })
    expect(created.status).toBe(201)
    expect((await world.clients.outsider.request('GET', '/tenant-lookup?ref=soon-gone')).status).toBe(200)
    expect((await world.clients.outsider.request('DELETE', `/tenants/${created.body.id}`)).status).toBe(204)
    for (const client of [world.clients.outsider, operator]) {
      for (const ref of ['soon-gone', created.body.id])
        expect((await client.request('GET', `/tenant-lookup?ref=${ref}`)).status, ref).toBe(404)
    }
  })
})

describe('verifying the platform chain', () => {
  it('notices rows removed from the end of the chain', async () => {
    const admin = await database().admin()
    try {
      await admin.query('DELETE FROM limena.platform_audit_logs WHERE seq = (SELECT max(seq) FROM limena.platform_audit_logs)')
      expect((await withOperatorRead(database().pools, verifyPlatformAuditChain)).broken).toEqual({
        seq: null,
        auditId: null,
        problem: 'head_mismatch',
      })
    } finally {
      // The head moved back onto the new last row: what someone who also rewrote the head would leave.
      await admin.query(
        `UPDATE limena.platform_audit_head head SET seq = last.seq, hash = last.hash
           FROM (SELECT seq, hash FROM limena.platform_audit_logs ORDER BY seq DESC LIMIT 1) last`,
      )
      await admin.end()
    }
  })

  it('verifies an intact chain, and limena verify-audit reports a row changed by hand, exiting 1', async () => {
    ensureCliBuilt()
    expect((await withOperatorRead(database().pools, verifyPlatformAuditChain)).broken).toBeNull()
    const dataDir = await mkdtemp(join(tmpdir(), 'limena-verify-platform-'))
    const env = cliEnvironmentFor(database())
    const intact = await runLimena(['verify-audit', '--data-dir', dataDir], { env })
    expect(intact.stderr).toBe('')
    expect(intact.code).toBe(0)
    expect(intact.stdout).toMatch(/audit rows in \d+ tenant\(s\) and \d+ platform audit rows checked; every chain verifies/)

    const admin = await database().admin()
    let victim: { id: string; seq: string }
    try {
      victim = (
        await admin.query<{ id: string; seq: string }>(
          "SELECT id, seq FROM limena.platform_audit_logs WHERE action = 'platform.posture_read' ORDER BY seq LIMIT 1",
        )
      ).rows[0]!
      // The database superuser stands in for someone with direct access; RLS would keep limena_owner out.
      await admin.query("UPDATE limena.platform_audit_logs SET reason = 'nothing to see' WHERE id = $1", [victim.id])
    } finally {
      await admin.end()
    }
    expect((await withOperatorRead(database().pools, verifyPlatformAuditChain)).broken).toEqual({
      seq: victim.seq,
      auditId: victim.id,
      problem: 'content_changed',
    })
    const tampered = await runLimena(['verify-audit', '--data-dir', dataDir], { env })
    expect(tampered.code).toBe(1)
    expect(tampered.stdout).toContain(`broken  platform  seq ${victim.seq} (platform audit id ${victim.id}): content changed`)
    expect(tampered.stdout).toMatch(/1 broken chain\(s\)/)
    // One tenant's chain is checked alone, without the platform's.
    const oneTenant = await runLimena(['verify-audit', '--data-dir', dataDir, '--tenant', world.tenantA], { env })
    expect(oneTenant.code).toBe(0)
  }, 300_000)
})
