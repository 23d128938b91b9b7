/**
 * @module member-service
 * Adding members (or inviting an email that has no account), changing roles and removing
 * members, with the owner rules of API.md: only an owner grants, changes or removes an owner,
 * and the last owner can be neither demoted nor removed. Memberships are locked first, so two
 * owners demoting each other at once cannot leave a tenant without one.
 */
import { mayAssignRole, type TenantRole } from '@shared/permissions.js'
import { writeAudit, type AuditActor, type AuditRequestMeta } from '../audit/audit-writer.js'
import { randomToken, sha256 } from '../crypto/random-token.js'
import type { DbClient } from '../db/pools.js'
import { problems } from '../http/http-problem.js'
import { findUserByEmail } from '../users/user-repository.js'
import { insertInvitation, invitationLifetimeMillis } from './invitation-repository.js'
import { deleteMembership, findMember, insertMembership, lockMemberships, memberToApi, setMemberRole } from './member-repository.js'

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

export async function inviteOrAddMember(context: MemberChangeContext, input: { email: string; role: TenantRole }) {
  if (!mayAssignRole(context.actorRole, input.role)) throw problems.forbidden('only an owner may grant the owner role')
  const existing = await findUserByEmail(context.client, input.email)
  if (existing) {
    const already = await findMember(context.client, context.tenantId, existing.id)
    if (already) throw problems.conflict(`${input.email} is already a member`)
    await insertMembership(context.client, { tenantId: context.tenantId, userId: existing.id, role: input.role })
    await writeAudit(context.client, {
      tenantId: context.tenantId,
      action: 'member.added',
      actor: context.actor,
      target: { type: 'user', id: existing.id, name: existing.email },
      request: context.meta,
      metadata: { role: input.role },
    })
    const member = await findMember(context.client, context.tenantId, existing.id)
    return { member: memberToApi(member!), inviteToken: null, expiresAt: null }
  }
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
  return { member: null, inviteToken: invitation.token, expiresAt: row.expires_at.toISOString() }
}

function assertOwnerRules(context: MemberChangeContext, members: Array<{ user_id: string; role: TenantRole }>, userId: string, newRole: TenantRole | null) {
  const target = members.find((member) => member.user_id === userId)
  if (!target) throw problems.notFound('no such member')
  if ((target.role === 'owner' || newRole === 'owner') && context.actorRole !== 'owner') {
    throw problems.forbidden('only an owner may change or remove an owner, or grant the owner role')
  }
  const owners = members.filter((member) => member.role === 'owner').length
  if (target.role === 'owner' && newRole !== 'owner' && owners === 1) {
    throw problems.conflict(newRole === null ? 'the last owner cannot be removed' : 'the last owner cannot be demoted; make someone else owner first')
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
  }
  return memberToApi((await findMember(context.client, context.tenantId, userId))!)
}

export async function removeMember(context: MemberChangeContext, userId: string): Promise<void> {
  const members = await lockMemberships(context.client, context.tenantId)
  const target = assertOwnerRules(context, members, userId, null)
  const member = await findMember(context.client, context.tenantId, userId)
  await deleteMembership(context.client, context.tenantId, userId)
  await writeAudit(context.client, {
    tenantId: context.tenantId,
    action: 'member.removed',
    actor: context.actor,
    target: { type: 'user', id: userId, name: member?.email ?? null },
    request: context.meta,
    metadata: { role: target.role },
  })
}
