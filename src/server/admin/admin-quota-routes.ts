/**
 * @module admin-quota-routes
 * Operator writes: setting a tenant's caps, resetting a tripped quota, revoking a user's
 * sessions. Each runs as limena_maintenance with an `operator.write` row (and the domain event:
 * ai.quota_changed, ai.quota_reset, session.revoked) in the same transaction as the change.
 */
import { switchTenant, writeAudit } from '../audit/audit-writer.js'
import { revokeUserRefreshFamilies } from '../auth/refresh-token-repository.js'
import { withMaintenance, withOperatorRead } from '../db/with-operator.js'
import { problems } from '../http/http-problem.js'
import type { DomainHandlers } from '../http/operation-context.js'
import { quotaAnswer } from '../quotas/quota-routes.js'
import { readQuota, resetWindow, setCaps } from '../quotas/quota-repository.js'
import { operatorCall } from './operator-access.js'

export const adminQuotaHandlers = {
  async adminSetQuotas(context, input) {
    const call = operatorCall(context)
    await withMaintenance(context.deps.pools, input.tenantId, async (client) => {
      const before = await readQuota(client, input.tenantId)
      if (!before) throw problems.notFound('no such tenant')
      await writeAudit(client, {
        tenantId: input.tenantId,
        action: 'operator.write',
        actor: call.actor,
        target: { type: 'ai_quota', id: input.tenantId, name: 'AI quota caps' },
        request: context.meta,
        reason: call.reason,
        metadata: { what: 'set AI quota caps' },
      })
      await setCaps(client, input.tenantId, input)
      const changes: Record<string, { before: unknown; after: unknown }> = {}
      if (before.velocity_per_hour !== input.velocityPerHour)
        changes.velocityPerHour = { before: before.velocity_per_hour, after: input.velocityPerHour }
      if (Number(before.monthly_token_ceiling) !== input.monthlyTokenCeiling)
        changes.monthlyTokenCeiling = { before: Number(before.monthly_token_ceiling), after: input.monthlyTokenCeiling }
      await writeAudit(client, {
        tenantId: input.tenantId,
        action: 'ai.quota_changed',
        actor: call.actor,
        target: { type: 'ai_quota', id: input.tenantId, name: 'AI quota caps' },
        request: context.meta,
        reason: call.reason,
        changes,
      })
    })
    return withOperatorRead(context.deps.pools, (client) => quotaAnswer(client, input.tenantId))
  },

  async adminResetQuota(context, input) {
    const call = operatorCall(context)
    await withMaintenance(context.deps.pools, input.tenantId, async (client) => {
      if (!(await readQuota(client, input.tenantId))) throw problems.notFound('no such tenant')
      await writeAudit(client, {
        tenantId: input.tenantId,
        action: 'operator.write',
        actor: call.actor,
        target: { type: 'ai_quota', id: input.tenantId, name: input.kind === 'velocity' ? 'velocity cap' : 'monthly token ceiling' },
        request: context.meta,
        reason: call.reason,
        metadata: { what: `reset ${input.kind} quota` },
      })
      const trips = await resetWindow(client, input.tenantId, input.kind, {
        id: call.actor.id!,
        name: call.actor.name,
        reason: call.reason,
      })
      await writeAudit(client, {
        tenantId: input.tenantId,
        action: 'ai.quota_reset',
        actor: call.actor,
        target: { type: 'ai_quota', id: input.tenantId, name: input.kind === 'velocity' ? 'velocity cap' : 'monthly token ceiling' },
        request: context.meta,
        reason: call.reason,
        metadata: { kind: input.kind, tripsCleared: trips },
      })
    })
    return withOperatorRead(context.deps.pools, (client) => quotaAnswer(client, input.tenantId))
  },

  async adminRevokeSessions(context, input) {
    const call = operatorCall(context)
    const { email, tenantIds } = await withOperatorRead(context.deps.pools, async (client) => {
      const user = (await client.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [input.userId])).rows[0]
      if (!user) throw problems.notFound('no such user')
      const memberships = (
        await client.query<{ tenant_id: string }>('SELECT tenant_id FROM memberships WHERE user_id = $1 ORDER BY tenant_id', [input.userId])
      ).rows
      return { email: user.email, tenantIds: memberships.map((row) => row.tenant_id) }
    })
    const revokedSessions = await withMaintenance(context.deps.pools, undefined, async (client) => {
      for (const tenantId of tenantIds) {
        await switchTenant(client, tenantId)
        await writeAudit(client, {
          tenantId,
          action: 'operator.write',
          actor: call.actor,
          target: { type: 'user', id: input.userId, name: email },
          request: context.meta,
          reason: call.reason,
          metadata: { what: 'revoke every session of a member' },
        })
      }
      const revoked = await revokeUserRefreshFamilies(client, input.userId, 'revoked_by_operator')
      for (const tenantId of tenantIds) {
        await switchTenant(client, tenantId)
        await writeAudit(client, {
          tenantId,
          action: 'session.revoked',
          actor: call.actor,
          target: { type: 'user', id: input.userId, name: email },
          request: context.meta,
          reason: call.reason,
          metadata: { sessions: revoked },
        })
      }
      return revoked
    })
    context.deps.log.info({ event: 'session.revoked', userId: input.userId, sessions: revokedSessions }, 'sessions revoked by an operator')
    return { revokedSessions }
  },
} satisfies DomainHandlers
