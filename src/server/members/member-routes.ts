/**
 * @module member-routes
 * Handlers of the member operations.
 */
import { resolveActor } from '../audit/actor.js'
import { problems } from '../http/http-problem.js'
import type { OperationContext, OperationHandlers } from '../http/operation-router.js'
import { listMembers, memberToApi } from './member-repository.js'
import { changeMemberRole, inviteOrAddMember, removeMember, type MemberChangeContext } from './member-service.js'

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

export const memberHandlers: OperationHandlers = {
  async listMembers({ tenant }) {
    if (!tenant) throw problems.notFound()
    return { items: (await listMembers(tenant.client, tenant.id)).map(memberToApi) }
  },

  async addMember(context, input) {
    context.response.setHeader('Cache-Control', 'no-store')
    return inviteOrAddMember(await changeContext(context), { email: input.email, role: input.role })
  },

  async updateMember(context, input) {
    return changeMemberRole(await changeContext(context), input.userId, input.role)
  },

  async removeMember(context, input) {
    await removeMember(await changeContext(context), input.userId)
  },
}
