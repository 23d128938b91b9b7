/**
 * Membership only by consent, through HTTP: every add is a pending invitation, answered the same
 * whether or not the email has an account; the invited person accepts or declines it signed in;
 * owners and admins list and revoke pending ones; a member leaves (never the last owner); and
 * accept-invite is no password oracle for an existing account. Every step audited.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { withOperatorRead } from '../../../src/server/db/with-operator.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, useTestServer } from '../../support/test-server.js'
import { buildTenantWorld, type TenantWorld } from '../../support/tenant-world.js'

const database = useTestDatabase()
const server = useTestServer(database)
let world: TenantWorld
const members = () => `/tenants/${world.tenantA}/members`
const invitations = () => `/tenants/${world.tenantA}/invitations`

interface InviteAnswer {
  invitation: { id: string; email: string; role: string; invitedBy: string | null; createdAt: string; expiresAt: string }
  inviteToken: string
}
interface MyInvitation {
  id: string
  tenantId: string
  tenantName: string
  role: string
  invitedBy: string | null
}

beforeAll(async () => {
  world = await buildTenantWorld(database(), server(), 'consent')
})

async function auditRows(
  tenantId: string,
): Promise<Array<{ action: string; actor_name: string | null; target_name: string | null; metadata: Record<string, unknown> }>> {
  return withOperatorRead(
    database().pools,
    async (client) =>
      (await client.query('SELECT action, actor_name, target_name, metadata FROM audit_logs WHERE tenant_id = $1 ORDER BY seq', [tenantId]))
        .rows,
  )
}

async function signedIn(email: string, password: string): Promise<ApiClient> {
  const client = new ApiClient(server().url)
  expect((await client.login(email, password)).status).toBe(200)
  return client
}

/** The shape of a JSON value: keys and value types, recursively, without the values. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf)
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, shapeOf(inner)]))
  return value === null ? 'null' : typeof value
}

describe('accept-invite is no password oracle', () => {
  it('12 wrong guesses then the right password yield no session for an existing account', async () => {
    await createUser(database(), { email: 'oracle-victim@example.test', password: 'the victim real password' })
    const invited = await world.ownerB.request<InviteAnswer>('POST', `/tenants/${world.tenantB}/members`, {
      body: { email: 'oracle-victim@example.test', role: 'viewer' },
    })
    expect(invited.status).toBe(201)
    const attacker = new ApiClient(server().url)
    for (let guess = 0; guess < 12; guess++) {
      const wrong = await attacker.request('POST', '/auth/accept-invite', {
        body: { token: invited.body.inviteToken, password: `guess number ${guess}` },
      })
      expect(wrong.status).not.toBe(200)
    }
    const right = await attacker.request<{ accessToken?: string; detail?: string }>('POST', '/auth/accept-invite', {
      body: { token: invited.body.inviteToken, password: 'the victim real password' },
    })
    expect(right.status).toBe(409)
    expect(right.body.accessToken).toBeUndefined()
    expect(right.headers.getSetCookie().some((cookie) => cookie.startsWith('refresh_token='))).toBe(false)
    expect(right.body.detail).toMatch(/sign in/)
    // The account's own sign-in was not locked by guesses it never saw, and it is still no member.
    const victim = await signedIn('oracle-victim@example.test', 'the victim real password')
    expect((await victim.request<{ items: unknown[] }>('GET', '/tenants')).body.items).toEqual([])
  })

  it('still creates the account of an email that has none, once', async () => {
    const invited = await world.clients.admin.request<InviteAnswer>('POST', members(), {
      body: { email: 'Brand.New@Example.test', role: 'member' },
    })
    const accepted = await new ApiClient(server().url).request<{
      user: { email: string }
      memberships: Array<{ tenantId: string; role: string }>
    }>('POST', '/auth/accept-invite', {
      body: { token: invited.body.inviteToken, password: 'brand new password' },
    })
    expect(accepted.status).toBe(200)
    expect(accepted.body.user.email).toBe('brand.new@example.test')
    expect(accepted.body.memberships).toEqual([expect.objectContaining({ tenantId: world.tenantA, role: 'member' })])
    expect(
      (
        await new ApiClient(server().url).request('POST', '/auth/accept-invite', {
          body: { token: invited.body.inviteToken, password: 'brand new password' },
        })
      ).status,
    ).toBe(400)
  })
})

describe('membership only by consent', () => {
  let existingId: string
  let existing: ApiClient

  beforeAll(async () => {
    existingId = await createUser(database(), { email: 'has-account@example.test', password: 'has account password' })
    existing = await signedIn('has-account@example.test', 'has account password')
  })

  it('answers an add with the same status and shape whether or not the email has an account', async () => {
    const forExisting = await world.clients.owner.request<InviteAnswer>('POST', members(), {
      body: { email: 'has-account@example.test', role: 'member' },
    })
    const forNobody = await world.clients.owner.request<InviteAnswer>('POST', members(), {
      body: { email: 'no-account@example.test', role: 'member' },
    })
    expect(forExisting.status).toBe(201)
    expect(forNobody.status).toBe(201)
    expect(shapeOf(forExisting.body)).toEqual(shapeOf(forNobody.body))
    expect(forExisting.body.invitation).toMatchObject({
      email: 'has-account@example.test',
      role: 'member',
      invitedBy: 'consent-owner@example.test',
    })
    expect(forExisting.headers.get('cache-control')).toBe('no-store')
    // Not a member until they accept: not listed, and their sign-ins stay out of the tenant's log.
    const listed = await world.clients.owner.request<{ items: Array<{ userId: string }> }>('GET', members())
    expect(listed.body.items.map((member) => member.userId)).not.toContain(existingId)
    await signedIn('has-account@example.test', 'has account password')
    expect(
      (await auditRows(world.tenantA)).filter((row) => row.action === 'auth.login' && row.actor_name === 'has-account@example.test'),
    ).toEqual([])
  })

  it('shows the invited person their pending invitations, and nobody else’s', async () => {
    const mine = await existing.request<{ items: MyInvitation[] }>('GET', '/me/invitations')
    expect(mine.status).toBe(200)
    expect(mine.body.items).toEqual([
      expect.objectContaining({
        tenantId: world.tenantA,
        tenantName: 'consent A',
        role: 'member',
        invitedBy: 'consent-owner@example.test',
      }),
    ])
    const outsiders = await world.clients.outsider.request<{ items: MyInvitation[] }>('GET', '/me/invitations')
    expect(outsiders.body.items).toEqual([])
    const stolen = await world.clients.outsider.request('POST', `/me/invitations/${mine.body.items[0]!.id}/accept`)
    expect(stolen.status).toBe(404)
  })

  it('makes the person a member when they accept, audited', async () => {
    const [pending] = (await existing.request<{ items: MyInvitation[] }>('GET', '/me/invitations')).body.items
    const accepted = await existing.request<{ tenantId: string; role: string }>('POST', `/me/invitations/${pending!.id}/accept`)
    expect(accepted.status).toBe(200)
    expect(accepted.body).toMatchObject({ tenantId: world.tenantA, role: 'member' })
    expect((await existing.request('GET', `/tenants/${world.tenantA}`)).status).toBe(200)
    expect((await existing.request<{ items: MyInvitation[] }>('GET', '/me/invitations')).body.items).toEqual([])
    expect((await existing.request('POST', `/me/invitations/${pending!.id}/accept`)).status).toBe(404)
    const added = (await auditRows(world.tenantA)).filter(
      (row) => row.action === 'member.added' && row.target_name === 'has-account@example.test',
    )
    expect(added).toEqual([
      expect.objectContaining({
        actor_name: 'has-account@example.test',
        metadata: expect.objectContaining({ via: 'invitation', role: 'member' }),
      }),
    ])
  })

  it('leaves the person outside when they decline, audited', async () => {
    await world.ownerB.request<InviteAnswer>('POST', `/tenants/${world.tenantB}/members`, {
      body: { email: 'has-account@example.test', role: 'admin' },
    })
    const [pending] = (await existing.request<{ items: MyInvitation[] }>('GET', '/me/invitations')).body.items
    expect(pending).toMatchObject({ tenantId: world.tenantB, role: 'admin' })
    expect((await existing.request('POST', `/me/invitations/${pending!.id}/decline`)).status).toBe(204)
    expect((await existing.request('GET', `/tenants/${world.tenantB}`)).status).toBe(404)
    expect((await existing.request('POST', `/me/invitations/${pending!.id}/accept`)).status).toBe(404)
    expect((await auditRows(world.tenantB)).map((row) => row.action)).toContain('invitation.declined')
  })

  it('lists pending invitations to owners and admins only, and lets them revoke one, audited', async () => {
    const invited = await world.clients.admin.request<InviteAnswer>('POST', members(), {
      body: { email: 'to-revoke@example.test', role: 'viewer' },
    })
    const listed = await world.clients.admin.request<{ items: Array<{ id: string; email: string }> }>('GET', invitations())
    expect(listed.status).toBe(200)
    expect(listed.body.items.map((item) => item.email)).toContain('to-revoke@example.test')
    expect(listed.body.items.map((item) => item.email)).not.toContain('has-account@example.test')
    expect((await world.clients.member.request('GET', invitations())).status).toBe(403)
    expect((await world.clients.viewer.request('GET', invitations())).status).toBe(403)
    expect((await world.ownerB.request('GET', invitations())).status).toBe(404)
    expect((await world.ownerB.request('DELETE', `/tenants/${world.tenantB}/invitations/${invited.body.invitation.id}`)).status).toBe(404)
    expect((await world.clients.owner.request('DELETE', `${invitations()}/${invited.body.invitation.id}`)).status).toBe(204)
    expect((await world.clients.owner.request('DELETE', `${invitations()}/${invited.body.invitation.id}`)).status).toBe(404)
    const after = await world.clients.admin.request<{ items: Array<{ email: string }> }>('GET', invitations())
    expect(after.body.items.map((item) => item.email)).not.toContain('to-revoke@example.test')
    const used = await new ApiClient(server().url).request('POST', '/auth/accept-invite', {
      body: { token: invited.body.inviteToken, password: 'revoked person password' },
    })
    expect(used.status).toBe(400)
    expect((await auditRows(world.tenantA)).map((row) => row.action)).toContain('invitation.revoked')
  })

  it('lets a member leave, audited, but never the last owner, and never by API key', async () => {
    expect((await existing.request('DELETE', `${members()}/me`)).status).toBe(204)
    expect((await existing.request('GET', `/tenants/${world.tenantA}`)).status).toBe(404)
    const left = (await auditRows(world.tenantA)).filter((row) => row.action === 'member.left')
    expect(left).toEqual([expect.objectContaining({ actor_name: 'has-account@example.test', target_name: 'has-account@example.test' })])
    const lastOwner = await world.clients.owner.request<{ detail: string }>('DELETE', `${members()}/me`)
    expect(lastOwner.status).toBe(409)
    expect(lastOwner.body.detail).toMatch(/last owner/)
    expect(
      (await new ApiClient(server().url).request('DELETE', `${members()}/me`, { auth: `Bearer ${world.keys['members:write']}` })).status,
    ).toBe(403)
    expect((await world.clients.outsider.request('DELETE', `${members()}/me`)).status).toBe(404)
  })

  it('resends a pending invitation with a new link: the old link stops working, the new one joins, audited', async () => {
    const invited = await world.clients.admin.request<InviteAnswer>('POST', members(), {
      body: { email: 'to-resend@example.test', role: 'member' },
    })
    const resent = await world.clients.admin.request<InviteAnswer>('POST', `${invitations()}/${invited.body.invitation.id}/resend`)
    expect(resent.status).toBe(200)
    expect(resent.body.invitation.id).toBe(invited.body.invitation.id)
    expect(resent.body.inviteToken).not.toBe(invited.body.inviteToken)
    expect(Date.parse(resent.body.invitation.expiresAt)).toBeGreaterThanOrEqual(Date.parse(invited.body.invitation.expiresAt))
    const oldLink = await new ApiClient(server().url).request('POST', '/auth/accept-invite', {
      body: { token: invited.body.inviteToken, password: 'resent person password' },
    })
    expect(oldLink.status).toBe(400)
    const newLink = await new ApiClient(server().url).request('POST', '/auth/accept-invite', {
      body: { token: resent.body.inviteToken, password: 'resent person password' },
    })
    expect(newLink.status).toBe(200)
    const rows = (await auditRows(world.tenantA)).filter((row) => row.action === 'invitation.resent')
    expect(rows).toEqual([expect.objectContaining({ actor_name: 'consent-admin@example.test', target_name: 'to-resend@example.test' })])
    expect(JSON.stringify(rows)).not.toContain(resent.body.inviteToken)
    // Accepted: nothing left to resend.
    expect((await world.clients.admin.request('POST', `${invitations()}/${invited.body.invitation.id}/resend`)).status).toBe(404)
  })

  it('lets only an owner resend an invitation to the owner role, and nobody outside the tenant', async () => {
    const invited = await world.clients.owner.request<InviteAnswer>('POST', members(), {
      body: { email: 'future-owner@example.test', role: 'owner' },
    })
    const path = `${invitations()}/${invited.body.invitation.id}/resend`
    expect((await world.clients.admin.request('POST', path)).status).toBe(403)
    expect((await world.clients.member.request('POST', path)).status).toBe(403)
    expect((await world.ownerB.request('POST', path)).status).toBe(404)
    expect((await world.clients.owner.request('POST', path)).status).toBe(200)
  })

  it('still refuses to invite someone who is already a member', async () => {
    expect(
      (await world.clients.owner.request('POST', members(), { body: { email: 'consent-viewer@example.test', role: 'viewer' } })).status,
    ).toBe(409)
  })
})
