/**
 * @module member-routes
 * Handlers of the member and invitation operations: a tenant's side (invite, list and revoke
 * invitations, change roles, remove, leave) and the invited person's (list, accept, decline).
 */
import { resolveActor } from '../audit/actor.js'
import { problems } from '../http/http-problem.js'
import type { OperationContext, OperationHandlers } from '../http/operation-router.js'
import { listPendingInvitations } from './invitation-repository.js'
import { invitationToApi } from './invitation-to-api.js'
import { listMembers, memberToApi } from './member-repository.js'
import { changeMemberRole, inviteMember, removeMember, revokeInvitation, type MemberChangeContext } from './member-service.js'
import { acceptMyInvitation, declineMyInvitation, listMyInvitations } from './my-invitations.js'

async function changeContext(context: OperationContext): Promise<MemberChangeContext> {
  const { tenant, principal, meta } = context
  if (!tenant) throw problems.notFound()
  return {
    client: tenant.client,
    tenantId: tenant.id,
    actorRole: tenant.role ?? 'admin',
    actor: await resolveActor(tenant.client, principal),
    meta,
    invitedBy: principal.kind === 'user' ? principal.userId : null,
  }
}

function signedInUser(context: OperationContext): string {
  if (context.principal.kind !== 'user') throw problems.unauthorized()
  return context.principal.userId
}

export const memberHandlers: OperationHandlers = {
  async listMembers({ tenant }) {
    if (!tenant) throw problems.notFound()
    return { items: (await listMembers(tenant.client, tenant.id)).map(memberToApi) }
  },

  async addMember(context, input) {
    context.response.setHeader('Cache-Control', 'no-store')
    return inviteMember(await changeContext(context), { email: input.email, role: input.role })
  },

  async listInvitations({ tenant }) {
    if (!tenant) throw problems.notFound()
    return { items: (await listPendingInvitations(tenant.client, tenant.id)).map(invitationToApi) }
  },

  async revokeInvitation(context, input) {
    await revokeInvitation(await changeContext(context), input.invitationId)
  },

  async updateMember(context, input) {
    return changeMemberRole(await changeContext(context), input.userId, input.role)
  },

  async removeMember(context, input) {
    await removeMember(await changeContext(context), input.userId)
  },

  async leaveTenant(context) {
    await removeMember(await changeContext(context), signedInUser(context), { leaving: true })
  },

  async listMyInvitations(context) {
    return listMyInvitations(context.deps.pools.app, signedInUser(context))
  },

  async acceptMyInvitation(context, input) {
    return acceptMyInvitation(context.deps.pools.app, { userId: signedInUser(context), meta: context.meta }, input.invitationId)
  },

  async declineMyInvitation(context, input) {
    await declineMyInvitation(context.deps.pools.app, { userId: signedInUser(context), meta: context.meta }, input.invitationId)
  },
}
