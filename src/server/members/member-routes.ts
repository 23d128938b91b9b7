/**
 * @module member-routes
 * Handlers of the member and invitation operations: a tenant's side (invite, list and revoke
 * invitations, change roles, remove, leave) and the invited person's (list, accept, decline).
 */
import { resolveActor } from '../audit/actor.js'
import { problems } from '../http/http-problem.js'
import type { DomainHandlers, TenantContext } from '../http/operation-context.js'
import { listPendingInvitations } from './invitation-repository.js'
import { invitationToApi } from './invitation-to-api.js'
import { listMembers, memberToApi } from './member-repository.js'
import {
  changeMemberRole,
  inviteMember,
  removeMember,
  resendInvitation,
  revokeInvitation,
  type MemberChangeContext,
} from './member-service.js'
import { acceptMyInvitation, declineMyInvitation, listMyInvitations } from './my-invitations.js'

async function changeContext(context: TenantContext): Promise<MemberChangeContext> {
  const { tenant, principal, meta } = context
  return {
    client: tenant.client,
    tenantId: tenant.id,
    actorRole: tenant.role ?? 'admin',
    actor: await resolveActor(tenant.client, principal),
    meta,
    invitedBy: principal.kind === 'user' ? principal.userId : null,
  }
}

/** Leaving is a person's act: the permission matrix gives API keys no scope for it. */
function leavingUser(context: TenantContext): string {
  if (context.principal.kind !== 'user') throw problems.forbidden('an API key cannot leave a tenant')
  return context.principal.userId
}

export const memberHandlers = {
  async listMembers({ tenant }) {
    return { items: (await listMembers(tenant.client, tenant.id)).map(memberToApi) }
  },

  async addMember(context, input) {
    return inviteMember(await changeContext(context), { email: input.email, role: input.role })
  },

  async listInvitations({ tenant }) {
    return { items: (await listPendingInvitations(tenant.client, tenant.id)).map(invitationToApi) }
  },

  async revokeInvitation(context, input) {
    await revokeInvitation(await changeContext(context), input.invitationId)
  },

  async resendInvitation(context, input) {
    return resendInvitation(await changeContext(context), input.invitationId)
  },

  async updateMember(context, input) {
    return changeMemberRole(await changeContext(context), input.userId, input.role)
  },

  async removeMember(context, input) {
    await removeMember(await changeContext(context), input.userId)
  },

  async leaveTenant(context) {
    await removeMember(await changeContext(context), leavingUser(context), { leaving: true })
  },

  async listMyInvitations(context) {
    return listMyInvitations(context.deps.pools.app, context.principal.userId)
  },

  async acceptMyInvitation(context, input) {
    return acceptMyInvitation(context.deps.pools.app, { userId: context.principal.userId, meta: context.meta }, input.invitationId)
  },

  async declineMyInvitation(context, input) {
    await declineMyInvitation(context.deps.pools.app, { userId: context.principal.userId, meta: context.meta }, input.invitationId)
  },
} satisfies DomainHandlers
