/**
 * Every operator read (each `access: 'operator'` GET of the contract, found there rather than
 * listed) is recorded exactly: every tenant whose data an answer shows already has a committed
 * `operator.read` row carrying that request's id when the answer arrives — also while new
 * tenants keep writing in between — and when the record cannot be written, nothing is shown.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
/** The test's own pools, so its checks do not queue behind the server's connections. */
let checkPools: DatabasePools

const operatorReads = (Object.entries(operations) as Array<[string, OperationDefinition]>).filter(
  ([, operation]) => operation.access === 'operator' && operation.method === 'GET',
)

/** Query strings that keep the answers small (the export: the last seconds); an operator GET not named here is called bare. */
const queryOf: Record<string, () => string> = {
  adminListTenants: () => 'limit=50',
  adminListAuditLogs: () => 'action=tenant.created&limit=50',
  adminExportAuditLogs: () => `action=tenant.created&from=${new Date(Date.now() - 3000).toISOString()}`,
  adminUsage: () => 'bucket=hour&top=20',
  adminAccessLog: () => 'limit=50',
}

function pathOf(name: string, operation: OperationDefinition): string {
  const path = operation.path.replace(/:[A-Za-z]+/g, () => world.tenantA)
  const query = queryOf[name]?.()
  return query ? `${path}?${query}` : path
}

beforeAll(async () => {
  world = await buildTenantWorld(database(), server(), 'reads')
  await createUser(database(), { email: 'reads-operator@example.test', password: 'operator password 1', platformAdmin: true })
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
  it('answers each, with every tenant it shows recorded under its request id', async () => {
    expect(operatorReads.length).toBeGreaterThan(0)
    for (const [name, operation] of operatorReads) {
      const result = await readAndCheck(name, operation)
      expect(result.status, name).toBe(200)
      expect(result.miss, name).toBeNull()
      if (name !== 'adminPosture') expect(result.shown, `${name} shows tenant data`).toBeGreaterThan(0)
    }
  })

  it("records every tenant an answer shows, under the request's id, before answering, while new tenants keep writing", async () => {
    const stop = { done: false }
    const writers = Array.from({ length: 3 }, (_, index) => keepCreatingTenants(stop, `writer${index}`))
    const misses: Miss[] = []
    const statuses: number[] = []
    const shownByRoute = new Map<string, number>()
    try {
      const requestsPerRoute = 86
      const queue = operatorReads.flatMap((entry) => Array.from({ length: requestsPerRoute }, () => entry))
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
    for (const [name] of operatorReads) if (name !== 'adminPosture') expect(shownByRoute.get(name), name).toBeGreaterThan(0)
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
      for (const [name, operation] of operatorReads) {
        const answer = await operator.request('GET', pathOf(name, operation), {
          headers: { 'x-access-reason': 'INC-43 audit storage down' },
        })
        expect(await tenantsShown(answer.text), name).toEqual([])
        if (name !== 'adminPosture') expect(answer.status, name).toBe(500)
      }
    } finally {
      await admin.query('DROP TRIGGER refuse_operator_read ON limena.audit_logs')
      await admin.query('DROP FUNCTION limena.refuse_operator_read()')
      await admin.end()
    }
  })
})
