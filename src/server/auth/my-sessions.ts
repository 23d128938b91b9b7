/**
 * @module my-sessions
 * A user's own sessions: list them (how each was opened, when, from where, last use), end one, or
 * end every other. Ending revokes the session's refresh-token family, so its access tokens are
 * refused on every instance within the revocation mechanism (migration 0008's triggers); each
 * ending is `auth.session_ended` in the user's tenants' logs. A session from a tenant's single
 * sign-on reaches that tenant only: it sees and ends only the sessions that tenant's provider
 * opened, and its events go into that tenant's log only.
 */
import { inTransaction } from '../db/with-tenant.js'
import { problems } from '../http/http-problem.js'
import type { DomainHandlers, UserPrincipal } from '../http/operation-context.js'
import { findUserById } from '../users/user-repository.js'
import { auditForUser } from './auth-service.js'
import { revokeRefreshFamily } from './refresh-token-repository.js'
import { listActiveUserSessions, originOfRow, userSessionToApi, type UserSessionRow } from './user-session-repository.js'

const scopeOf = (principal: UserPrincipal): string | null => principal.origin.sso?.tenantId ?? null

function endedMetadata(row: UserSessionRow, principal: UserPrincipal): Record<string, unknown> {
  const origin = originOfRow(row)
  return { sessionId: row.id, current: row.id === principal.sessionId, method: origin.method, issuer: origin.sso?.issuer ?? null }
}

export const mySessionHandlers = {
  async listMySessions({ deps, principal }) {
    const rows = await inTransaction(deps.pools.app, { userId: principal.userId, readOnly: true }, (client) =>
      listActiveUserSessions(client, principal.userId, scopeOf(principal)),
    )
    return { items: rows.map((row) => userSessionToApi(row, principal.sessionId)) }
  },

  async endMySession({ deps, principal, meta }, input) {
    await inTransaction(deps.pools.app, { userId: principal.userId }, async (client) => {
      const row = (await listActiveUserSessions(client, principal.userId, scopeOf(principal))).find(
        (session) => session.id === input.sessionId,
      )
      if (!row) throw problems.notFound('no such active session of yours')
      await revokeRefreshFamily(client, row.id, 'ended_by_user')
      const user = await findUserById(client, principal.userId)
      if (!user) throw problems.unauthorized('the account is no longer active')
      await auditForUser(
        client,
        user,
        { action: 'auth.session_ended', metadata: endedMetadata(row, principal) },
        meta,
        scopeOf(principal),
        { type: 'session', id: row.id },
      )
    })
    // Committed: this instance refuses the session's access tokens from the next request on (the others within a second).
    deps.sessionRevocations.forget([input.sessionId])
  },

  async endMyOtherSessions({ deps, principal, meta }) {
    const endedIds = await inTransaction(deps.pools.app, { userId: principal.userId }, async (client) => {
      const others = (await listActiveUserSessions(client, principal.userId, scopeOf(principal))).filter(
        (session) => session.id !== principal.sessionId,
      )
      const user = await findUserById(client, principal.userId)
      if (!user) throw problems.unauthorized('the account is no longer active')
      for (const row of others) {
        await revokeRefreshFamily(client, row.id, 'ended_by_user')
        await auditForUser(
          client,
          user,
          { action: 'auth.session_ended', metadata: endedMetadata(row, principal) },
          meta,
          scopeOf(principal),
          { type: 'session', id: row.id },
        )
      }
      return others.map((row) => row.id)
    })
    deps.sessionRevocations.forget(endedIds)
    return { endedSessions: endedIds.length }
  },
} satisfies DomainHandlers
