/**
 * Members and invitations through HTTP: an invitation token shown once, stored hashed, single
 * use, expiring after 7 days; accepting it creates the user (existing accounts accept signed in:
 * invitations.test.ts); owner rules and the last owner, including two owners racing.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { withOperatorRead } from '../../../src/server/db/with-operator.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, useTestServer } from '../../support/test-server.js'
import { buildTenantWorld, worldPassword, type TenantWorld } from '../../support/tenant-world.js'

const database = useTestDatabase()
const server = useTestServer(database)
let world: TenantWorld
const members = () => `/tenants/${world.tenantA}/members`

beforeAll(async () => {
  world = await buildTenantWorld(database(), server(), 'members')
})

async function auditActions(tenantId: string): Promise<string[]> {
  return withOperatorRead(database().pools, async (client) =>
    (await client.query<{ action: string }>('SELECT action FROM audit_logs WHERE tenant_id = $1 ORDER BY seq', [tenantId])).rows.map(
      (row) => row.action,
    ),
  )
}

describe('invitations', () => {
  let token: string

  it('invites an email with no account: the token appears once, 7-day expiry, stored only as a hash', async () => {
    const answer = await world.clients.admin.request<{ invitation: { expiresAt: string }; inviteToken: string }>('POST', members(), {
      body: { email: 'New.Person@Example.test', role: 'member' },
    })
    expect(answer.status).toBe(201)
    expect(answer.headers.get('cache-control')).toBe('no-store')
    token = answer.body.inviteToken
    expect(token).toMatch(/^lmi_[A-Za-z0-9_-]{43}$/)
    expect(Math.round((Date.parse(answer.body.invitation.expiresAt) - Date.now()) / 86_400_000)).toBe(7)
    const admin = await database().admin()
    const stored = await admin.query(
      "SELECT count(*)::int AS n FROM limena.invitations WHERE token_hash = sha256(convert_to($1, 'UTF8')) AND email = 'new.person@example.test'",
      [token],
    )
    const plain = await admin.query("SELECT count(*)::int AS n FROM limena.invitations i WHERE to_jsonb(i)::text LIKE '%' || $1 || '%'", [
      token.slice(4, 24),
    ])
    await admin.end()
    expect(stored.rows[0].n).toBe(1)
    expect(plain.rows[0].n).toBe(0)
    expect(await auditActions(world.tenantA)).toContain('member.invited')
  })

  it('accepting creates the user with the role, signs in, and works only once', async () => {
    const accepted = await new ApiClient(server().url).request<{
      accessToken: string
      memberships: Array<{ tenantId: string; role: string }>
      user: { email: string }
    }>('POST', '/auth/accept-invite', {
      body: { token, password: 'new person password' },
    })
    expect(accepted.status).toBe(200)
    expect(accepted.body.user.email).toBe('new.person@example.test')
    expect(accepted.body.memberships).toEqual([expect.objectContaining({ tenantId: world.tenantA, role: 'member' })])
    expect(accepted.headers.getSetCookie().some((cookie) => cookie.startsWith('refresh_token='))).toBe(true)
    const again = await new ApiClient(server().url).request('POST', '/auth/accept-invite', {
      body: { token, password: 'new person password' },
    })
    expect(again.status).toBe(400)
    expect((await new ApiClient(server().url).login('new.person@example.test', 'new person password')).status).toBe(200)
  })

  it('refuses an expired invitation', async () => {
    const invited = await world.clients.owner.request<{ inviteToken: string }>('POST', members(), {
      body: { email: 'late@example.test', role: 'viewer' },
    })
    const admin = await database().admin()
    await admin.query("UPDATE limena.invitations SET expires_at = now() - interval '1 minute' WHERE email = 'late@example.test'")
    await admin.end()
    const answer = await new ApiClient(server().url).request<{ detail: string }>('POST', '/auth/accept-invite', {
      body: { token: invited.body.inviteToken, password: 'late person password' },
    })
    expect(answer.status).toBe(400)
    expect(answer.body.detail).toMatch(/expired/)
  })
})

describe('roles', () => {
  it('lets only an owner grant the owner role', async () => {
    expect(
      (await world.clients.admin.request('POST', members(), { body: { email: 'would-be-owner@example.test', role: 'owner' } })).status,
    ).toBe(403)
    expect((await world.clients.admin.request('PATCH', `${members()}/${world.userIds.member}`, { body: { role: 'owner' } })).status).toBe(
      403,
    )
    expect((await world.clients.admin.request('PATCH', `${members()}/${world.userIds.owner}`, { body: { role: 'viewer' } })).status).toBe(
      403,
    )
  })

  it('records a role change with before and after', async () => {
    const changed = await world.clients.admin.request<{ role: string }>('PATCH', `${members()}/${world.userIds.viewer}`, {
      body: { role: 'member' },
    })
    expect(changed.status).toBe(200)
    expect(changed.body.role).toBe('member')
    const row = await withOperatorRead(
      database().pools,
      async (client) =>
        (
          await client.query(
            "SELECT changes FROM audit_logs WHERE tenant_id = $1 AND action = 'member.role_changed' ORDER BY seq DESC LIMIT 1",
            [world.tenantA],
          )
        ).rows[0],
    )
    expect(row.changes).toEqual({ role: { before: 'viewer', after: 'member' } })
  })

  it('never removes or demotes the last owner', async () => {
    const removed = await world.clients.owner.request<{ detail: string }>('DELETE', `${members()}/${world.userIds.owner}`)
    expect(removed.status).toBe(409)
    expect(removed.body.detail).toBe('the last owner cannot be removed')
    expect((await world.clients.owner.request('PATCH', `${members()}/${world.userIds.owner}`, { body: { role: 'admin' } })).status).toBe(
      409,
    )
  })

  it('keeps one owner when two owners demote each other at the same moment', async () => {
    expect((await world.clients.owner.request('PATCH', `${members()}/${world.userIds.admin}`, { body: { role: 'owner' } })).status).toBe(
      200,
    )
    const secondOwner = new ApiClient(server().url)
    await secondOwner.login('members-admin@example.test', worldPassword)
    const [first, second] = await Promise.all([
      world.clients.owner.request('PATCH', `${members()}/${world.userIds.admin}`, { body: { role: 'admin' } }),
      secondOwner.request('PATCH', `${members()}/${world.userIds.owner}`, { body: { role: 'admin' } }),
    ])
    // The loser is refused as the last owner (409), or, if the winner committed before the loser's
    // role was read, as no longer an owner (403). Either way exactly one owner remains.
    const statuses = [first.status, second.status].sort()
    expect(statuses[0]).toBe(200)
    expect([403, 409]).toContain(statuses[1])
    const owners = (await world.clients.member.request<{ items: Array<{ role: string }> }>('GET', members())).body.items.filter(
      (item) => item.role === 'owner',
    )
    expect(owners).toHaveLength(1)
  })

  it('removes a member, audited', async () => {
    expect((await world.clients.owner.request('DELETE', `${members()}/${world.userIds.viewer}`)).status).toBe(204)
    expect(await auditActions(world.tenantA)).toContain('member.removed')
  })
})
