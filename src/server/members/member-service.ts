/**
 * @module member-service
 * Inviting people (membership only by consent: see my-invitations.ts for accepting), revoking
 * invitations, changing roles, removing members and leaving, with the owner rules (docs/security.md, Authorisation):
 * only an owner grants, changes or removes an owner, and the last owner can be neither demoted
 * nor removed, nor leave. Memberships are locked first, so two owners demoting each other at
 * once cannot leave a tenant without one.
 */
import { mayAssignRole, type TenantRole } from '@shared/permissions.js'
import { writeAudit, type AuditActor, type AuditRequestMeta } from '../audit/audit-writer.js'
import { randomToken, sha256 } from '../crypto/random-token.js'
import type { DbClient } from '../db/pools.js'
import { problems } from '../http/http-problem.js'
import { narrowKeysOfMember, revokeKeysOfMember } from '../api-keys/member-keys.js'
import {
  closeInvitation,
  insertInvitation,
  invitationLifetimeMillis,
  listPendingInvitations,
  renewInvitationToken,
} from './invitation-repository.js'
import { invitationToApi } from './invitation-to-api.js'
import { deleteMembership, findMember, findMemberByEmail, lockMemberships, memberToApi, setMemberRole } from './member-repository.js'

export const invitationTokenPrefix = 'lmi_'

export interface MemberChangeContext {
  client: DbClient
  tenantId: string
  /** The caller's role; API keys act with admin rights at most. */
  actorRole: TenantRole
  actor: AuditActor
  meta: AuditRequestMeta
  invitedBy: string | null
}

export function newInvitationToken(): { token: string; hash: Buffer } {
  const token = invitationTokenPrefix + randomToken(32)
  return { token, hash: sha256(token) }
}

/** One of the tenant's pending invitations as listed (with who invited), or null. */
async function pendingInvitation(context: MemberChangeContext, invitationId: string) {
  return (await listPendingInvitations(context.client, context.tenantId)).find((candidate) => candidate.id === invitationId) ?? null
}

/**
 * Every add is an invitation: whether or not the email has an account, the answer is the same
 * (no account lookup happens here), and nobody becomes a member — or shows up in the tenant's
 * log of their sign-ins — before they accept.
 */
export async function inviteMember(context: MemberChangeContext, input: { email: string; role: TenantRole }) {
  if (!mayAssignRole(context.actorRole, input.role)) throw problems.forbidden('only an owner may grant the owner role')
  if (await findMemberByEmail(context.client, context.tenantId, input.email)) throw problems.conflict(`${input.email} is already a member`)
  const invitation = newInvitationToken()
  const row = await insertInvitation(context.client, {
    tenantId: context.tenantId,
    email: input.email,
    role: input.role,
    tokenHash: invitation.hash,
    invitedBy: context.invitedBy,
    expiresAt: new Date(Date.now() + invitationLifetimeMillis),
  })
  await writeAudit(context.client, {
    tenantId: context.tenantId,
    action: 'member.invited',
    actor: context.actor,
    target: { type: 'invitation', id: row.id, name: input.email },
    request: context.meta,
    metadata: { role: input.role, expiresAt: row.expires_at.toISOString() },
  })
  return { invitation: invitationToApi((await pendingInvitation(context, row.id))!), inviteToken: invitation.token }
}

export async function revokeInvitation(context: MemberChangeContext, invitationId: string): Promise<void> {
  const revoked = await closeInvitation(context.client, { tenantId: context.tenantId, id: invitationId }, 'revoked')
  if (!revoked) throw problems.notFound('no such pending invitation')
  await writeAudit(context.client, {
    tenantId: context.tenantId,
    action: 'invitation.revoked',
    actor: context.actor,
    target: { type: 'invitation', id: revoked.id, name: revoked.email },
    request: context.meta,
    metadata: { role: revoked.role },
  })
}

/**
 * A new link for a pending invitation (the old one stops working) and a fresh lifetime. Only an
 * owner may renew an invitation to the owner role, as only an owner may grant it.
 */
export async function resendInvitation(context: MemberChangeContext, invitationId: string) {
  const current = await pendingInvitation(context, invitationId)
  if (!current) throw problems.notFound('no such pending invitation: it was accepted, declined, revoked or has expired')
  if (!mayAssignRole(context.actorRole, current.role)) throw problems.forbidden('only an owner may resend an invitation to the owner role')
  const invitation = newInvitationToken()
  const renewed = await renewInvitationToken(
    context.client,
    { tenantId: context.tenantId, id: invitationId },
    { tokenHash: invitation.hash, expiresAt: new Date(Date.now() + invitationLifetimeMillis) },
  )
  if (!renewed) throw problems.notFound('no such pending invitation: it was accepted, declined, revoked or has expired')
  await writeAudit(context.client, {
    tenantId: context.tenantId,
    action: 'invitation.resent',
    actor: context.actor,
    target: { type: 'invitation', id: renewed.id, name: renewed.email },
    request: context.meta,
    metadata: { role: renewed.role, expiresAt: renewed.expires_at.toISOString() },
  })
  return { invitation: invitationToApi((await pendingInvitation(context, renewed.id))!), inviteToken: invitation.token }
}

function assertOwnerRules(
  context: MemberChangeContext,
  members: Array<{ user_id: string; role: TenantRole }>,
  userId: string,
  newRole: TenantRole | null,
) {
  const target = members.find((member) => member.user_id === userId)
  if (!target) throw problems.notFound('no such member')
  if ((target.role === 'owner' || newRole === 'owner') && context.actorRole !== 'owner') {
    throw problems.forbidden('only an owner may change or remove an owner, or grant the owner role')
  }
  const owners = members.filter((member) => member.role === 'owner').length
  if (target.role === 'owner' && newRole !== 'owner' && owners === 1) {
    throw problems.conflict(
      newRole === null ? 'the last owner cannot be removed' : 'the last owner cannot be demoted; make someone else owner first',
    )
  }
  return target
}

export async function changeMemberRole(context: MemberChangeContext, userId: string, role: TenantRole) {
  const members = await lockMemberships(context.client, context.tenantId)
  const target = assertOwnerRules(context, members, userId, role)
  if (target.role !== role) {
    await setMemberRole(context.client, context.tenantId, userId, role)
    const member = await findMember(context.client, context.tenantId, userId)
    await writeAudit(context.client, {
      tenantId: context.tenantId,
      action: 'member.role_changed',
      actor: context.actor,
      target: { type: 'user', id: userId, name: member?.email ?? null },
      request: context.meta,
      changes: { role: { before: target.role, after: role } },
    })
    await narrowKeysOfMember(context, userId, role)
  }
  return memberToApi((await findMember(context.client, context.tenantId, userId))!)
}

/**
 * Ends a membership: removal by an owner or admin, or the member leaving (`leaving`). The
 * member's API keys in the tenant are revoked in the same transaction.
 */
export async function removeMember(context: MemberChangeContext, userId: string, options: { leaving?: boolean } = {}): Promise<void> {
  const members = await lockMemberships(context.client, context.tenantId)
  // Leaving needs no owner's say: one's own role decides, and only the last-owner rule applies.
  const target = assertOwnerRules(options.leaving ? { ...context, actorRole: 'owner' } : context, members, userId, null)
  const member = await findMember(context.client, context.tenantId, userId)
  await deleteMembership(context.client, context.tenantId, userId)
  await writeAudit(context.client, {
    tenantId: context.tenantId,
    action: options.leaving ? 'member.left' : 'member.removed',
    actor: context.actor,
    target: { type: 'user', id: userId, name: member?.email ?? null },
    request: context.meta,
    metadata: { role: target.role },
  })
  await revokeKeysOfMember(context, userId, options.leaving ? 'its creator left the tenant' : 'its creator was removed from the tenant')
}
