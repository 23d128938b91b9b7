/**
 * @module my-invitations
 * The invited person's side of membership by consent: list the pending invitations addressed to
 * their account's email, accept one (they become a member with its role) or decline it. Signed
 * in, so no password is checked and an invitation is no way to test an account's password.
 * Each answer is written into the inviting tenant's audit log in the same transaction.
 */
import { switchTenant, writeAudit, type AuditRequestMeta } from '../audit/audit-writer.js'
import type { TenantRole } from '@shared/permissions.js'
import type { DbClient, DbPool } from '../db/pools.js'
import { inTransaction, withTenant } from '../db/with-tenant.js'
import { isUniqueViolation } from '../db/pg-errors.js'
import { problems } from '../http/http-problem.js'
import { findTenant } from '../tenants/tenant-repository.js'
import { findUserById } from '../users/user-repository.js'
import { closeInvitation, listInvitationsForUser, type PendingInvitationRow } from './invitation-repository.js'
import { myInvitationToApi } from './invitation-to-api.js'
import { insertMembership } from './member-repository.js'

const noSuchInvitation = () => problems.notFound('no such pending invitation for your account')

export interface Invitee {
  userId: string
  meta: AuditRequestMeta
}

/** Pending invitations of live tenants, with the name of the tenant that asks. */
export async function listMyInvitations(pool: DbPool, userId: string) {
  return inTransaction(pool, { userId, readOnly: true }, async (client) => {
    const items = []
    for (const row of await listInvitationsForUser(client, userId)) {
      await switchTenant(client, row.tenant_id)
      const tenant = await findTenant(client, row.tenant_id)
      if (tenant) items.push(myInvitationToApi(row, tenant))
    }
    return { items }
  })
}

async function findMine(pool: DbPool, userId: string, invitationId: string): Promise<PendingInvitationRow> {
  const [row] = await inTransaction(pool, { userId, readOnly: true }, (client) => listInvitationsForUser(client, userId, invitationId))
  if (!row) throw noSuchInvitation()
  return row
}

async function answerInTenant<T>(
  pool: DbPool,
  invitee: Invitee,
  invitation: PendingInvitationRow,
  work: (client: DbClient, user: { id: string; email: string }) => Promise<T>,
): Promise<T> {
  return withTenant(
    pool,
    invitation.tenant_id,
    async (client) => {
      const user = await findUserById(client, invitee.userId)
      if (!user || !(await findTenant(client, invitation.tenant_id))) throw noSuchInvitation()
      return work(client, user)
    },
    { userId: invitee.userId },
  )
}

/**
 * The membership an accepted invitation grants, and its `member.added` row, on the accepting
 * transaction (the invitation already closed there). Shared by both ways of accepting.
 */
export async function joinByInvitation(
  client: DbClient,
  joining: { tenantId: string; invitationId: string; role: TenantRole; user: { id: string; email: string }; meta: AuditRequestMeta },
): Promise<void> {
  await insertMembership(client, { tenantId: joining.tenantId, userId: joining.user.id, role: joining.role })
  await writeAudit(client, {
    tenantId: joining.tenantId,
    action: 'member.added',
    actor: { type: 'user', id: joining.user.id, name: joining.user.email },
    target: { type: 'user', id: joining.user.id, name: joining.user.email },
    request: joining.meta,
    metadata: { role: joining.role, via: 'invitation', invitationId: joining.invitationId },
  })
}

export async function acceptMyInvitation(pool: DbPool, invitee: Invitee, invitationId: string) {
  const invitation = await findMine(pool, invitee.userId, invitationId)
  try {
    return await answerInTenant(pool, invitee, invitation, async (client, user) => {
      const accepted = await closeInvitation(client, { tenantId: invitation.tenant_id, id: invitation.id, email: user.email }, 'accepted')
      if (!accepted) throw noSuchInvitation()
      await joinByInvitation(client, {
        tenantId: invitation.tenant_id,
        invitationId: accepted.id,
        role: accepted.role,
        user,
        meta: invitee.meta,
      })
      const tenant = (await findTenant(client, invitation.tenant_id))!
      return { tenantId: tenant.id, tenantSlug: tenant.slug, role: accepted.role }
    })
  } catch (error) {
    if (isUniqueViolation(error)) throw problems.conflict('you are already a member of this tenant')
    throw error
  }
}

export async function declineMyInvitation(pool: DbPool, invitee: Invitee, invitationId: string): Promise<void> {
  const invitation = await findMine(pool, invitee.userId, invitationId)
  await answerInTenant(pool, invitee, invitation, async (client, user) => {
    const declined = await closeInvitation(client, { tenantId: invitation.tenant_id, id: invitation.id, email: user.email }, 'declined')
    if (!declined) throw noSuchInvitation()
    await writeAudit(client, {
      tenantId: invitation.tenant_id,
      action: 'invitation.declined',
      actor: { type: 'user', id: user.id, name: user.email },
      target: { type: 'invitation', id: declined.id, name: declined.email },
      request: invitee.meta,
      metadata: { role: declined.role },
    })
  })
}
