/**
 * Every operator read (each `access: 'operator'` GET of the contract, found there rather than
 * listed) is recorded exactly, as one of two kinds, and each GET must be named as one or the
 * other here. A read of tenants' content: every tenant whose data an answer shows already has a
 * committed `operator.read` row carrying that request's id when the answer arrives — also while
 * new tenants keep writing in between. A read about the platform: exactly one committed row of
 * the platform audit log carries that request's id, and no tenant's log does. When the record
 * cannot be written, nothing is shown.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PlatformAuditAction } from '../../../src/shared/audit-actions.js'
import { operations, type OperationDefinition } from '../../../src/shared/contract.js'
import { writeAudit } from '../../../src/server/audit/audit-writer.js'
import { createDatabasePools, type DatabasePools } from '../../../src/server/db/pools.js'
import { withOperatorRead } from '../../../src/server/db/with-operator.js'
import { withTenant } from '../../../src/server/db/with-tenant.js'
import { insertDefaultQuota, insertTenant } from '../../../src/server/tenants/tenant-repository.js'
import { useTestDatabase } from '../../support/test-database.js'
import { testPasswords } from '../../support/test-settings.js'
import { ApiClient, createUser, useTestServer } from '../../support/test-server.js'
import { buildTenantWorld, type TenantWorld } from '../../support/tenant-world.js'

const database = useTestDatabase({ maxConnections: 12 })
const server = useTestServer(database)
let world: TenantWorld
let operator: ApiClient
let operatorId: string
/** The test's own pools, so its checks do not queue behind the server's connections. */
let checkPools: DatabasePools

const operatorReads = (Object.entries(operations) as Array<[string, OperationDefinition]>).filter(
  ([, operation]) => operation.access === 'operator' && operation.method === 'GET',
)

/** The operator GETs that read tenants' content, with query strings that keep the answers small (the export: the last seconds). */
const tenantReads: Record<string, () => string> = {
  adminGetTenant: () => '',
  adminListAuditLogs: () => 'action=tenant.created&limit=50',
  adminExportAuditLogs: () => `action=tenant.created&from=${new Date(Date.now() - 3000).toISOString()}`,
  adminListAuditSubjects: () => 'role=actor&limit=50',
  adminFindUsers: () => 'email=reads-',
}

/** The operator GETs that read about the platform, with the action of their one platform row and their query strings. */
const platformReads: Record<string, { action: PlatformAuditAction; query: () => string }> = {
  adminListTenants: { action: 'platform.directory_read', query: () => 'limit=50' },
  adminUsage: { action: 'platform.usage_read', query: () => 'bucket=hour&top=20' },
  adminPosture: { action: 'platform.posture_read', query: () => '' },
  adminAccessLog: { action: 'platform.access_log_read', query: () => 'limit=50' },
  adminPlatformAuditLog: { action: 'platform.audit_log_read', query: () => 'limit=50' },
  adminListUserSessions: { action: 'platform.user_sessions_read', query: () => '' },
  adminExportPlatformAuditLog: {
    action: 'platform.audit_log_exported',
    query: () => `from=${new Date(Date.now() - 3000).toISOString()}`,
  },
}

const tenantReadOperations = () => operatorReads.filter(([name]) => name in tenantReads)
const platformReadOperations = () => operatorReads.filter(([name]) => name in platformReads)

function pathOf(name: string, operation: OperationDefinition): string {
  const path = operation.path.replace(/:([A-Za-z]+)/g, (_match, name: string) => (name === 'userId' ? world.userIds.member : world.tenantA))
  const query = (tenantReads[name] ?? platformReads[name]?.query)?.()
  return query ? `${path}?${query}` : path
}

beforeAll(async () => {
  world = await buildTenantWorld(database(), server(), 'reads')
  operatorId = await createUser(database(), { email: 'reads-operator@example.test', password: 'operator password 1', platformAdmin: true })
  operator = new ApiClient(server().url)
  await operator.login('reads-operator@example.test', 'operator password 1')
  await world.clients.owner.request('POST', `/tenants/${world.tenantA}/ai/usage`, { body: { tokens: 1234 } })
  checkPools = createDatabasePools(database().adminUrl, testPasswords, { maxConnections: 4 })
})

afterAll(async () => {
  await checkPools?.close()
})

const uuidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g

/** The tenants whose data an answer shows: every tenant id anywhere in its text. */
async function tenantsShown(text: string): Promise<string[]> {
  const candidates = [...new Set(text.match(uuidPattern) ?? [])]
  if (candidates.length === 0) return []
  return withOperatorRead(checkPools, async (client) =>
    (await client.query<{ id: string }>('SELECT id::text FROM tenants WHERE id = ANY($1::uuid[])', [candidates])).rows.map((row) => row.id),
  )
}

async function tenantsRecorded(tenantIds: string[], requestId: string): Promise<Set<string>> {
  return withOperatorRead(
    checkPools,
    async (client) =>
      new Set(
        (
          await client.query<{ tenant_id: string }>(
            "SELECT DISTINCT tenant_id::text FROM audit_logs WHERE tenant_id = ANY($1::uuid[]) AND action = 'operator.read' AND request_id = $2",
            [tenantIds, requestId],
          )
        ).rows.map((row) => row.tenant_id),
      ),
  )
}

/** The platform audit rows and the tenants' operator.read rows of one request. */
async function recordsOf(requestId: string): Promise<{ platform: Array<Record<string, unknown>>; tenantRows: number }> {
  return withOperatorRead(checkPools, async (client) => ({
    platform: (
      await client.query(
        'SELECT action, actor_id, actor_name, reason, request_id, metadata FROM platform_audit_logs WHERE request_id = $1 ORDER BY seq',
        [requestId],
      )
    ).rows,
    tenantRows: (
      await client.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_logs WHERE action = 'operator.read' AND request_id = $1", [
        requestId,
      ])
    ).rows[0]!.n,
  }))
}

interface Miss {
  route: string
  requestId: string
  unrecorded: string[]
}

/** One operator GET; on its answer, the tenants it shows that have no committed operator.read of it. */
async function readAndCheck(name: string, operation: OperationDefinition): Promise<{ status: number; shown: number; miss: Miss | null }> {
  const requestId = `ops-read-${randomUUID()}`
  const answer = await operator.request('GET', pathOf(name, operation), {
    headers: { 'x-access-reason': 'INC-42 exact operator reads', 'x-request-id': requestId },
  })
  const shown = await tenantsShown(answer.text)
  const recorded = await tenantsRecorded(shown, requestId)
  const unrecorded = shown.filter((tenantId) => !recorded.has(tenantId))
  return {
    status: answer.status,
    shown: shown.length,
    miss: unrecorded.length ? { route: `${operation.method} ${operation.path}`, requestId, unrecorded } : null,
  }
}

/** Keeps creating tenants as limena_app, each with an audit row; every fifth with AI usage and a month near its ceiling. */
async function keepCreatingTenants(stop: { done: boolean }, label: string): Promise<number> {
  let created = 0
  while (!stop.done) {
    const tenantId = randomUUID()
    created += 1
    await withTenant(database().pools.app, tenantId, async (client) => {
      await insertTenant(client, { id: tenantId, name: `${label} ${created}`, slug: `${label}-${created}-${tenantId.slice(0, 8)}` })
      await insertDefaultQuota(client, tenantId)
      if (created % 5 === 0) {
        await client.query(
          "UPDATE ai_quotas SET month_tokens = 19000000, month_window_start = date_trunc('month', now(), 'UTC') WHERE tenant_id = $1",
          [tenantId],
        )
        await client.query("INSERT INTO ai_usage (tenant_id, bucket_start, calls, tokens) VALUES ($1, date_trunc('hour', now()), 1, $2)", [
          tenantId,
          1_000_000_000 + created,
        ])
      }
      await writeAudit(client, { tenantId, action: 'tenant.created', actor: { type: 'system', id: null, name: 'test writer' } })
    })
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return created
}

describe('every operator read of the contract', () => {
  it("is named here as a read of tenants' content or a read about the platform, and as one only", () => {
    expect(operatorReads.length).toBeGreaterThan(0)
    for (const [name] of operatorReads) {
      expect(Number(name in tenantReads) + Number(name in platformReads), `${name}: add it to tenantReads or platformReads`).toBe(1)
    }
    expect([...Object.keys(tenantReads), ...Object.keys(platformReads)].sort()).toEqual(operatorReads.map(([name]) => name).sort())
  })

  it("answers each read of tenants' content, with every tenant it shows recorded under its request id", async () => {
    for (const [name, operation] of tenantReadOperations()) {
      const result = await readAndCheck(name, operation)
      expect(result.status, name).toBe(200)
      expect(result.miss, name).toBeNull()
      expect(result.shown, `${name} shows tenant data`).toBeGreaterThan(0)
    }
  })

  it('answers each read about the platform with one platform audit row of its request, and no row in any tenant', async () => {
    for (const [name, operation] of platformReadOperations()) {
      const requestId = `ops-platform-${randomUUID()}`
      const answer = await operator.request('GET', pathOf(name, operation), {
        headers: { 'x-access-reason': 'INC-44 platform reads', 'x-request-id': requestId },
      })
      expect(answer.status, name).toBe(200)
      const records = await recordsOf(requestId)
      expect(records.platform, name).toEqual([
        {
          action: platformReads[name]!.action,
          actor_id: operatorId,
          actor_name: 'reads-operator@example.test',
          reason: 'INC-44 platform reads',
          request_id: requestId,
          metadata: expect.objectContaining({ what: expect.any(String), route: `GET ${pathOf(name, operation).split('?')[0]}` }),
        },
      ])
      expect(records.tenantRows, name).toBe(0)
    }
  })

  it("records every tenant an answer shows, under the request's id, before answering, while new tenants keep writing", async () => {
    const stop = { done: false }
    const writers = Array.from({ length: 3 }, (_, index) => keepCreatingTenants(stop, `writer${index}`))
    const misses: Miss[] = []
    const statuses: number[] = []
    const shownByRoute = new Map<string, number>()
    try {
      const requestsPerRoute = 150
      const queue = tenantReadOperations().flatMap((entry) => Array.from({ length: requestsPerRoute }, () => entry))
      const readers = Array.from({ length: 10 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const [name, operation] = next
          const result = await readAndCheck(name, operation)
          statuses.push(result.status)
          shownByRoute.set(name, (shownByRoute.get(name) ?? 0) + result.shown)
          if (result.miss) misses.push(result.miss)
        }
      })
      await Promise.all(readers)
    } finally {
      stop.done = true
    }
    const created = (await Promise.all(writers)).reduce((sum, count) => sum + count, 0)
    expect(created).toBeGreaterThan(20)
    expect(statuses.filter((status) => status !== 200)).toEqual([])
    for (const [name] of tenantReadOperations()) expect(shownByRoute.get(name), name).toBeGreaterThan(0)
    expect(misses, `${misses.length} of ${statuses.length} answers showed tenants with no operator.read of that request`).toEqual([])
  }, 120_000)

  it('shows nothing when the operator.read row cannot be written', async () => {
    const admin = await database().admin()
    await admin.query(`CREATE FUNCTION limena.refuse_operator_read() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.action = 'operator.read' THEN RAISE EXCEPTION 'audit storage refused the row'; END IF; RETURN NEW; END $$`)
    await admin.query(
      'CREATE TRIGGER refuse_operator_read BEFORE INSERT ON limena.audit_logs FOR EACH ROW EXECUTE FUNCTION limena.refuse_operator_read()',
    )
    try {
      for (const [name, operation] of tenantReadOperations()) {
        const answer = await operator.request('GET', pathOf(name, operation), {
          headers: { 'x-access-reason': 'INC-43 audit storage down' },
        })
        expect(await tenantsShown(answer.text), name).toEqual([])
        expect(answer.status, name).toBe(500)
      }
    } finally {
      await admin.query('DROP TRIGGER refuse_operator_read ON limena.audit_logs')
      await admin.query('DROP FUNCTION limena.refuse_operator_read()')
      await admin.end()
    }
  })

  it('shows nothing when the platform audit row cannot be written', async () => {
    const admin = await database().admin()
    await admin.query(`CREATE FUNCTION limena.refuse_platform_row() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit storage refused the row'; END $$`)
    await admin.query(
      'CREATE TRIGGER refuse_platform_row BEFORE INSERT ON limena.platform_audit_logs FOR EACH ROW EXECUTE FUNCTION limena.refuse_platform_row()',
    )
    try {
      for (const [name, operation] of platformReadOperations()) {
        const answer = await operator.request('GET', pathOf(name, operation), {
          headers: { 'x-access-reason': 'INC-45 platform audit storage down' },
        })
        expect(answer.status, name).toBe(500)
        expect(await tenantsShown(answer.text), name).toEqual([])
        expect(answer.headers.get('content-type'), name).toMatch(/^application\/problem\+json/)
      }
    } finally {
      await admin.query('DROP TRIGGER refuse_platform_row ON limena.platform_audit_logs')
      await admin.query('DROP FUNCTION limena.refuse_platform_row()')
      await admin.end()
    }
  })
})
