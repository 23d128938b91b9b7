/**
 * @module admin-tenant-routes
 * Operator views of tenants: the directory (every tenant with members, this month's tokens
 * against the ceiling, quota state), one tenant in detail, and creating a tenant with its first
 * owner's invitation. Reads are audited into each tenant shown; the creation is an
 * `operator.write`, made as limena_maintenance.
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
import type { OperationHandlers } from '../http/operation-router.js'
import { integrationToApi, listIntegrations } from '../integrations/integration-repository.js'
import { insertInvitation, invitationLifetimeMillis } from '../members/invitation-repository.js'
import { listMembers, memberToApi } from '../members/member-repository.js'
import { newInvitationToken } from '../members/member-service.js'
import { quotaState } from '../quotas/quota-explanation.js'
import { quotaAnswer } from '../quotas/quota-routes.js'
import { insertDefaultQuota, insertTenant, tenantToApi } from '../tenants/tenant-repository.js'
import { auditedOperatorRead, operatorCall } from './operator-access.js'

const directoryCursorScope = 'admin-tenants'

interface DirectoryRow {
  id: string
  name: string
  slug: string
  created_at: Date
  deleted_at: Date | null
  member_count: number
  velocity_per_hour: number | null
  monthly_token_ceiling: string | null
  hour_calls: number
  month_tokens: string
}

const directorySelect = `
  SELECT t.id, t.name, t.slug, t.created_at, t.deleted_at,
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
    memberCount: row.member_count,
    monthTokens,
    monthlyTokenCeiling: ceiling,
    hourCalls: row.hour_calls,
    velocityPerHour: velocity,
    state: quotaState(row.hour_calls, velocity, monthTokens, ceiling),
  }
}

async function directoryRows(client: DbClient, tenantIds: string[]): Promise<DirectoryRow[]> {
  const result = await client.query<DirectoryRow>(`${directorySelect} WHERE t.id = ANY($1::uuid[]) ORDER BY lower(t.name), t.id`, [tenantIds])
  return result.rows
}

export const adminTenantHandlers: OperationHandlers = {
  async adminListTenants(context, input) {
    const call = await operatorCall(context)
    const after = input.cursor ? decodeCursor(context.deps.cursorKey, directoryCursorScope, input.cursor) : null
    let hasMore = false
    const rows = await auditedOperatorRead(
      call,
      'tenant directory',
      async (client) => {
        const { bind, values } = parameterBinder()
        const conditions: string[] = []
        if (input.q) conditions.push(`(lower(t.name) LIKE ${bind(likePattern(input.q))} OR t.slug LIKE ${bind(likePattern(input.q))})`)
        if (after) conditions.push(`(lower(t.name), t.id) > (${bind(after.key)}, ${bind(after.id, 'uuid')})`)
        const result = await client.query<{ id: string }>(
          `SELECT t.id FROM tenants t ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY lower(t.name), t.id LIMIT ${bind(input.limit + 1, 'int')}`,
          values,
        )
        hasMore = result.rows.length > input.limit
        return result.rows.slice(0, input.limit).map((row) => row.id)
      },
      directoryRows,
    )
    const last = rows.at(-1)
    return {
      items: rows.map(directoryRowToApi),
      nextCursor: hasMore && last ? encodeCursor(context.deps.cursorKey, directoryCursorScope, { key: last.name.toLowerCase(), id: last.id }) : null,
    }
  },

  async adminGetTenant(context, input) {
    const call = await operatorCall(context)
    return auditedOperatorRead(
      call,
      'tenant detail: members, API keys, integrations, quotas',
      async (client) => (await client.query<{ id: string }>('SELECT id FROM tenants WHERE id = $1', [input.tenantId])).rows.map((row) => row.id),
      async (client, tenantIds) => {
        if (tenantIds.length === 0) throw problems.notFound('no such tenant')
        const [row] = await directoryRows(client, tenantIds)
        return {
          tenant: directoryRowToApi(row!),
          members: (await listMembers(client, input.tenantId)).map(memberToApi),
          apiKeys: (await listApiKeys(client, input.tenantId)).map((key) => ({
            id: key.id,
            name: key.name,
            prefix: key.prefix,
            scopes: key.scopes as never,
            createdAt: key.created_at.toISOString(),
            lastUsedAt: key.last_used_at?.toISOString() ?? null,
          })),
          integrations: (await listIntegrations(client, input.tenantId)).map(integrationToApi),
          quotas: await quotaAnswer(client, input.tenantId),
        }
      },
    )
  },

  async adminCreateTenant(context, input) {
    const call = await operatorCall(context)
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
      context.response.setHeader('Cache-Control', 'no-store')
      return { tenant: tenantToApi(result.tenant), inviteToken: invitation.token, expiresAt: result.expiresAt.toISOString() }
    } catch (error) {
      if (isUniqueViolation(error)) throw problems.conflict('that slug is already taken')
      throw error
    }
  },
}
