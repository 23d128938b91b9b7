/**
 * Audit search and export through HTTP: a keyset walk returns each row exactly once while new
 * rows are being written; filters by action (and family), actor, time and text; tampered cursors
 * are refused; the CSV export neutralises spreadsheet formulas and is itself audited. Every cell
 * of the export, the header's included, is quoted (RFC 4180), and a formula after a `;` inside a
 * value is neutralised too, so a spreadsheet that splits on `;` cannot start a formula cell. The
 * time column's header says its zone and format, as its cells are written.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { auditCsvColumns, auditCsvHeaderNames } from '../../../src/server/audit/audit-repository.js'
import { writeAudit } from '../../../src/server/audit/audit-writer.js'
import { withTenant } from '../../../src/server/db/with-tenant.js'
import { parseCsv } from '../../support/csv.js'
import { useTestDatabase } from '../../support/test-database.js'
import { useTestServer } from '../../support/test-server.js'
import { buildTenantWorld, type TenantWorld } from '../../support/tenant-world.js'

const database = useTestDatabase()
const server = useTestServer(database)
let world: TenantWorld
const logPath = () => `/tenants/${world.tenantA}/audit-logs`

beforeAll(async () => {
  world = await buildTenantWorld(database(), server(), 'search')
  await withTenant(database().pools.app, world.tenantA, async (client) => {
    for (let index = 0; index < 120; index += 1) {
      await writeAudit(client, {
        tenantId: world.tenantA,
        action: index % 3 === 0 ? 'integration.connected' : 'tenant.updated',
        actor: { type: 'user', id: world.userIds.admin, name: 'search-admin@example.test' },
        target: { type: 'tenant', id: world.tenantA, name: index === 7 ? '=HYPERLINK("http://evil.test","click")' : `Renamed ${index}` },
        metadata: { index, note: index === 11 ? 'quarterly zebra review' : 'routine' },
      })
    }
  })
})

interface Page {
  items: Array<{
    id: string
    action: string
    actor: { id: string | null }
    target: { name: string | null }
    metadata: { index?: number }
    chain: { hash: string }
  }>
  nextCursor: string | null
}

describe('audit search', () => {
  it('walks every page once, newest first, while new rows keep arriving', async () => {
    const seen: string[] = []
    let cursor: string | null = null
    let writes = 0
    do {
      const answer: { status: number; body: Page } = await world.clients.admin.request<Page>(
        'GET',
        `${logPath()}?limit=17${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      )
      expect(answer.status).toBe(200)
      seen.push(...answer.body.items.map((item) => item.id))
      cursor = answer.body.nextCursor
      await world.clients.owner.request('PATCH', `/tenants/${world.tenantA}`, { body: { name: `Search A ${writes++}` } })
    } while (cursor)
    expect(new Set(seen).size).toBe(seen.length)
    const ids = seen.map(Number)
    expect(ids).toEqual([...ids].sort((a, b) => b - a))
    expect(seen.length).toBeGreaterThanOrEqual(120)
    const admin = await database().admin()
    const before = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM limena.audit_logs WHERE tenant_id = $1 AND id <= $2', [
      world.tenantA,
      ids[0],
    ])
    await admin.end()
    expect(seen.length).toBe(before.rows[0]!.n)
  })

  it('filters by action, by action family, by actor, by time and by text', async () => {
    const byAction = await world.clients.admin.request<Page>('GET', `${logPath()}?action=integration.connected&limit=200`)
    expect(byAction.body.items).toHaveLength(40)
    const byFamily = await world.clients.admin.request<Page>('GET', `${logPath()}?action=api_key.*&limit=200`)
    expect(byFamily.body.items.length).toBeGreaterThanOrEqual(6)
    expect(byFamily.body.items.every((item) => item.action.startsWith('api_key.'))).toBe(true)
    const byActor = await world.clients.admin.request<Page>('GET', `${logPath()}?actorId=${world.userIds.admin}&limit=200`)
    expect(byActor.body.items.every((item) => item.actor.id === world.userIds.admin)).toBe(true)
    const byText = await world.clients.admin.request<Page>('GET', `${logPath()}?q=${encodeURIComponent('Zebra Review')}`)
    expect(byText.body.items.map((item) => item.metadata.index)).toEqual([11])
    const future = await world.clients.admin.request<Page>('GET', `${logPath()}?from=2999-01-01T00:00:00Z`)
    expect(future.body.items).toEqual([])
    const percent = await world.clients.admin.request<Page>('GET', `${logPath()}?q=${encodeURIComponent('%')}`)
    expect(percent.body.items).toEqual([])
  })

  it('refuses a tampered cursor and malformed filters with 400', async () => {
    const first = await world.clients.admin.request<Page>('GET', `${logPath()}?limit=5`)
    const [payload, signature] = first.body.nextCursor!.split('.')
    const forged = `${Buffer.from(JSON.stringify(['2999-01-01 00:00:00+00', '999999999'])).toString('base64url')}.${signature}`
    expect(payload).toBeTruthy()
    expect((await world.clients.admin.request('GET', `${logPath()}?cursor=${encodeURIComponent(forged)}`)).status).toBe(400)
    expect((await world.clients.admin.request('GET', `${logPath()}?limit=201`)).status).toBe(400)
    expect((await world.clients.admin.request('GET', `${logPath()}?from=yesterday`)).status).toBe(400)
    expect((await world.clients.admin.request('GET', `${logPath()}?action=DROP%20TABLE`)).status).toBe(400)
  })

  it('returns readable rows with names, changes and chain links', async () => {
    const page = await world.clients.admin.request<{ items: Array<Record<string, unknown>> }>(
      'GET',
      `${logPath()}?action=tenant.updated&limit=1`,
    )
    expect(page.body.items[0]).toMatchObject({
      tenantId: world.tenantA,
      actor: { type: 'user', name: 'search-owner@example.test' },
      target: { type: 'tenant' },
      changes: { name: { before: expect.any(String), after: expect.any(String) } },
      chain: { seq: expect.any(String), prevHash: expect.stringMatching(/^[0-9a-f]{64}$/), hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    })
  })
})

describe('audit export', () => {
  it('streams CSV with the same filters, formulas neutralised, and is itself audited', async () => {
    const answer = await world.clients.admin.request<string>('GET', `${logPath()}.csv?action=tenant.updated`)
    expect(answer.status).toBe(200)
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-/)
    const [header, ...rows] = parseCsv(answer.text)
    expect(header!.map((cell) => cell.value)).toEqual([
      'id',
      'at (UTC, ISO 8601)',
      'tenant_id',
      'action',
      'actor_type',
      'actor_id',
      'actor_name',
      'target_type',
      'target_id',
      'target_name',
      'ip',
      'user_agent',
      'request_id',
      'reason',
      'changes',
      'metadata',
      'seq',
      'hash',
    ])
    for (const row of rows) expect(row[1]!.value).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
    const action = header!.findIndex((cell) => cell.value === 'action')
    const targetName = header!.findIndex((cell) => cell.value === 'target_name')
    expect(rows.length).toBeGreaterThan(0)
    expect(rows.every((row) => row[action]!.value === 'tenant.updated')).toBe(true)
    const ids = rows.map((row) => Number(row[0]!.value))
    expect(ids).toEqual([...ids].sort((a, b) => b - a))
    expect(Math.max(...ids).toString().length, 'ids of more than one length, so text order differs from numeric').toBeGreaterThan(
      Math.min(...ids).toString().length,
    )
    expect(rows.map((row) => row[targetName]!.value)).toContain(`'=HYPERLINK("http://evil.test","click")`)
    expect(answer.text).toContain(`"'=HYPERLINK(""http://evil.test"",""click"")"`)
    expect(answer.text).not.toMatch(/,"?=HYPERLINK/)
    const exported = await world.clients.admin.request<Page>('GET', `${logPath()}?action=audit.exported`)
    expect(exported.body.items[0]).toMatchObject({ action: 'audit.exported', actor: { id: world.userIds.admin } })
  })

  it('neutralises every formula prefix: = + - @ tab and carriage return', async () => {
    await withTenant(database().pools.app, world.tenantA, async (client) => {
      for (const name of ['+SUM(1,2)', '-2+3', '@cmd', '\tTAB', '\rCR']) {
        await writeAudit(client, {
          tenantId: world.tenantA,
          action: 'member.added',
          actor: { type: 'system', id: null, name: 'seed' },
          target: { type: 'user', id: null, name },
        })
      }
    })
    const answer = await world.clients.admin.request<string>('GET', `${logPath()}.csv?action=member.added`)
    for (const neutralised of ["'+SUM(1,2)", "'-2+3", "'@cmd", "'\tTAB", "'\rCR"]) expect(answer.text).toContain(neutralised)
  })

  it('quotes every cell, the header included, so a `;` in a value cannot start a formula cell', async () => {
    const malicious = "Q3;=cmd|' /C calc'!A0"
    const created = await world.clients.owner.request('POST', `/tenants/${world.tenantA}/api-keys`, {
      body: { name: malicious, scopes: ['tenant:read'] },
    })
    expect(created.status).toBe(201)
    const answer = await world.clients.admin.request<string>('GET', `${logPath()}.csv?action=api_key.*`)
    expect(answer.status).toBe(200)
    const records = parseCsv(answer.text)
    expect(records[0]!.map((cell) => cell.value)).toEqual([...auditCsvHeaderNames])
    expect(records.length).toBeGreaterThan(1)
    for (const record of records) {
      expect(record).toHaveLength(auditCsvColumns.length)
      for (const cell of record) expect(cell.raw, `a cell of ${JSON.stringify(record.map((each) => each.raw))}`).toMatch(/^"[\s\S]*"$/)
    }
    const targetName = auditCsvColumns.indexOf('target_name')
    const carrying = records.filter((record) => record.some((cell) => cell.value.includes('cmd|')))
    expect(carrying.length).toBe(1)
    const cells = carrying[0]!.filter((cell) => cell.value.includes('cmd|'))
    expect(cells).toEqual([carrying[0]![targetName]])
    expect(cells[0]!.value).toBe("Q3;'=cmd|' /C calc'!A0")
    for (const line of answer.text.split(/\r?\n/)) {
      for (const field of line.split(';')) expect(field, line).not.toMatch(/^=/)
    }
  })
})
