/**
 * Text PostgreSQL cannot store (a NUL character) and text that is not well-formed Unicode (an
 * unpaired UTF-16 surrogate) are refused with 400 problem+json naming the field, before any
 * database work: in a search, in tenant, key and integration names, in an access reason, and
 * in the CSV export's filter, which must then have written no `audit.exported` row.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { withOperatorRead } from '../../../src/server/db/with-operator.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, useTestServer } from '../../support/test-server.js'
import { buildTenantWorld, type TenantWorld } from '../../support/tenant-world.js'

const database = useTestDatabase()
const server = useTestServer(database)
let world: TenantWorld
let operator: ApiClient

beforeAll(async () => {
  world = await buildTenantWorld(database(), server(), 'nul')
  await createUser(database(), { email: 'nul-ops@example.test', password: 'nul ops password', platformAdmin: true })
  operator = new ApiClient(server().url)
  await operator.login('nul-ops@example.test', 'nul ops password')
})

interface Problem {
  detail: string
  errors?: Array<{ path: string; message: string }>
}

function expectUnencodable(answer: { status: number; headers: Headers; body: unknown }, field: string): void {
  expect(answer.status).toBe(400)
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/)
  expect((answer.body as Problem).errors).toContainEqual(
    expect.objectContaining({ path: field, message: expect.stringMatching(/NUL|surrogate/) }),
  )
}

async function exportedRows(): Promise<number> {
  return withOperatorRead(
    database().pools,
    async (client) =>
      (await client.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_logs WHERE action = 'audit.exported'")).rows[0]!.n,
  )
}

describe('a NUL byte', () => {
  it('in a search is a 400 naming q, for a tenant and for an operator', async () => {
    expectUnencodable(await world.clients.owner.request('GET', `/tenants/${world.tenantA}/audit-logs?q=a%00b`), 'q')
    expectUnencodable(
      await operator.request('GET', '/admin/audit-logs?q=a%00b', { headers: { 'x-access-reason': 'NUL search check' } }),
      'q',
    )
    expectUnencodable(await operator.request('GET', '/admin/tenants?q=%00', { headers: { 'x-access-reason': 'NUL search check' } }), 'q')
  })

  it('in a tenant, key or integration name is a 400 naming the field', async () => {
    expectUnencodable(await world.clients.owner.request('POST', '/tenants', { body: { name: 'a\u0000b', slug: 'nul-tenant' } }), 'name')
    expectUnencodable(await world.clients.owner.request('PATCH', `/tenants/${world.tenantA}`, { body: { name: 'x\u0000' } }), 'name')
    expectUnencodable(
      await world.clients.owner.request('POST', `/tenants/${world.tenantA}/api-keys`, {
        body: { name: '\u0000', scopes: ['tenant:read'] },
      }),
      'name',
    )
    expectUnencodable(
      await world.clients.owner.request('POST', `/tenants/${world.tenantA}/integrations`, {
        body: { provider: 'slack', label: 'ok', secret: 'xoxb\u0000' },
      }),
      'secret',
    )
    expectUnencodable(
      await world.clients.owner.request('POST', `/tenants/${world.tenantA}/integrations`, {
        body: { provider: 'slack', label: 'l\u0000', secret: 's' },
      }),
      'label',
    )
  })

  it("in the CSV export's filter is a 400 before anything is recorded or streamed", async () => {
    const before = await exportedRows()
    expectUnencodable(await world.clients.owner.request('GET', `/tenants/${world.tenantA}/audit-logs.csv?q=a%00b`), 'q')
    expectUnencodable(
      await operator.request('GET', '/admin/audit-logs.csv?q=a%00b', { headers: { 'x-access-reason': 'NUL export check' } }),
      'q',
    )
    expect(await exportedRows()).toBe(before)
  })

  it('in an access reason is a 400', async () => {
    const answer = await operator.request<Problem>('GET', '/admin/tenants', { headers: { 'x-access-reason': 'why%00not' } })
    expect(answer.status).toBe(400)
    expect(answer.body.detail).toMatch(/X-Access-Reason/)
  })
})

describe('an unpaired surrogate', () => {
  it('in a JSON body is a 400 naming the field', async () => {
    const raw = (body: string) => world.clients.owner.request('POST', `/tenants/${world.tenantA}/api-keys`, { rawBody: body })
    expectUnencodable(await raw('{"name":"key \\ud800","scopes":["tenant:read"]}'), 'name')
    expectUnencodable(await raw('{"name":"key \\udc00 tail","scopes":["tenant:read"]}'), 'name')
    expectUnencodable(
      await world.clients.owner.request('POST', `/tenants/${world.tenantA}/ai/usage`, { rawBody: '{"tokens":1,"model":"\\ud83d"}' }),
      'model',
    )
  })

  it('written as invalid UTF-8 in the path is a 400, not a 500', async () => {
    const answer = await world.clients.owner.request<Problem>('GET', '/tenants/%ED%A0%80/invitations')
    expect(answer.status).toBe(400)
    expect(answer.body.detail).toMatch(/not valid UTF-8/)
  })

  it('paired, as in an emoji, is fine', async () => {
    const answer = await world.clients.owner.request<{ name: string }>('POST', `/tenants/${world.tenantA}/api-keys`, {
      rawBody: '{"name":"key \\ud83d\\ude00","scopes":["tenant:read"]}',
    })
    expect(answer.status).toBe(201)
    expect(answer.body.name).toBe('key 😀')
  })
})
