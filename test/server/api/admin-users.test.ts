/**
 * An operator finds a person by email across tenants, through HTTP: the answer names their
 * memberships; the search is recorded in the platform audit log (what was searched for) and as an
 * operator.read in each tenant whose membership it shows, with the reason; others may not search.
 * The operator then sees that person's active sessions (device, address, last use) and ends one:
 * that session's next call is refused, the others keep working, audited in the person's tenants.
 */
import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import type { AdminUser } from '../../../src/shared/contract.js'
import { withOperatorRead } from '../../../src/server/db/with-operator.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, useTestServer } from '../../support/test-server.js'
import { buildTenantWorld, worldPassword, type TenantWorld } from '../../support/tenant-world.js'

const database = useTestDatabase()
const server = useTestServer(database)
let world: TenantWorld
let operator: ApiClient

beforeAll(async () => {
  world = await buildTenantWorld(database(), server(), 'people')
  await createUser(database(), { email: 'people-operator@example.test', password: 'operator password 1', platformAdmin: true })
  operator = new ApiClient(server().url)
  await operator.login('people-operator@example.test', 'operator password 1')
})

describe('finding people across tenants', () => {
  it('answers the accounts whose email contains the text, with their memberships by tenant name', async () => {
    const found = await operator.request<{ items: AdminUser[] }>('GET', '/admin/users?email=PEOPLE-ADMIN', {
      headers: { 'x-access-reason': 'TICKET-5 locked out' },
    })
    expect(found.status).toBe(200)
    expect(found.body.items).toEqual([
      expect.objectContaining({
        email: 'people-admin@example.test',
        isPlatformAdmin: false,
        memberships: [{ tenantId: world.tenantA, tenantName: 'people A', tenantSlug: 'people-a', role: 'admin' }],
      }),
    ])
    const none = await operator.request<{ items: AdminUser[] }>('GET', '/admin/users?email=nobody-here', {
      headers: { 'x-access-reason': 'TICKET-5 locked out' },
    })
    expect(none.body.items).toEqual([])
  })

  it('records the search in the platform log and an operator.read in each tenant it shows', async () => {
    const requestId = `people-${randomUUID()}`
    await operator.request('GET', '/admin/users?email=people-owner', {
      headers: { 'x-access-reason': 'TICKET-6 ownership question', 'x-request-id': requestId },
    })
    const { platform, tenantRows } = await withOperatorRead(database().pools, async (client) => ({
      platform: (await client.query('SELECT action, reason, metadata FROM platform_audit_logs WHERE request_id = $1', [requestId])).rows,
      tenantRows: (
        await client.query("SELECT tenant_id, reason FROM audit_logs WHERE request_id = $1 AND action = 'operator.read'", [requestId])
      ).rows,
    }))
    expect(platform).toEqual([
      {
        action: 'platform.user_search',
        reason: 'TICKET-6 ownership question',
        metadata: expect.objectContaining({ email: 'people-owner', found: 2 }),
      },
    ])
    // people-owner@ owns tenant A; people-ownerb@ owns tenant B: both tenants were shown.
    expect(tenantRows.map((row) => row.tenant_id).sort()).toEqual([world.tenantA, world.tenantB].sort())
  })

  it('is for operators only, and asks for at least three characters', async () => {
    expect(
      (await world.clients.owner.request('GET', '/admin/users?email=people', { headers: { 'x-access-reason': 'curious' } })).status,
    ).toBe(403)
    const short = await operator.request<{ detail: string }>('GET', '/admin/users?email=pe', { headers: { 'x-access-reason': 'TICKET-7' } })
    expect(short.status).toBe(400)
    expect(short.body.detail).toMatch(/^email:/)
  })
})

describe("a person's sessions, for operators", () => {
  const withReason = { 'x-access-reason': 'TICKET-9 laptop stolen' }

  it('lists the active sessions with device and address, and ends one: its next call is refused, the others work', async () => {
    const laptop = new ApiClient(server().url)
    await laptop.login('people-member@example.test', worldPassword, { 'user-agent': 'Limena/1.0 (stolen laptop)' })
    const phone = new ApiClient(server().url)
    await phone.login('people-member@example.test', worldPassword, { 'user-agent': 'Limena/1.0 (phone)' })
    const listed = await operator.request<{
      user: { email: string }
      items: Array<{ id: string; userAgent: string | null; ip: string | null }>
    }>('GET', `/admin/users/${world.userIds.member}/sessions`, { headers: withReason })
    expect(listed.status).toBe(200)
    expect(listed.body.user.email).toBe('people-member@example.test')
    const stolen = listed.body.items.find((item) => item.userAgent === 'Limena/1.0 (stolen laptop)')!
    expect(stolen).toBeDefined()
    expect(stolen.ip).toBe('127.0.0.1')
    expect(listed.body.items.some((item) => item.userAgent === 'Limena/1.0 (phone)')).toBe(true)

    expect((await laptop.request('GET', '/me')).status).toBe(200)
    const ended = await operator.request('DELETE', `/admin/users/${world.userIds.member}/sessions/${stolen.id}`, { headers: withReason })
    expect(ended.status).toBe(204)
    expect((await laptop.request('GET', '/me')).status).toBe(401)
    expect((await phone.request('GET', '/me')).status).toBe(200)
    // Ended already: nothing left to end.
    expect(
      (await operator.request('DELETE', `/admin/users/${world.userIds.member}/sessions/${stolen.id}`, { headers: withReason })).status,
    ).toBe(404)

    const rows = await withOperatorRead(database().pools, async (client) => ({
      tenant: (
        await client.query("SELECT action, reason, metadata FROM audit_logs WHERE tenant_id = $1 AND action = 'session.revoked'", [
          world.tenantA,
        ])
      ).rows,
      platform: (await client.query("SELECT reason FROM platform_audit_logs WHERE action = 'platform.user_sessions_read'")).rows,
    }))
    expect(rows.tenant).toEqual([
      expect.objectContaining({ reason: 'TICKET-9 laptop stolen', metadata: expect.objectContaining({ sessionId: stolen.id }) }),
    ])
    expect(rows.platform).toEqual([{ reason: 'TICKET-9 laptop stolen' }])
  })

  it("refuses another person's session id, and anyone but an operator", async () => {
    const mine = await world.clients.viewer.request<{ items: Array<{ id: string }> }>('GET', '/me/sessions')
    const viewerSession = mine.body.items[0]!.id
    expect(
      (await operator.request('DELETE', `/admin/users/${world.userIds.member}/sessions/${viewerSession}`, { headers: withReason })).status,
    ).toBe(404)
    expect((await world.clients.viewer.request('GET', '/me')).status).toBe(200)
    expect(
      (await world.clients.owner.request('GET', `/admin/users/${world.userIds.member}/sessions`, { headers: withReason })).status,
    ).toBe(403)
  })
})
