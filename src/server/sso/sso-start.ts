/**
 * @module sso-start
 * The first step of single sign-on (authorization code with PKCE, state and nonce). The app has
 * made its own PKCE pair and state and listens on a loopback redirect (RFC 8252); the server finds
 * the provider (a tenant by slug, a tenant by the email's domain, else the platform's by domain),
 * makes its own state, nonce and PKCE verifier towards the identity provider, keeps them with the
 * app's redirect, challenge and state in a single-use attempt (10 minutes, the state stored
 * hashed), and answers the address to open in the system browser.
 */
import { buildAuthorizationUrl, calculatePKCECodeChallenge, randomNonce, randomPKCECodeVerifier, randomState } from 'openid-client'
import { apiBasePath, type OperationInput } from '@shared/contract.js'
import type { AuditRequestMeta } from '../audit/audit-writer.js'
import { inTransaction, withTenant } from '../db/with-tenant.js'
import { problems } from '../http/http-problem.js'
import type { ServerDependencies } from '../http/operation-context.js'
import { IssuerDiscoveryError } from './oidc-clients.js'
import { findPlatformSso } from './platform-sso-repository.js'
import { attemptLifetimeMillis, insertAttempt } from './sso-attempt-repository.js'
import { findProvider } from './sso-directory.js'
import { recordSsoFailure, ssoProblem } from './sso-failures.js'
import { findTenantSso } from './tenant-sso-repository.js'

export const ssoCallbackPath = `${apiBasePath}/auth/sso/callback`

/** The redirect URI registered at identity providers: the callback under the public URL. */
export const ssoRedirectUri = (deps: Pick<ServerDependencies, 'publicUrl'>): string => `${deps.publicUrl()}${ssoCallbackPath}`

type StartInput = OperationInput<'ssoStart'> & { codeChallenge: string; redirectUri: string; state: string }

const noProvider = (input: { email?: string; tenant?: string }) =>
  problems.notFound(
    input.tenant !== undefined
      ? `the tenant ${input.tenant} has no single sign-on (or no such tenant)`
      : "no single sign-on is set up for this email's domain: sign in with a password",
  )

export async function startSso(
  deps: ServerDependencies,
  input: StartInput,
  meta: AuditRequestMeta,
): Promise<{ authorizationUrl: string; expiresAt: string }> {
  const found = await findProvider(deps.pools.app, input)
  if (!found) throw noProvider(input)
  const tenantId = found.kind === 'tenant' ? found.tenant.id : null
  const settings =
    tenantId !== null
      ? await withTenant(deps.pools.app, tenantId, (client) => findTenantSso(client, tenantId), { readOnly: true })
      : await inTransaction(deps.pools.app, { readOnly: true }, (client) => findPlatformSso(client))
  if (!settings) throw noProvider(input)

  let configuration
  try {
    configuration = await deps.oidc.configuration(settings.issuer, { clientId: settings.client_id, clientSecret: null })
  } catch (error) {
    if (!(error instanceof IssuerDiscoveryError)) throw error
    const failure = { check: 'configuration' as const, reason: `the identity provider ${settings.issuer} ${error.reason}` }
    await recordSsoFailure(deps, { tenantId, issuer: settings.issuer }, failure, meta)
    throw ssoProblem(failure, 502)
  }

  const state = randomState()
  const nonce = randomNonce()
  const pkceVerifier = randomPKCECodeVerifier()
  const expiresAt = new Date(Date.now() + attemptLifetimeMillis)
  await insertAttempt(deps.pools.app, {
    tenantId,
    issuer: settings.issuer,
    state,
    nonce,
    pkceVerifier,
    appRedirectUri: input.redirectUri,
    appCodeChallenge: input.codeChallenge,
    appState: input.state,
    expiresAt,
  })
  const authorizationUrl = buildAuthorizationUrl(configuration, {
    redirect_uri: ssoRedirectUri(deps),
    response_type: 'code',
    scope: 'openid email profile',
    code_challenge: await calculatePKCECodeChallenge(pkceVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(input.email !== undefined ? { login_hint: input.email } : {}),
  })
  return { authorizationUrl: authorizationUrl.href, expiresAt: expiresAt.toISOString() }
}
