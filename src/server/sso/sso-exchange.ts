/**
 * @module sso-exchange
 * The app's last step: the one-time code from its loopback redirect, with the PKCE verifier of
 * the challenge it started with, for a session. The code is single use (the attempt is removed as
 * it is taken), lives two minutes, is stored only hashed, and is bound to the app's S256
 * challenge: a wrong verifier is refused (`pkce`), and the code is gone all the same. A sign-in
 * that failed at the callback is answered here with its check. A success opens the product's own
 * session, as a password sign-in does, recording that it came from single sign-on: which issuer,
 * which tenant's provider (null for the platform's), and the provider's `amr`.
 */
import type { AuditRequestMeta } from '../audit/audit-writer.js'
import { openSession, type IssuedSession } from '../auth/auth-service.js'
import { constantTimeEqual, sha256 } from '../crypto/random-token.js'
import { inTransaction } from '../db/with-tenant.js'
import type { ServerDependencies } from '../http/operation-context.js'
import { findUserById } from '../users/user-repository.js'
import { takeAttemptByCode } from './sso-attempt-repository.js'
import { recordSsoFailure, ssoProblem } from './sso-failures.js'

/** The S256 challenge of a PKCE verifier (RFC 7636): base64url of its SHA-256. */
const s256 = (verifier: string): string => sha256(verifier).toString('base64url')

export async function exchangeSsoCode(
  deps: ServerDependencies,
  input: { code: string; codeVerifier: string },
  meta: AuditRequestMeta,
): Promise<IssuedSession> {
  const attempt = await takeAttemptByCode(deps.pools.app, input.code)
  if (!attempt) {
    const failure = { check: 'code' as const, reason: 'no completed sign-in has this one-time code' }
    await recordSsoFailure(deps, { tenantId: null, issuer: null }, failure, meta)
    throw ssoProblem(failure)
  }
  const provider = { tenantId: attempt.tenant_id, issuer: attempt.issuer }
  if (!constantTimeEqual(s256(input.codeVerifier), attempt.app_code_challenge)) {
    const failure = { check: 'pkce' as const, reason: 'the code verifier does not hash to the challenge the sign-in started with' }
    await recordSsoFailure(deps, provider, failure, meta, { userId: attempt.user_id, email: null })
    throw ssoProblem(failure)
  }
  if (attempt.failed_check !== null) throw ssoProblem({ check: attempt.failed_check, reason: attempt.failed_reason ?? '' })
  const user = await inTransaction(deps.pools.app, { readOnly: true }, (client) => findUserById(client, attempt.user_id!))
  if (!user || (attempt.tenant_id === null && !user.is_platform_admin)) {
    const failure = { check: 'account' as const, reason: 'the account was disabled, or lost its operator role, during the sign-in' }
    await recordSsoFailure(deps, provider, failure, meta, { userId: attempt.user_id, email: user?.email ?? null })
    throw ssoProblem(failure)
  }
  return openSession(deps, user, meta, {
    origin: { method: 'sso', sso: { issuer: attempt.issuer, tenantId: attempt.tenant_id, amr: attempt.amr ?? [] } },
  })
}
