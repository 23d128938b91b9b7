/**
 * @module sso-failures
 * A refused single sign-on: the problem its caller gets (`urn:limena:problem:sso-failed` with the
 * check that failed, and a detail a support engineer understands), and its audit row. A tenant's
 * provider writes `auth.sso_failed` into that tenant's log; the platform's provider, and an attempt
 * that names no known sign-in (an unknown state or one-time code), write `platform.sso_failed`
 * into the platform audit log. Rows hold the check, the reason and the issuer: never a token, a
 * code or a secret.
 */
import type { SsoCheck } from '@shared/problem.js'
import { writeAudit, type AuditRequestMeta } from '../audit/audit-writer.js'
import { writePlatformAudit } from '../audit/platform-audit-writer.js'
import type { DbPool } from '../db/pools.js'
import { inTransaction, withTenant } from '../db/with-tenant.js'
import { problems, type HttpProblem } from '../http/http-problem.js'
import type { Logger } from '../platform/log.js'
import type { SsoFailure } from './oidc-errors.js'

/** What each check means, for the person reading the problem (the reason follows it). */
export const ssoCheckDetails: Record<SsoCheck, string> = {
  state: 'the sign-in this browser came back from is unknown, was already completed, or took longer than 10 minutes',
  provider_error: 'the identity provider refused or cancelled the sign-in',
  code: 'the sign-in code is unknown, was already used, or has expired',
  pkce: "the app's proof (PKCE code verifier) does not match the sign-in it started",
  issuer: 'the ID token was issued by another identity provider than the one configured',
  audience: 'the ID token was issued for another client than this tenant’s',
  signature: "the ID token's signature does not verify with the identity provider's published keys",
  expired: 'the ID token has expired, or is not valid yet (check the clocks)',
  nonce: "the ID token's nonce does not belong to this sign-in (a replayed or substituted token)",
  email_verified: 'the identity provider does not say the email address is verified',
  domain: 'the email address is not in a domain allowed for this single sign-on',
  account: 'no account may sign in this way',
  configuration: 'the single sign-on is not usable as configured',
}

/** 401: the sign-in itself did not hold; 403: it did, but the person may not come in this way. */
const forbiddenChecks: ReadonlySet<SsoCheck> = new Set(['email_verified', 'domain', 'account'])

export function ssoProblem(failure: SsoFailure, status?: 400 | 401 | 403 | 404 | 502): HttpProblem {
  const chosen = status ?? (forbiddenChecks.has(failure.check) ? 403 : 401)
  return problems.ssoFailed(
    chosen,
    failure.check,
    `single sign-on refused (${failure.check}): ${ssoCheckDetails[failure.check]}; ${failure.reason}`,
  )
}

/** Where a sign-in was going: a tenant's provider, or the platform's (tenantId null). */
export interface SsoProviderRef {
  tenantId: string | null
  issuer: string | null
}

/**
 * Writes the failure's audit row, on its own transaction (the refusal is answered whatever
 * happens to the row: a failure to record it is logged, never turned into a different answer).
 */
export async function recordSsoFailure(
  deps: { pools: { app: DbPool }; log: Logger },
  provider: SsoProviderRef,
  failure: SsoFailure,
  meta: AuditRequestMeta,
  person: { userId: string | null; email: string | null } = { userId: null, email: null },
): Promise<void> {
  const metadata = { check: failure.check, reason: failure.reason, issuer: provider.issuer }
  const actor = { type: 'system' as const, id: null, name: 'single sign-on' }
  const target = { type: 'user', id: person.userId, name: person.email }
  try {
    if (provider.tenantId !== null) {
      const tenantId = provider.tenantId
      await withTenant(deps.pools.app, tenantId, (client) =>
        writeAudit(client, { tenantId, action: 'auth.sso_failed', actor, target, request: meta, metadata }),
      )
    } else {
      await inTransaction(deps.pools.app, {}, (client) =>
        writePlatformAudit(client, { action: 'platform.sso_failed', actor, target, request: meta, reason: null, metadata }),
      )
    }
  } catch (error) {
    deps.log.error({ err: { message: (error as Error).message }, check: failure.check }, 'could not audit a refused single sign-on')
  }
  deps.log.info({ event: 'auth.sso_failed', check: failure.check, tenantId: provider.tenantId }, 'single sign-on refused')
}
