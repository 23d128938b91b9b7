/**
 * The audit explorer's server side, through HTTP: filters by target id and without operators'
 * access rows, applied alike to the search, the tenant's CSV and the operator's CSV (same filters,
 * same rows, in the same order); the first page's counts, exact up to 10,000 and "more than"
 * past it; and the pickers' subjects (actors, targets) with the newest name of each, in a tenant
 * and, for operators, across tenants — recorded in the log of each tenant they come from.
 */
import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { auditCountLimit } from '../../../src/shared/contract.js'
import { writeAudit, type AuditActor } from '../../../src/server/audit/audit-writer.js'
import { withOperatorRead } from '../../../src/server/db/with-operator.js'
import { withTenant } from '../../../src/server/db/with-tenant.js'
import { parseCsv } from '../../support/csv.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, useTestServer } from '../../support/test-server.js'
import { buildTenantWorld, type TenantWorld } from '../../support/tenant-world.js'

const database = useTestDatabase()
const server = useTestServer(database)
let world: TenantWorld
let operator: ApiClient
let operatorId: string
const keyId = randomUUID()
const window: { from: string; to: string } = { from: '', to: '' }
const headers = { 'x-access-reason': 'SUP-13 explorer checks' }

interface Count {
  value: number
  exact: boolean
}
interface Page {
  items: Array<{ id: string; tenantId: string; action: string; target: { id: string | null } }>
  nextCursor: string | null
  counts: { matching: Count; operatorAccess: Count } | null
}
interface Subject {
  type: string
  id: string
  name: string | null
  events: number
  tenantIds?: string[]
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 30))

async function append(count: number, action: Parameters<typeof writeAudit>[1]['action'], actor: AuditActor, targetName: string) {
  await withTenant(database().pools.app, world.tenantA, async (client) => {
    for (let index = 0; index < count; index += 1) {
      await writeAudit(client, { tenantId: world.tenantA, action, actor, target: { type: 'api_key', id: keyId, name: targetName } })
    }
  })
}

beforeAll(async () => {
  world = await buildTenantWorld(database(), server(), 'explorer')
  operatorId = await createUser(database(), { email: 'explorer-ops@example.test', password: 'explorer ops password', platformAdmin: true })
  operator = new ApiClient(server().url)
  await operator.login('explorer-ops@example.test', 'explorer ops password')
  const admin: AuditActor = { type: 'user', id: world.userIds.admin, name: 'explorer-admin@example.test' }
  const asOperator: AuditActor = { type: 'operator', id: operatorId, name: 'explorer-ops@example.test' }
  await append(10, 'api_key.created', admin, 'Deploy key')
  await pause()
  window.from = new Date().toISOString()
  await pause()
  await append(15, 'api_key.scopes_reduced', admin, 'Deploy key v2')
  await append(5, 'operator.read', asOperator, 'Deploy key v2')
  await pause()
  window.to = new Date().toISOString()
  await pause()
  await append(4, 'api_key.deleted', admin, 'Deploy key v3')
})

async function walk(client: ApiClient, path: string, query: string): Promise<{ ids: string[]; first: Page }> {
  const ids: string[] = []
  let first: Page | undefined
  let cursor: string | null = null
  do {
    const answer: { status: number; body: Page } = await client.request<Page>(
      'GET',
      `${path}?${query}&limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { headers },
    )
    expect(answer.status).toBe(200)
    if (first) expect(answer.body.counts, 'a later page carries no counts').toBeNull()
    first ??= answer.body
    ids.push(...answer.body.items.map((item) => item.id))
    cursor = answer.body.nextCursor
  } while (cursor)
  return { ids, first }
}

/** The header and the `id` column of a CSV. */
function csvIds(text: string): { header: string[]; ids: string[] } {
  const [header, ...rows] = parseCsv(text)
  return { header: header!.map((cell) => cell.value), ids: rows.map((row) => row[0]!.value) }
}

describe('audit filters', () => {
  it('targetId keeps the events of that target only', async () => {
    const { ids, first } = await walk(world.clients.admin, `/tenants/${world.tenantA}/audit-logs`, `targetId=${keyId}`)
    expect(ids).toHaveLength(34)
    expect(first.items.every((item) => item.target.id === keyId)).toBe(true)
  })

  it('operatorAccess=exclude leaves out operator.read and operator.write, include (the default) keeps them', async () => {
    const included = await world.clients.admin.request<Page>('GET', `/tenants/${world.tenantA}/audit-logs?targetId=${keyId}&limit=200`)
    expect(included.body.items.filter((item) => item.action === 'operator.read')).toHaveLength(5)
    const excluded = await world.clients.admin.request<Page>(
      'GET',
      `/tenants/${world.tenantA}/audit-logs?targetId=${keyId}&operatorAccess=exclude&limit=200`,
    )
    expect(excluded.body.items).toHaveLength(29)
    expect(excluded.body.items.some((item) => item.action.startsWith('operator.'))).toBe(false)
    expect((await world.clients.admin.request('GET', `/tenants/${world.tenantA}/audit-logs?operatorAccess=hide`)).status).toBe(400)
  })

  it('gives the search, the tenant CSV and the operator CSV the same rows for the same filters', async () => {
    const query = `targetId=${keyId}&operatorAccess=exclude&from=${encodeURIComponent(window.from)}&to=${encodeURIComponent(window.to)}`
    const searched = await walk(world.clients.admin, `/tenants/${world.tenantA}/audit-logs`, query)
    expect(searched.ids).toHaveLength(15)
    expect(searched.first.counts).toEqual({ matching: { value: 15, exact: true }, operatorAccess: { value: 5, exact: true } })
    const operatorSearched = await walk(operator, '/admin/audit-logs', `${query}&tenantId=${world.tenantA}`)
    expect(operatorSearched.ids).toEqual(searched.ids)

    const tenantCsv = await world.clients.admin.request<string>('GET', `/tenants/${world.tenantA}/audit-logs.csv?${query}`)
    const operatorCsv = await operator.request<string>('GET', `/admin/audit-logs.csv?${query}&tenantId=${world.tenantA}`, { headers })
    for (const csv of [tenantCsv, operatorCsv]) {
      expect(csv.status).toBe(200)
      const { header, ids } = csvIds(csv.text)
      expect(header.slice(0, 3)).toEqual(['id', 'at (UTC, ISO 8601)', 'tenant_id'])
      expect(ids).toEqual(searched.ids)
    }
  })
})

describe('counts on the first page', () => {
  it('count the matching rows and the operator access rows among those matching every other filter', async () => {
    const included = await world.clients.admin.request<Page>('GET', `/tenants/${world.tenantA}/audit-logs?targetId=${keyId}&limit=1`)
    expect(included.body.counts).toEqual({ matching: { value: 34, exact: true }, operatorAccess: { value: 5, exact: true } })
    const excluded = await world.clients.admin.request<Page>(
      'GET',
      `/tenants/${world.tenantA}/audit-logs?targetId=${keyId}&operatorAccess=exclude&limit=1`,
    )
    expect(excluded.body.counts).toEqual({ matching: { value: 29, exact: true }, operatorAccess: { value: 5, exact: true } })
    const later = await world.clients.admin.request<Page>(
      'GET',
      `/tenants/${world.tenantA}/audit-logs?targetId=${keyId}&limit=1&cursor=${encodeURIComponent(included.body.nextCursor!)}`,
    )
    expect(later.body.counts).toBeNull()
  })

  it(`stop at ${auditCountLimit.toLocaleString('en')}: exact up to it, "more than" past it`, async () => {
    const admin = await database().admin()
    try {
      // Written straight into B's table by the superuser: counted rows, not a chain to verify.
      await admin.query(
        `INSERT INTO limena.audit_logs (tenant_id, seq, action, actor_type, actor_name, metadata, prev_hash, hash)
         SELECT $1, 1000 + g, 'tenant.updated', 'user', 'bulk@example.test', '{}'::jsonb, '\\x00', '\\x00' FROM generate_series(1, $2::int) g`,
        [world.tenantB, auditCountLimit],
      )
    } finally {
      await admin.end()
    }
    const exactly = await world.ownerB.request<Page>('GET', `/tenants/${world.tenantB}/audit-logs?action=tenant.updated&limit=1`)
    expect(exactly.body.counts).toEqual({ matching: { value: auditCountLimit, exact: true }, operatorAccess: { value: 0, exact: true } })
    const beyond = await world.ownerB.request<Page>('GET', `/tenants/${world.tenantB}/audit-logs?limit=1`)
    expect(beyond.body.counts!.matching).toEqual({ value: auditCountLimit, exact: false })
  })

  it("come with an operator's search, recording only the tenants of the rows shown", async () => {
    const requestId = `explorer-${randomUUID()}`
    const page = await operator.request<Page>('GET', '/admin/audit-logs?limit=1', { headers: { ...headers, 'x-request-id': requestId } })
    expect(page.status).toBe(200)
    expect(page.body.counts!.matching).toEqual({ value: auditCountLimit, exact: false })
    expect(page.body.items).toHaveLength(1)
    expect(await tenantsRecorded(requestId)).toEqual([page.body.items[0]!.tenantId])
  })
})

async function tenantsRecorded(requestId: string): Promise<string[]> {
  return withOperatorRead(database().pools, async (client) =>
    (
      await client.query<{ tenant_id: string }>(
        "SELECT tenant_id::text FROM audit_logs WHERE action = 'operator.read' AND request_id = $1 ORDER BY tenant_id",
        [requestId],
      )
    ).rows.map((row) => row.tenant_id),
  )
}

/** What the pickers must offer, computed here from the table itself. */
async function expectedSubjects(tenantId: string, role: 'actor' | 'target'): Promise<Subject[]> {
  const [type, id, name] = role === 'actor' ? ['actor_type', 'actor_id', 'actor_name'] : ['target_type', 'target_id', 'target_name']
  return withOperatorRead(database().pools, async (client) =>
    (
      await client.query<Subject>(
        `SELECT DISTINCT ON (${type}, ${id}) coalesce(${type}, '') AS type, ${id}::text AS id, ${name} AS name,
                (count(*) OVER (PARTITION BY ${type}, ${id}))::int AS events
           FROM audit_logs WHERE tenant_id = $1 AND ${id} IS NOT NULL ORDER BY ${type}, ${id}, seq DESC`,
        [tenantId],
      )
    ).rows.sort((a, b) => b.events - a.events || (a.name ?? '').localeCompare(b.name ?? '') || a.id.localeCompare(b.id)),
  )
}

describe('audit subjects', () => {
  it('offer the actors of a tenant, most frequent first, with the newest name of each', async () => {
    const answer = await world.clients.admin.request<{ items: Subject[] }>(
      'GET',
      `/tenants/${world.tenantA}/audit-logs/subjects?role=actor&limit=50`,
    )
    expect(answer.status).toBe(200)
    const expected = await expectedSubjects(world.tenantA, 'actor')
    expect(answer.body.items).toEqual(expected)
    expect(answer.body.items[0]).toMatchObject({ type: 'user', id: world.userIds.admin, name: 'explorer-admin@example.test' })
    expect(answer.body.items).toContainEqual(
      expect.objectContaining({ type: 'operator', id: operatorId, name: 'explorer-ops@example.test' }),
    )
  })

  it('offer the targets, with the name on the newest row, matched by part of a name or an id', async () => {
    const byName = await world.clients.admin.request<{ items: Subject[] }>(
      'GET',
      `/tenants/${world.tenantA}/audit-logs/subjects?role=target&q=${encodeURIComponent('DEPLOY KEY v3')}`,
    )
    expect(byName.body.items).toEqual([{ type: 'api_key', id: keyId, name: 'Deploy key v3', events: 34 }])
    // An older name no longer names it.
    const byOldName = await world.clients.admin.request<{ items: Subject[] }>(
      'GET',
      `/tenants/${world.tenantA}/audit-logs/subjects?role=target&q=${encodeURIComponent('key v2')}`,
    )
    expect(byOldName.body.items).toEqual([])
    const byId = await world.clients.admin.request<{ items: Subject[] }>(
      'GET',
      `/tenants/${world.tenantA}/audit-logs/subjects?role=target&q=${keyId.slice(0, 13).toUpperCase()}`,
    )
    expect(byId.body.items.map((item) => item.id)).toEqual([keyId])
    const limited = await world.clients.admin.request<{ items: Subject[] }>(
      'GET',
      `/tenants/${world.tenantA}/audit-logs/subjects?role=target&limit=2`,
    )
    expect(limited.body.items).toEqual((await expectedSubjects(world.tenantA, 'target')).slice(0, 2))
    expect((await world.clients.admin.request('GET', `/tenants/${world.tenantA}/audit-logs/subjects?role=both`)).status).toBe(400)
  })

  it("never offer another tenant's subjects", async () => {
    const answer = await world.clients.admin.request<{ items: Subject[] }>(
      'GET',
      `/tenants/${world.tenantA}/audit-logs/subjects?role=actor&q=${encodeURIComponent('bulk@example')}`,
    )
    expect(answer.body.items).toEqual([])
  })

  it("offer an operator every tenant's subjects, each with its tenants, recorded in those tenants' logs", async () => {
    const requestId = `explorer-${randomUUID()}`
    const answer = await operator.request<{ items: Subject[] }>('GET', `/admin/audit-logs/subjects?role=actor&q=explorer-&limit=50`, {
      headers: { ...headers, 'x-request-id': requestId },
    })
    expect(answer.status).toBe(200)
    const inA = await expectedSubjects(world.tenantA, 'actor')
    expect(answer.body.items).toContainEqual({ ...inA.find((item) => item.id === world.userIds.admin), tenantIds: [world.tenantA] })
    const ownerB = answer.body.items.find((item) => item.id === world.userIds.ownerB)
    expect(ownerB?.tenantIds).toEqual([world.tenantB])
    const named = [...new Set(answer.body.items.flatMap((item) => item.tenantIds!))].sort()
    expect(named).toEqual([world.tenantA, world.tenantB].sort())
    expect(await tenantsRecorded(requestId)).toEqual(named)
  })

  it("offer an operator one tenant's subjects, recorded in that tenant only", async () => {
    const requestId = `explorer-${randomUUID()}`
    const answer = await operator.request<{ items: Subject[] }>(
      'GET',
      `/admin/audit-logs/subjects?role=target&tenantId=${world.tenantA}&q=deploy`,
      { headers: { ...headers, 'x-request-id': requestId } },
    )
    expect(answer.body.items).toEqual([{ type: 'api_key', id: keyId, name: 'Deploy key v3', events: 34, tenantIds: [world.tenantA] }])
    expect(await tenantsRecorded(requestId)).toEqual([world.tenantA])
  })
})
