/**
 * @module admin-tenant-routes
 * Operator views of tenants: the directory (every tenant with members, this month's tokens
 * against the ceiling, quota state), one tenant in detail, and creating a tenant with its first
 * owner's invitation. The directory is a read about the platform, recorded once in the platform
 * audit log; the detail is a read of that tenant's content, recorded in its own log; the creation
 * is an `operator.write`, made as limena_maintenance.
 */
import { randomUUID } from 'node:crypto'
import { listApiKeys } from '../api-keys/api-key-repository.js'
import { writeAudit } from '../audit/audit-writer.js'
import { decodeCursor, encodeCursor } from '../audit/pagination-cursor.js'
import { likePattern, parameterBinder } from '../audit/audit-query.js'
import { isUniqueViolation } from '../db/pg-errors.js'
import type { DbClient } from '../db/pools.js'
import { withMaintenance } from '../db/with-operator.js'
import { problems } from '../http/http-problem.js'
import type { DomainHandlers } from '../http/operation-context.js'
import { integrationToApi, listIntegrations } from '../integrations/integration-repository.js'
import { insertInvitation, invitationLifetimeMillis } from '../members/invitation-repository.js'
import { listMembers, memberToApi } from '../members/member-repository.js'
import { newInvitationToken } from '../members/member-service.js'
import { quotaState } from '../quotas/quota-explanation.js'
import { quotaAnswer } from '../quotas/quota-routes.js'
import { insertDefaultQuota, insertTenant, tenantToApi } from '../tenants/tenant-repository.js'
import { auditedOperatorRead, operatorCall, platformOperatorRead, platformResult, readResult } from './operator-access.js'
import { apiKeySummary } from '../api-keys/api-key-routes.js'

const directoryCursorScope = 'admin-tenants'

interface DirectoryRow {
  id: string
  name: string
  slug: string
  created_at: Date
  deleted_at: Date | null
  suspended_at: Date | null
  member_count: number
  velocity_per_hour: number | null
  monthly_token_ceiling: string | null
  hour_calls: number
  month_tokens: string
}

const directorySelect = `
  SELECT t.id, t.name, t.slug, t.created_at, t.deleted_at, t.suspended_at,
         (SELECT count(*)::int FROM memberships m WHERE m.tenant_id = t.id) AS member_count,
         q.velocity_per_hour, q.monthly_token_ceiling,
         coalesce(CASE WHEN q.hour_window_start = date_trunc('hour', now(), 'UTC') THEN q.hour_calls END, 0) AS hour_calls,
         coalesce(CASE WHEN q.month_window_start = date_trunc('month', now(), 'UTC') THEN q.month_tokens END, 0) AS month_tokens
    FROM tenants t LEFT JOIN ai_quotas q ON q.tenant_id = t.id`

export function directoryRowToApi(row: DirectoryRow) {
  const velocity = row.velocity_per_hour ?? 500
  const ceiling = Number(row.monthly_token_ceiling ?? 20_000_000)
  const monthTokens = Number(row.month_tokens)
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    createdAt: row.created_at.toISOString(),
    deletedAt: row.deleted_at?.toISOString() ?? null,
    suspendedAt: row.suspended_at?.toISOString() ?? null,
    memberCount: row.member_count,
    monthTokens,
    monthlyTokenCeiling: ceiling,
    hourCalls: row.hour_calls,
    velocityPerHour: velocity,
    state: quotaState(row.hour_calls, velocity, monthTokens, ceiling),
  }
}

async function directoryRows(
  client: DbClient,
  where: { tenantId?: string; q?: string; after?: { key: string; id: string } | null },
  limit: number,
): Promise<DirectoryRow[]> {
  const { bind, values } = parameterBinder()
  const conditions: string[] = []
  if (where.tenantId) conditions.push(`t.id = ${bind(where.tenantId, 'uuid')}`)
  if (where.q) conditions.push(`(lower(t.name) LIKE ${bind(likePattern(where.q))} OR t.slug LIKE ${bind(likePattern(where.q))})`)
  if (where.after) conditions.push(`(lower(t.name), t.id) > (${bind(where.after.key)}, ${bind(where.after.id, 'uuid')})`)
  const result = await client.query<DirectoryRow>(
    `${directorySelect} ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY lower(t.name), t.id LIMIT ${bind(limit, 'int')}`,
    values,
  )
  return result.rows
}

/** One tenant's directory entry, deleted or not (an operator's own write reads back what it changed). */
export async function adminTenantSummary(client: DbClient, tenantId: string) {
  const [row] = await directoryRows(client, { tenantId }, 1)
  if (!row) throw problems.notFound('no such tenant')
  return directoryRowToApi(row)
}

export const adminTenantHandlers = {
  async adminListTenants(context, input) {
    const call = operatorCall(context)
    const after = input.cursor ? decodeCursor(context.deps.cursorKey, directoryCursorScope, input.cursor) : null
    const rows = await platformOperatorRead(call, 'platform.directory_read', 'tenant directory', async (client) =>
      platformResult(await directoryRows(client, { q: input.q, after }, input.limit + 1)),
    )
    const page = rows.slice(0, input.limit)
    const last = page.at(-1)
    return {
      items: page.map(directoryRowToApi),
      nextCursor:
        rows.length > input.limit && last
          ? encodeCursor(context.deps.cursorKey, directoryCursorScope, { key: last.name.toLowerCase(), id: last.id })
          : null,
    }
  },

  async adminGetTenant(context, input) {
    const call = operatorCall(context)
    return auditedOperatorRead(call, 'tenant detail: members, API keys, integrations, quotas', async (client) => {
      const [row] = await directoryRows(client, { tenantId: input.tenantId }, 1)
      if (!row) throw problems.notFound('no such tenant')
      const detail = {
        tenant: directoryRowToApi(row),
        members: (await listMembers(client, input.tenantId)).map(memberToApi),
        apiKeys: (await listApiKeys(client, input.tenantId)).map(apiKeySummary),
        integrations: (await listIntegrations(client, input.tenantId)).map(integrationToApi),
        quotas: await quotaAnswer(client, input.tenantId),
      }
      return readResult(detail, [row.id])
    })
  },

  async adminCreateTenant(context, input) {
    const call = operatorCall(context)
    const tenantId = randomUUID()
    const invitation = newInvitationToken()
    try {
      // One transaction: the tenant, its operator.write and tenant.created rows, and the invitation.
      const result = await withMaintenance(context.deps.pools, tenantId, async (client) => {
        const tenant = await insertTenant(client, { id: tenantId, name: input.name, slug: input.slug })
        await insertDefaultQuota(client, tenantId)
        await writeAudit(client, {
          tenantId,
          action: 'operator.write',
          actor: call.actor,
          target: { type: 'tenant', id: tenantId, name: tenant.name },
          request: context.meta,
          reason: call.reason,
          metadata: { what: 'create tenant with owner invitation', ownerEmail: input.ownerEmail },
        })
        await writeAudit(client, {
          tenantId,
          action: 'tenant.created',
          actor: call.actor,
          target: { type: 'tenant', id: tenantId, name: tenant.name },
          request: context.meta,
          reason: call.reason,
          metadata: { slug: tenant.slug },
        })
        const row = await insertInvitation(client, {
          tenantId,
          email: input.ownerEmail,
          role: 'owner',
          tokenHash: invitation.hash,
          invitedBy: call.actor.id,
          expiresAt: new Date(Date.now() + invitationLifetimeMillis),
        })
        await writeAudit(client, {
          tenantId,
          action: 'member.invited',
          actor: call.actor,
          target: { type: 'invitation', id: row.id, name: input.ownerEmail },
          request: context.meta,
          reason: call.reason,
          metadata: { role: 'owner', expiresAt: row.expires_at.toISOString() },
        })
        return { tenant, expiresAt: row.expires_at }
      })
      return { tenant: tenantToApi(result.tenant), inviteToken: invitation.token, expiresAt: result.expiresAt.toISOString() }
    } catch (error) {
      if (isUniqueViolation(error)) throw problems.conflict('that slug is already taken')
      throw error
    }
  },
} satisfies DomainHandlers
