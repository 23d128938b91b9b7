/**
 * @module auth-routes
 * Handlers of the Auth operations: cookies in and out, the rest in auth-service.
 */
import type { Request } from 'express'
import { inTransaction, withTenant } from '../db/with-tenant.js'
import { problems } from '../http/http-problem.js'
import type { DomainHandlers, ServerDependencies } from '../http/operation-context.js'
import { listUserMemberships } from '../members/member-repository.js'
import { findUserById } from '../users/user-repository.js'
import { acceptInvite, changePassword, login, logout, refresh, resolveRefreshSession, type ResolvedSession } from './auth-service.js'
import { clearSessionCookies, refreshCookieName, setSessionCookies } from './session-cookies.js'
import { cookieOf } from '../middleware/cookies.js'

export function sessionResolver(deps: ServerDependencies) {
  return (request: Request): Promise<ResolvedSession | null> => resolveRefreshSession(deps, cookieOf(request, refreshCookieName))
}

export const authHandlers = {
  async login({ deps, response, meta }, input) {
    const issued = await login(deps, input, meta)
    setSessionCookies(response, { refreshToken: issued.refreshToken, csrfToken: issued.csrfToken }, deps.tls)
    return issued.session
  },

  async acceptInvite({ deps, response, meta }, input) {
    const issued = await acceptInvite(deps, input, meta)
    setSessionCookies(response, { refreshToken: issued.refreshToken, csrfToken: issued.csrfToken }, deps.tls)
    return issued.session
  },

  async refresh({ deps, response, meta, session }) {
    try {
      const rotated = await refresh(deps, session, meta)
      setSessionCookies(response, { refreshToken: rotated.refreshToken, csrfToken: rotated.csrfToken }, deps.tls)
      return { accessToken: rotated.accessToken, expiresIn: rotated.expiresIn }
    } catch (error) {
      clearSessionCookies(response, deps.tls)
      throw error
    }
  },

  async logout({ deps, response, meta, session }) {
    await logout(deps, session, meta)
    clearSessionCookies(response, deps.tls)
  },

  async changePassword({ deps, principal, meta }, input) {
    await changePassword(deps, principal, input, meta)
  },

  async jwks({ deps }) {
    return deps.accessTokens.jwks() as never
  },

  async me({ deps, principal }) {
    if (principal.kind === 'api_key') {
      const live = await withTenant(
        deps.pools.app,
        principal.tenantId,
        async (client) =>
          (await client.query<{ live: boolean }>('SELECT tenant_is_live($1) AS live', [principal.tenantId])).rows[0]?.live === true,
        { readOnly: true },
      )
      if (!live) throw problems.notFound('the tenant of this API key was deleted')
      return { kind: 'api_key', keyId: principal.keyId, tenantId: principal.tenantId, scopes: principal.scopes }
    }
    return inTransaction(deps.pools.app, { userId: principal.userId, readOnly: true }, async (client) => {
      const user = await findUserById(client, principal.userId)
      if (!user) throw problems.unauthorized('the account is no longer active')
      // A session from a tenant's single sign-on reaches that tenant only, and shows no other.
      const scope = principal.origin.sso?.tenantId ?? null
      const memberships = (await listUserMemberships(client, user.id)).filter((row) => scope === null || row.tenant_id === scope)
      return {
        kind: 'user' as const,
        user: { id: user.id, email: user.email, isPlatformAdmin: user.is_platform_admin },
        memberships: memberships.map((row) => ({ tenantId: row.tenant_id, tenantSlug: row.tenant_slug, role: row.role })),
      }
    })
  },
} satisfies DomainHandlers
