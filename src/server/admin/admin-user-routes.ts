/**
 * @module admin-user-routes
 * Operators find a person by email across tenants, with their memberships. Looking a person up
 * is itself recorded (one platform audit row naming the search), and the memberships shown are
 * tenants' content: each tenant named gets its `operator.read` row, as every other read of
 * tenant content does, before anything is shown.
 */
import { likePattern } from '../audit/audit-query.js'
import { switchTenant, writeAudit } from '../audit/audit-writer.js'
import { revokeRefreshFamily } from '../auth/refresh-token-repository.js'
import { listActiveUserSessions, userSessionToApi } from '../auth/user-session-repository.js'
import type { DbClient } from '../db/pools.js'
import { withMaintenance, withOperatorRead } from '../db/with-operator.js'
import { problems } from '../http/http-problem.js'
import type { DomainHandlers } from '../http/operation-context.js'
import {
  auditedOperatorRead,
  operatorCall,
  platformOperatorRead,
  platformResult,
  readResult,
  recordPlatformRead,
} from './operator-access.js'

async function personOf(client: DbClient, userId: string): Promise<{ id: string; email: string; tenantIds: string[] }> {
  const user = (await client.query<{ email: string }>('SELECT email FROM users WHERE id = $1', [userId])).rows[0]
  if (!user) throw problems.notFound('no such person')
  const tenants = await client.query<{ tenant_id: string }>('SELECT tenant_id FROM memberships WHERE user_id = $1 ORDER BY tenant_id', [
    userId,
  ])
  return { id: userId, email: user.email, tenantIds: tenants.rows.map((row) => row.tenant_id) }
}

interface UserRow {
  id: string
  email: string
  is_platform_admin: boolean
  created_at: Date
  disabled_at: Date | null
  memberships: Array<{ tenantId: string; tenantName: string; tenantSlug: string; role: 'owner' | 'admin' | 'member' | 'viewer' }>
}

export const adminUserHandlers = {
  async adminFindUsers(context, input) {
    const call = operatorCall(context)
    return auditedOperatorRead(call, 'people and their memberships', async (client) => {
      const rows = (
        await client.query<UserRow>(
          `SELECT u.id, u.email, u.is_platform_admin, u.created_at, u.disabled_at,
                  coalesce(json_agg(json_build_object('tenantId', t.id, 'tenantName', t.name, 'tenantSlug', t.slug, 'role', m.role)
                                    ORDER BY lower(t.name)) FILTER (WHERE t.id IS NOT NULL), '[]') AS memberships
             FROM users u
             LEFT JOIN memberships m ON m.user_id = u.id
             LEFT JOIN tenants t ON t.id = m.tenant_id AND t.deleted_at IS NULL
            WHERE u.email LIKE $1
            GROUP BY u.id
            ORDER BY u.email
            LIMIT $2`,
          [likePattern(input.email), input.limit],
        )
      ).rows
      await recordPlatformRead(call, 'platform.user_search', 'people by email', { email: input.email, found: rows.length })
      const items = rows.map((row) => ({
        id: row.id,
        email: row.email,
        isPlatformAdmin: row.is_platform_admin,
        createdAt: row.created_at.toISOString(),
        disabledAt: row.disabled_at?.toISOString() ?? null,
        memberships: row.memberships,
      }))
      return readResult(
        { items },
        items.flatMap((item) => item.memberships.map((membership) => membership.tenantId)),
      )
    })
  },

  async adminListUserSessions(context, input) {
    const call = operatorCall(context)
    return platformOperatorRead(call, 'platform.user_sessions_read', "a person's sessions", async (client) => {
      const person = await personOf(client, input.userId)
      const rows = await listActiveUserSessions(client, input.userId, null)
      return {
        ...platformResult({ user: { id: person.id, email: person.email }, items: rows.map((row) => userSessionToApi(row, '')) }),
        metadata: { userId: person.id, sessions: rows.length },
      }
    })
  },

  async adminEndUserSession(context, input) {
    const call = operatorCall(context)
    const person = await withOperatorRead(context.deps.pools, async (client) => {
      const found = await personOf(client, input.userId)
      const active = await listActiveUserSessions(client, input.userId, null)
      if (!active.some((row) => row.id === input.sessionId)) throw problems.notFound('no such active session of this person')
      return found
    })
    const target = { type: 'user', id: person.id, name: person.email }
    await withMaintenance(context.deps.pools, undefined, async (client) => {
      for (const tenantId of person.tenantIds) {
        await switchTenant(client, tenantId)
        await writeAudit(client, {
          tenantId,
          action: 'operator.write',
          actor: call.actor,
          target,
          request: context.meta,
          reason: call.reason,
          metadata: { what: 'end one session of a member', sessionId: input.sessionId },
        })
      }
      await revokeRefreshFamily(client, input.sessionId, 'revoked_by_operator')
      for (const tenantId of person.tenantIds) {
        await switchTenant(client, tenantId)
        await writeAudit(client, {
          tenantId,
          action: 'session.revoked',
          actor: call.actor,
          target,
          request: context.meta,
          reason: call.reason,
          metadata: { sessions: 1, sessionId: input.sessionId },
        })
      }
    })
    // Committed: this instance refuses the session from its next request (the others within a second).
    context.deps.sessionRevocations.forget([input.sessionId])
    context.deps.log.info({ event: 'session.revoked', userId: person.id, sessionId: input.sessionId }, 'one session ended by an operator')
  },
} satisfies DomainHandlers
