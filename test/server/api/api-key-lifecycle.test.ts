/**
 * An API key's life through HTTP: it may expire (30, 90 or 365 days, or never), and an expired
 * key is refused with a problem that says so and when, nothing more. Rolling a key makes its
 * successor (same name, scopes and expiry policy, shown once) and keeps the old key valid for a
 * grace period of up to 7 days: both work meanwhile, then only the successor. Time is moved by
 * shifting the key's own dates back in the database, as if that many days had passed.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, useTestServer, type ApiAnswer } from '../../support/test-server.js'
import { buildTenantWorld, type TenantWorld } from '../../support/tenant-world.js'

const database = useTestDatabase()
const server = useTestServer(database)
let world: TenantWorld

const day = 86_400_000
const hour = 3_600_000

interface CreatedKey {
  id: string
  key: string
  prefix: string
  name: string
  scopes: string[]
  expiresAt: string | null
}
interface RolledKey extends CreatedKey {
  replaced: { id: string; validUntil: string }
}
interface KeySummary {
  id: string
  name: string
  prefix: string
  scopes: string[]
  createdAt: string
  lastUsedAt: string | null
  expiresAt: string | null
  expiresInDays: number | null
  rolledAt: string | null
  successorId: string | null
}

beforeAll(async () => {
  world = await buildTenantWorld(database(), server(), 'lifecycle')
})

async function createKey(body: Record<string, unknown>): Promise<ApiAnswer<CreatedKey>> {
  return world.clients.owner.request<CreatedKey>('POST', `/tenants/${world.tenantA}/api-keys`, { body })
}

async function roll(keyId: string, body: Record<string, unknown>, client = world.clients.owner): Promise<ApiAnswer<RolledKey>> {
  return client.request<RolledKey>('POST', `/tenants/${world.tenantA}/api-keys/${keyId}/roll`, { body })
}

const asKey = (key: string) =>
  new ApiClient(server().url).request<{ detail?: string; kind?: string }>('GET', '/me', { auth: `Bearer ${key}` })

async function listing(): Promise<KeySummary[]> {
  return (await world.clients.owner.request<{ items: KeySummary[] }>('GET', `/tenants/${world.tenantA}/api-keys`)).body.items
}

/** Moves the clock `days` forward for one key: its dates go back by that much. */
async function passDays(keyId: string, days: number): Promise<void> {
  const admin = await database().admin()
  try {
    await admin.query(
      `UPDATE limena.api_keys SET created_at = created_at - make_interval(days => $2), expires_at = expires_at - make_interval(days => $2),
              rolled_at = rolled_at - make_interval(days => $2), last_used_at = last_used_at - make_interval(days => $2)
        WHERE id = $1`,
      [keyId, days],
    )
  } finally {
    await admin.end()
  }
}

async function storedExpiry(keyId: string): Promise<Date | null> {
  const admin = await database().admin()
  try {
    return (await admin.query<{ expires_at: Date | null }>('SELECT expires_at FROM limena.api_keys WHERE id = $1', [keyId])).rows[0]!
      .expires_at
  } finally {
    await admin.end()
  }
}

const near = (iso: string | null, expected: number, slack = 60_000) => {
  expect(iso).not.toBeNull()
  expect(Math.abs(Date.parse(iso!) - expected)).toBeLessThan(slack)
}

describe('API key expiry', () => {
  it('is offered at creation: 30, 90 or 365 days, or never; the answer and the listing say when', async () => {
    for (const days of [30, 90, 365] as const) {
      const created = await createKey({ name: `expires in ${days}`, scopes: ['tenant:read'], expiresInDays: days })
      expect(created.status).toBe(201)
      near(created.body.expiresAt, Date.now() + days * day)
      const summary = (await listing()).find((item) => item.id === created.body.id)!
      expect(summary).toMatchObject({ expiresAt: created.body.expiresAt, expiresInDays: days, rolledAt: null, successorId: null })
    }
    const never = await createKey({ name: 'never expires', scopes: ['tenant:read'], expiresInDays: null })
    expect(never.status).toBe(201)
    expect(never.body.expiresAt).toBeNull()
    expect((await listing()).find((item) => item.id === never.body.id)).toMatchObject({ expiresAt: null, expiresInDays: null })
  })

  it('is 90 days when the request does not say, and only the offered lengths are taken', async () => {
    const unsaid = await createKey({ name: 'default expiry', scopes: ['tenant:read'] })
    expect(unsaid.status).toBe(201)
    near(unsaid.body.expiresAt, Date.now() + 90 * day)
    for (const expiresInDays of [0, 7, 31, 1000, '30', -1]) {
      const refused = await createKey({ name: 'odd expiry', scopes: ['tenant:read'], expiresInDays })
      expect(refused.status, String(expiresInDays)).toBe(400)
    }
  })

  it('refuses a key once its 30 days have passed, with a problem saying it expired and when, and nothing else', async () => {
    const created = await createKey({ name: 'thirty days', scopes: ['tenant:read'], expiresInDays: 30 })
    expect((await asKey(created.body.key)).status).toBe(200)
    await passDays(created.body.id, 29)
    expect((await asKey(created.body.key)).status).toBe(200)
    await passDays(created.body.id, 2)
    const expiry = await storedExpiry(created.body.id)
    expect(expiry!.getTime()).toBeLessThan(Date.now())
    const refused = await asKey(created.body.key)
    expect(refused.status).toBe(401)
    expect(refused.headers.get('www-authenticate')).toBe('Bearer')
    expect(refused.body.detail).toBe(`this API key expired at ${expiry!.toISOString()}`)
    for (const leak of [created.body.id, world.tenantA, 'thirty days', created.body.prefix]) expect(refused.text).not.toContain(leak)
    // It is still listed, so its owner sees that it expired.
    expect((await listing()).find((item) => item.id === created.body.id)?.expiresAt).toBe(expiry!.toISOString())
  })

  it('never refuses a key created without expiry, however old', async () => {
    const created = await createKey({ name: 'forever', scopes: ['tenant:read'], expiresInDays: null })
    await passDays(created.body.id, 3650)
    expect((await asKey(created.body.key)).status).toBe(200)
  })
})

describe('rolling an API key', () => {
  it('makes a successor with the same name, scopes and expiry, shown once; both work during the grace period, then only the new one', async () => {
    const old = await createKey({ name: 'deploy bot', scopes: ['tenant:read', 'audit:read'], expiresInDays: 30 })
    await passDays(old.body.id, 10)
    const rolled = await roll(old.body.id, { graceHours: 48 })
    expect(rolled.status).toBe(201)
    expect(rolled.headers.get('cache-control')).toBe('no-store')
    expect(rolled.body.key).toMatch(/^lmn_[A-Za-z0-9_-]{43}$/)
    expect(rolled.body.key).not.toBe(old.body.key)
    expect(rolled.body).toMatchObject({ name: 'deploy bot', scopes: ['tenant:read', 'audit:read'], replaced: { id: old.body.id } })
    expect(rolled.body.id).not.toBe(old.body.id)
    near(rolled.body.expiresAt, Date.now() + 30 * day)
    near(rolled.body.replaced.validUntil, Date.now() + 48 * hour)

    // During the grace period both keys work.
    expect(await asKey(old.body.key)).toMatchObject({ status: 200, body: { kind: 'api_key' } })
    expect(await asKey(rolled.body.key)).toMatchObject({ status: 200, body: { kind: 'api_key' } })
    const items = await listing()
    const oldSummary = items.find((item) => item.id === old.body.id)!
    expect(oldSummary).toMatchObject({ successorId: rolled.body.id, expiresAt: rolled.body.replaced.validUntil })
    near(oldSummary.rolledAt, Date.now())
    expect(items.find((item) => item.id === rolled.body.id)).toMatchObject({
      name: 'deploy bot',
      scopes: ['tenant:read', 'audit:read'],
      expiresInDays: 30,
      rolledAt: null,
      successorId: null,
    })

    // After the grace period only the successor works, and the old key leaves the listing.
    await passDays(old.body.id, 2)
    const refused = await asKey(old.body.key)
    expect(refused.status).toBe(401)
    expect(refused.body.detail).toMatch(/^this API key expired at \d{4}-\d\d-\d\dT/)
    expect((await asKey(rolled.body.key)).status).toBe(200)
    expect((await listing()).map((item) => item.id)).not.toContain(old.body.id)
  })

  it('is audited as api_key.rolled, naming the successor and the grace period, never the key', async () => {
    const old = await createKey({ name: 'audited roll', scopes: ['tenant:read'], expiresInDays: 90 })
    const rolled = await roll(old.body.id, { graceHours: 24 })
    const log = await world.clients.owner.request<{
      items: Array<{ action: string; target: { id: string | null; name: string | null }; metadata: Record<string, unknown> }>
    }>('GET', `/tenants/${world.tenantA}/audit-logs?action=api_key.rolled`)
    const entry = log.body.items.find((item) => item.target.id === old.body.id)!
    expect(entry).toMatchObject({
      action: 'api_key.rolled',
      target: { id: old.body.id, name: 'audited roll' },
      metadata: { prefix: old.body.prefix, successorId: rolled.body.id, successorPrefix: rolled.body.prefix, graceHours: 24 },
    })
    expect(log.text).not.toContain(rolled.body.key.slice(4, 24))
  })

  it('with no grace ends the old key at once', async () => {
    const old = await createKey({ name: 'no grace', scopes: ['tenant:read'], expiresInDays: 365 })
    const rolled = await roll(old.body.id, { graceHours: 0 })
    expect(rolled.status).toBe(201)
    near(rolled.body.expiresAt, Date.now() + 365 * day)
    expect((await asKey(old.body.key)).status).toBe(401)
    expect((await asKey(rolled.body.key)).status).toBe(200)
  })

  it('keeps "never expires" for the successor, and never lengthens the old key beyond its own expiry', async () => {
    const forever = await createKey({ name: 'forever rolled', scopes: ['tenant:read'], expiresInDays: null })
    const successor = await roll(forever.body.id, { graceHours: 168 })
    expect(successor.body.expiresAt).toBeNull()
    near(successor.body.replaced.validUntil, Date.now() + 168 * hour)

    const soon = await createKey({ name: 'expiring soon', scopes: ['tenant:read'], expiresInDays: 30 })
    await passDays(soon.body.id, 29) // one day left
    const before = (await storedExpiry(soon.body.id))!.toISOString()
    const rolled = await roll(soon.body.id, { graceHours: 168 })
    expect(rolled.status).toBe(201)
    expect(rolled.body.replaced.validUntil).toBe(before)
  })

  it('takes a grace period of 0 to 168 hours only', async () => {
    const key = await createKey({ name: 'grace bounds', scopes: ['tenant:read'], expiresInDays: 30 })
    for (const graceHours of [-1, 169, 1.5, '24', null])
      expect((await roll(key.body.id, { graceHours })).status, String(graceHours)).toBe(400)
    expect((await roll(key.body.id, {})).status).toBe(400)
  })

  it('refuses a key already rolled, an expired key (409) and a revoked one (404)', async () => {
    const key = await createKey({ name: 'rolled twice', scopes: ['tenant:read'], expiresInDays: 30 })
    const first = await roll(key.body.id, { graceHours: 24 })
    const again = await roll(key.body.id, { graceHours: 24 })
    expect(again.status).toBe(409)
    expect(again.text).toContain('already rolled')
    expect((await roll(first.body.id, { graceHours: 24 })).status).toBe(201)

    const expired = await createKey({ name: 'expired then rolled', scopes: ['tenant:read'], expiresInDays: 30 })
    await passDays(expired.body.id, 31)
    const late = await roll(expired.body.id, { graceHours: 24 })
    expect(late.status).toBe(409)
    expect(late.text).toContain('expired')

    const revoked = await createKey({ name: 'revoked then rolled', scopes: ['tenant:read'], expiresInDays: 30 })
    expect((await world.clients.owner.request('DELETE', `/tenants/${world.tenantA}/api-keys/${revoked.body.id}`)).status).toBe(204)
    expect((await roll(revoked.body.id, { graceHours: 24 })).status).toBe(404)
  })

  it("needs keys:write, and an API key may not roll a key with scopes it does not hold, nor another tenant's key", async () => {
    const key = await createKey({ name: 'guarded', scopes: ['tenant:read', 'audit:read'], expiresInDays: 30 })
    expect((await roll(key.body.id, { graceHours: 1 }, world.clients.member)).status).toBe(403)
    const byKey = new ApiClient(server().url)
    const beyond = await byKey.request('POST', `/tenants/${world.tenantA}/api-keys/${key.body.id}/roll`, {
      body: { graceHours: 1 },
      auth: `Bearer ${world.keys['keys:write']}`,
    })
    expect(beyond.status).toBe(403)
    const ofB = await world.ownerB.request<{ id: string }>('POST', `/tenants/${world.tenantB}/api-keys`, {
      body: { name: 'b key', scopes: ['tenant:read'] },
    })
    expect((await roll(ofB.body.id, { graceHours: 1 })).status).toBe(404)
    const inB = await world.clients.owner.request('POST', `/tenants/${world.tenantB}/api-keys/${ofB.body.id}/roll`, {
      body: { graceHours: 1 },
    })
    expect(inB.status).toBe(404)
  })

  it("goes with its creator's membership: the successor of a removed member's key is revoked with it", async () => {
    const memberKey = await world.clients.admin.request<CreatedKey>('POST', `/tenants/${world.tenantA}/api-keys`, {
      body: { name: 'admin made', scopes: ['tenant:read'], expiresInDays: 30 },
    })
    const rolled = await roll(memberKey.body.id, { graceHours: 24 })
    expect(rolled.status).toBe(201)
    const removed = await world.clients.owner.request('DELETE', `/tenants/${world.tenantA}/members/${world.userIds.admin}`)
    expect(removed.status).toBe(204)
    expect((await asKey(memberKey.body.key)).status).toBe(401)
    expect((await asKey(rolled.body.key)).status).toBe(401)
  })
})
