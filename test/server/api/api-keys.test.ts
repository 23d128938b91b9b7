/**
 * API keys through HTTP: the format, the plaintext nowhere in the database, shown once, acting
 * only in their own tenant (404 elsewhere) and only within their scopes (403 beyond).
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, useTestServer } from '../../support/test-server.js'
import { buildTenantWorld, type TenantWorld } from '../../support/tenant-world.js'

const database = useTestDatabase()
const server = useTestServer(database)
let world: TenantWorld
let created: { id: string; key: string; prefix: string }

beforeAll(async () => {
  world = await buildTenantWorld(database(), server(), 'keys')
  const answer = await world.clients.owner.request<{ id: string; key: string; prefix: string }>(
    'POST',
    `/tenants/${world.tenantA}/api-keys`,
    {
      body: { name: 'ci deploy', scopes: ['tenant:read', 'audit:read'] },
    },
  )
  expect(answer.status).toBe(201)
  expect(answer.headers.get('cache-control')).toBe('no-store')
  created = answer.body
})

const byKey = (key: string) => `Bearer ${key}`

describe('API keys', () => {
  it('are lmn_ followed by 32 random bytes (base64url), with a short display prefix', () => {
    expect(created.key).toMatch(/^lmn_[A-Za-z0-9_-]{43}$/)
    expect(Buffer.from(created.key.slice(4), 'base64url')).toHaveLength(32)
    expect(created.key.startsWith(created.prefix)).toBe(true)
    expect(created.prefix).toHaveLength(10)
  })

  it('leave no trace of the plaintext anywhere in the database, only its SHA-256', async () => {
    const admin = await database().admin()
    try {
      const tables = await admin.query<{ schemaname: string; tablename: string }>(
        "SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')",
      )
      const secretPart = created.key.slice(4)
      for (const { schemaname, tablename } of tables.rows) {
        const hits = await admin.query(
          `SELECT count(*)::int AS n FROM "${schemaname}"."${tablename}" t WHERE to_jsonb(t)::text LIKE '%' || $1 || '%'`,
          [secretPart.slice(0, 20)],
        )
        expect(hits.rows[0].n, `${schemaname}.${tablename}`).toBe(0)
      }
      const hashed = await admin.query("SELECT count(*)::int AS n FROM limena.api_keys WHERE key_hash = sha256(convert_to($1, 'UTF8'))", [
        created.key,
      ])
      expect(hashed.rows[0].n).toBe(1)
    } finally {
      await admin.end()
    }
  })

  it('are listed without the key or its hash', async () => {
    const listing = await world.clients.owner.request<{ items: Array<Record<string, unknown>> }>(
      'GET',
      `/tenants/${world.tenantA}/api-keys`,
    )
    const entry = listing.body.items.find((item) => item.id === created.id)!
    expect(Object.keys(entry).sort()).toEqual([
      'createdAt',
      'expiresAt',
      'expiresInDays',
      'id',
      'lastUsedAt',
      'name',
      'prefix',
      'rolledAt',
      'scopes',
      'successorId',
    ])
    expect(listing.text).not.toContain(created.key.slice(4, 24))
  })

  it('identify themselves and record when they were last used', async () => {
    const anonymous = new ApiClient(server().url)
    const me = await anonymous.request('GET', '/me', { auth: byKey(created.key) })
    expect(me.body).toEqual({ kind: 'api_key', keyId: created.id, tenantId: world.tenantA, scopes: ['tenant:read', 'audit:read'] })
    const listing = await world.clients.owner.request<{ items: Array<{ id: string; lastUsedAt: string | null }> }>(
      'GET',
      `/tenants/${world.tenantA}/api-keys`,
    )
    expect(listing.body.items.find((item) => item.id === created.id)!.lastUsedAt).not.toBeNull()
  })

  it("reach another tenant's resources → 404, with nothing of that tenant in the answer", async () => {
    const anonymous = new ApiClient(server().url)
    for (const path of [`/tenants/${world.tenantB}`, `/tenants/${world.tenantB}/members`, `/tenants/${world.tenantB}/api-keys`]) {
      const answer = await anonymous.request('GET', path, { auth: byKey(world.keys['keys:write']) })
      expect(answer.status, path).toBe(404)
      expect(answer.text).not.toContain('keys B')
    }
  })

  it('beyond their scopes → 403', async () => {
    const anonymous = new ApiClient(server().url)
    expect((await anonymous.request('GET', `/tenants/${world.tenantA}/api-keys`, { auth: byKey(created.key) })).status).toBe(403)
    expect(
      (await anonymous.request('PATCH', `/tenants/${world.tenantA}`, { body: { name: 'renamed' }, auth: byKey(world.keys['tenant:read']) }))
        .status,
    ).toBe(403)
    expect((await anonymous.request('GET', '/tenants', { auth: byKey(created.key) })).status).toBe(403)
  })

  it('cannot mint a key with scopes they do not hold', async () => {
    const anonymous = new ApiClient(server().url)
    const answer = await anonymous.request('POST', `/tenants/${world.tenantA}/api-keys`, {
      body: { name: 'escalate', scopes: ['keys:write', 'audit:read'] },
      auth: byKey(world.keys['keys:write']),
    })
    expect(answer.status).toBe(403)
  })

  it('stop working once revoked, and malformed or unknown keys → 401', async () => {
    const anonymous = new ApiClient(server().url)
    const revoked = await world.clients.owner.request('DELETE', `/tenants/${world.tenantA}/api-keys/${created.id}`)
    expect(revoked.status).toBe(204)
    expect((await anonymous.request('GET', '/me', { auth: byKey(created.key) })).status).toBe(401)
    expect((await anonymous.request('GET', '/me', { auth: 'Bearer lmn_short' })).status).toBe(401)
    expect((await anonymous.request('GET', '/me', { auth: `Bearer lmn_${'A'.repeat(43)}` })).status).toBe(401)
  })
})
