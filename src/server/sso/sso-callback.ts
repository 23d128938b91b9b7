/**
 * @module sso-callback
 * Where the identity provider sends the browser back. An unknown, used or expired state is
 * answered here (400, `check: 'state'`): there is no sign-in to report it to. Otherwise the
 * attempt is taken (once) and the sign-in completed: the code is exchanged with openid-client
 * (PKCE verifier, expected nonce and state, an ID token required), which checks the ID token's
 * issuer, audience, signature (the provider's published keys), expiry and nonce; then
 * `email_verified` must be true, the email's domain allowed, and the account rule pass. Success
 * or failure, the browser goes on (303) to the app's loopback redirect with a one-time code and
 * the app's own state; the outcome waits on the attempt for the app's exchange, so the app always
 * learns it through one typed call. Each failure is audited where it happened.
 */
import { authorizationCodeGrant } from 'openid-client'
import { emailSchema } from '@shared/contract.js'
import type { AuditRequestMeta } from '../audit/audit-writer.js'
import { randomToken } from '../crypto/random-token.js'
import type { ServerDependencies } from '../http/operation-context.js'
import { IssuerDiscoveryError } from './oidc-clients.js'
import { ssoFailureOf, type SsoFailure } from './oidc-errors.js'
import { domainAllowed, platformProviderSettings, tenantProviderSettings } from './provider-settings.js'
import { resolveAccount } from './sso-account.js'
import { recordOutcome, takeAttemptByState, type SsoAttemptRow } from './sso-attempt-repository.js'
import { emailDomainOf } from './sso-directory.js'
import { recordSsoFailure, ssoProblem } from './sso-failures.js'
import { ssoRedirectUri } from './sso-start.js'

type Outcome = { userId: string; amr: string[] } | { failure: SsoFailure; person: { userId: string | null; email: string | null } }

const failed = (check: SsoFailure['check'], reason: string, person = { userId: null as string | null, email: null as string | null }) => ({
  failure: { check, reason },
  person,
})

async function verifySignIn(
  deps: ServerDependencies,
  attempt: SsoAttemptRow,
  state: string,
  query: string,
  meta: AuditRequestMeta,
): Promise<Outcome> {
  const provider = attempt.tenant_id !== null ? await tenantProviderSettings(deps, attempt.tenant_id) : await platformProviderSettings(deps)
  if (!provider || provider.issuer !== attempt.issuer)
    return failed('configuration', 'the single sign-on was removed or given another issuer while this sign-in was under way')
  let tokens
  try {
    const configuration = await deps.oidc.configuration(provider.issuer, {
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
    })
    tokens = await authorizationCodeGrant(configuration, new URL(`${ssoRedirectUri(deps)}${query}`), {
      pkceCodeVerifier: attempt.pkce_verifier,
      expectedNonce: attempt.nonce,
      expectedState: state,
      idTokenExpected: true,
    })
    deps.oidc.keepKeys(provider.issuer, configuration)
  } catch (error) {
    if (error instanceof IssuerDiscoveryError) return failed('configuration', `the identity provider ${provider.issuer} ${error.reason}`)
    const failure = ssoFailureOf(error)
    return failed(failure.check, failure.reason)
  }
  const claims = tokens.claims()
  if (!claims) return failed('signature', 'the identity provider sent no ID token')
  const parsedEmail = emailSchema.safeParse(claims.email)
  const email = parsedEmail.success ? parsedEmail.data : null
  const person = { userId: null, email }
  if (claims.email_verified !== true)
    return failed('email_verified', `the ID token says email_verified: ${JSON.stringify(claims.email_verified ?? null)}`, person)
  if (email === null) return failed('email_verified', 'the ID token carries no usable email address', person)
  if (!(await domainAllowed(deps, attempt.tenant_id, emailDomainOf(email))))
    return failed('domain', `${emailDomainOf(email)} is not among the domains allowed for this single sign-on`, person)
  const account = await resolveAccount(deps, provider, { issuer: provider.issuer, subject: claims.sub, email }, meta)
  if (!account.ok) return { failure: account.failure, person: { userId: account.userId, email } }
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((value): value is string => typeof value === 'string').slice(0, 20) : []
  return { userId: account.userId, amr }
}

/** Completes the sign-in the callback names; returns where to send the browser (the app's loopback redirect). */
export async function completeSsoCallback(
  deps: ServerDependencies,
  state: string | undefined,
  query: string,
  meta: AuditRequestMeta,
): Promise<string> {
  const attempt = state ? await takeAttemptByState(deps.pools.app, state) : null
  if (!state || !attempt) {
    const failure = { check: 'state' as const, reason: state ? 'no sign-in under way has this state' : 'the request carries no state' }
    await recordSsoFailure(deps, { tenantId: null, issuer: null }, failure, meta)
    throw ssoProblem(failure, 400)
  }
  const outcome = await verifySignIn(deps, attempt, state, query, meta)
  if ('failure' in outcome)
    await recordSsoFailure(deps, { tenantId: attempt.tenant_id, issuer: attempt.issuer }, outcome.failure, meta, outcome.person)
  const code = randomToken(32)
  await recordOutcome(deps.pools.app, state, {
    code,
    userId: 'failure' in outcome ? null : outcome.userId,
    amr: 'failure' in outcome ? null : outcome.amr,
    failure: 'failure' in outcome ? outcome.failure : null,
  })
  const location = new URL(attempt.app_redirect_uri)
  location.searchParams.set('code', code)
  location.searchParams.set('state', attempt.app_state)
  return location.href
}
