/**
 * @module sso-attempt-repository
 * Rows of `sso_attempts` (migration 0013): one single sign-on from its start to the app's
 * exchange of the one-time code. Before sign-in no tenant is known, so a row is found only by the
 * hash of what its caller presents (the state at the callback, the one-time code at the exchange),
 * set for the transaction as `app.sso_state_hash` or `app.sso_code_hash`; its row-level security
 * shows that row and no other. Each step takes its row in one UPDATE, so it happens at most once.
 */
import type { DbClient, DbPool } from '../db/pools.js'
import { inTransaction } from '../db/with-tenant.js'
import { sha256 } from '../crypto/random-token.js'
import type { SsoCheck } from '@shared/problem.js'

export const attemptLifetimeMillis = 10 * 60 * 1000
export const oneTimeCodeLifetimeMillis = 2 * 60 * 1000

export interface SsoAttemptRow {
  id: string
  tenant_id: string | null
  issuer: string
  nonce: string
  pkce_verifier: string
  app_redirect_uri: string
  app_code_challenge: string
  app_state: string
  user_id: string | null
  amr: string[] | null
  failed_check: SsoCheck | null
  failed_reason: string | null
}

const columns =
  'id, tenant_id, issuer, nonce, pkce_verifier, app_redirect_uri, app_code_challenge, app_state, user_id, amr, failed_check, failed_reason'

const hashHex = (value: string): string => sha256(value).toString('hex')

export async function insertAttempt(
  pool: DbPool,
  attempt: {
    tenantId: string | null
    issuer: string
    state: string
    nonce: string
    pkceVerifier: string
    appRedirectUri: string
    appCodeChallenge: string
    appState: string
    expiresAt: Date
  },
): Promise<void> {
  const settings = { ssoStateHash: hashHex(attempt.state), ...(attempt.tenantId === null ? {} : { tenantId: attempt.tenantId }) }
  await inTransaction(pool, settings, async (client) => {
    // Attempts abandoned in the browser are left behind: a tenant's go at its next start.
    if (attempt.tenantId !== null)
      await client.query("DELETE FROM sso_attempts WHERE tenant_id = $1 AND expires_at < now() - interval '1 hour'", [attempt.tenantId])
    await client.query(
      `INSERT INTO sso_attempts (tenant_id, issuer, state_hash, nonce, pkce_verifier, app_redirect_uri, app_code_challenge, app_state, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        attempt.tenantId,
        attempt.issuer,
        sha256(attempt.state),
        attempt.nonce,
        attempt.pkceVerifier,
        attempt.appRedirectUri,
        attempt.appCodeChallenge,
        attempt.appState,
        attempt.expiresAt,
      ],
    )
  })
}

/** The attempt the identity provider's redirect names by its state, taken once: null when unknown, used or expired. */
export async function takeAttemptByState(pool: DbPool, state: string): Promise<SsoAttemptRow | null> {
  return inTransaction(pool, { ssoStateHash: hashHex(state) }, async (client) => {
    const result = await client.query<SsoAttemptRow>(
      `UPDATE sso_attempts SET callback_at = now()
        WHERE state_hash = $1 AND callback_at IS NULL AND expires_at > now() RETURNING ${columns}`,
      [sha256(state)],
    )
    return result.rows[0] ?? null
  })
}

/** Records the callback's outcome and the hash of the one-time code the app will exchange for it. */
export async function recordOutcome(
  pool: DbPool,
  state: string,
  outcome: { code: string; userId: string | null; amr: string[] | null; failure: { check: SsoCheck; reason: string } | null },
): Promise<void> {
  await inTransaction(pool, { ssoStateHash: hashHex(state) }, async (client) => {
    await client.query(
      `UPDATE sso_attempts SET code_hash = $2, code_expires_at = now() + make_interval(secs => $3),
              user_id = $4, amr = $5, failed_check = $6, failed_reason = $7
        WHERE state_hash = $1`,
      [
        sha256(state),
        sha256(outcome.code),
        oneTimeCodeLifetimeMillis / 1000,
        outcome.userId,
        outcome.amr,
        outcome.failure?.check ?? null,
        outcome.failure?.reason.slice(0, 1000) ?? null,
      ],
    )
  })
}

/**
 * The attempt a one-time code names, taken once: null when unknown, used or expired. The row is
 * removed in the same transaction, so the code cannot be presented twice.
 */
export async function takeAttemptByCode(pool: DbPool, code: string): Promise<SsoAttemptRow | null> {
  return inTransaction(pool, { ssoCodeHash: hashHex(code) }, async (client: DbClient) => {
    const result = await client.query<SsoAttemptRow & { live: boolean }>(
      `DELETE FROM sso_attempts WHERE code_hash = $1 RETURNING ${columns}, code_expires_at > now() AS live`,
      [sha256(code)],
    )
    const row = result.rows[0]
    return row?.live ? row : null
  })
}
