/**
 * @module sso-routes
 * Handlers of the single sign-on flow: discover, start, the identity provider's callback (a 303 to
 * the app's loopback redirect), and the app's exchange of its one-time code for a session (the same
 * answer and cookies as a password sign-in).
 */
import { setSessionCookies } from '../auth/session-cookies.js'
import { inTransaction } from '../db/with-tenant.js'
import { problems } from '../http/http-problem.js'
import type { DomainHandlers } from '../http/operation-context.js'
import { findPlatformSso } from './platform-sso-repository.js'
import { completeSsoCallback } from './sso-callback.js'
import { findProvider } from './sso-directory.js'
import { exchangeSsoCode } from './sso-exchange.js'
import { startSso } from './sso-start.js'

export const ssoHandlers = {
  async ssoDiscover({ deps }, input) {
    const found = await findProvider(deps.pools.app, input)
    if (found?.kind === 'tenant') return { provider: 'tenant' as const, issuer: found.issuer, tenant: found.tenant }
    const platform = found ? await inTransaction(deps.pools.app, { readOnly: true }, (client) => findPlatformSso(client)) : null
    if (!platform) throw problems.notFound('no single sign-on is set up for this email or tenant')
    return { provider: 'platform' as const, issuer: platform.issuer, tenant: null }
  },

  async ssoStart({ deps, meta }, input) {
    return startSso(deps, input, meta)
  },

  async ssoCallback({ deps, request, response, meta }, input) {
    const queryStart = request.originalUrl.indexOf('?')
    const location = await completeSsoCallback(deps, input.state, queryStart === -1 ? '' : request.originalUrl.slice(queryStart), meta)
    response.status(303).setHeader('Location', location)
    response.end()
  },

  async ssoExchange({ deps, response, meta }, input) {
    const issued = await exchangeSsoCode(deps, input, meta)
    setSessionCookies(response, { refreshToken: issued.refreshToken, csrfToken: issued.csrfToken }, deps.tls)
    return issued.session
  },
} satisfies DomainHandlers
