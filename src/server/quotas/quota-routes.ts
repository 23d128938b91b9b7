/**
 * @module quota-routes
 * A tenant's quota answer, and recording AI calls. A refused call first records the trip (and
 * `ai.quota_tripped`, once per window) and commits, then answers 429 with
 * the fail-soft body: {state, resetsAt, message}.
 */
import { problemTypes } from '@shared/problem.js'
import { resolveActor } from '../audit/actor.js'
import { writeAudit } from '../audit/audit-writer.js'
import type { DbClient } from '../db/pools.js'
import { CommitThenReject } from '../db/with-tenant.js'
import { HttpProblem, problems } from '../http/http-problem.js'
import type { DomainHandlers } from '../http/operation-context.js'
import { explainQuota } from './quota-explanation.js'
import { ensureQuotaRow, listTrips, readQuota, recentTokensPerDay, recordCall, recordTrip } from './quota-repository.js'

export async function quotaAnswer(client: DbClient, tenantId: string) {
  let row = await readQuota(client, tenantId)
  if (!row) {
    await ensureQuotaRow(client, tenantId).catch(() => undefined)
    row = await readQuota(client, tenantId)
  }
  if (!row) throw problems.notFound('this tenant has no quota')
  return explainQuota(row, await listTrips(client, tenantId), await recentTokensPerDay(client, tenantId))
}

export const quotaHandlers = {
  async getQuotas({ tenant }) {
    return quotaAnswer(tenant.client, tenant.id)
  },

  async recordAiUsage({ tenant, principal, meta }, input) {
    let counted = await recordCall(tenant.client, tenant.id, input.tokens)
    if (!counted && !(await readQuota(tenant.client, tenant.id))) {
      await ensureQuotaRow(tenant.client, tenant.id)
      counted = await recordCall(tenant.client, tenant.id, input.tokens)
    }
    if (counted) {
      return {
        state: 'ok' as const,
        hour: { calls: counted.hour_calls, limit: counted.velocity_per_hour },
        month: { tokens: Number(counted.month_tokens), ceiling: Number(counted.monthly_token_ceiling) },
      }
    }
    const quota = explainQuota((await readQuota(tenant.client, tenant.id))!, [], 0)
    const over = Number(quota.month.tokens) + input.tokens > quota.monthlyTokenCeiling
    const state = over ? 'ceiling_reached' : 'velocity_capped'
    const resetsAt = over ? quota.month.resetsAt : quota.hour.resetsAt
    const message = over
      ? `This workspace has used its ${quota.monthlyTokenCeiling.toLocaleString('en')} AI tokens for the month; AI features pause until ${resetsAt.slice(0, 10)}.`
      : `This workspace made its ${quota.velocityPerHour} AI calls for this hour; AI features resume at ${resetsAt.slice(11, 16)} UTC.`
    // On this transaction's own connection: a second one per refusal would exhaust the pool under a burst.
    const client = tenant.client
    {
      const trip = await recordTrip(client, tenant.id, over ? 'monthly_ceiling' : 'velocity')
      if (trip) {
        await writeAudit(client, {
          tenantId: tenant.id,
          action: 'ai.quota_tripped',
          actor: await resolveActor(client, principal),
          target: { type: 'ai_quota', id: tenant.id, name: trip.kind === 'velocity' ? 'velocity cap' : 'monthly token ceiling' },
          request: meta,
          metadata: { kind: trip.kind, resetsAt, tokensRequested: input.tokens, model: input.model ?? null },
        })
      }
    }
    throw new CommitThenReject(
      new HttpProblem(
        { type: problemTypes.rateLimited, title: 'AI quota reached', status: 429, detail: message, state, resetsAt, message },
        { 'Retry-After': String(Math.max(1, Math.ceil((Date.parse(resetsAt) - Date.now()) / 1000))) },
      ),
    )
  },
} satisfies DomainHandlers
