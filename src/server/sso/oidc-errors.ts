/**
 * @module oidc-errors
 * openid-client's errors (and oauth4webapi's under them) told apart, as the check of a single
 * sign-on that failed and a reason a support engineer can read. The codes and `claim` members are
 * oauth4webapi's; anything not recognised is the provider's configuration, never a pass.
 */
import { AuthorizationResponseError, ResponseBodyError } from 'openid-client'
import type { SsoCheck } from '@shared/problem.js'

export interface SsoFailure {
  check: SsoCheck
  reason: string
}

const claimChecks: Record<string, SsoCheck> = {
  iss: 'issuer',
  aud: 'audience',
  azp: 'audience',
  nonce: 'nonce',
  exp: 'expired',
  iat: 'expired',
  nbf: 'expired',
  auth_time: 'expired',
}

/** The error and its causes, outermost first. */
function chainOf(error: unknown): Array<{ code?: string; message?: string; cause?: unknown }> {
  const chain: Array<{ code?: string; message?: string; cause?: unknown }> = []
  let current: unknown = error
  while (current !== null && typeof current === 'object' && chain.length < 5) {
    chain.push(current)
    current = (current as { cause?: unknown }).cause
  }
  return chain
}

const printable = (text: string | undefined, length: number): string => (text ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, length)

export function ssoFailureOf(error: unknown): SsoFailure {
  if (error instanceof AuthorizationResponseError) {
    const description = error.error_description ? `: ${printable(error.error_description, 300)}` : ''
    return { check: 'provider_error', reason: `the identity provider answered error=${printable(error.error, 100)}${description}` }
  }
  if (error instanceof ResponseBodyError) {
    if (error.error === 'invalid_grant')
      return {
        check: 'code',
        reason:
          'the identity provider refused the authorization code (invalid_grant): it was used already, expired, or belongs to another sign-in',
      }
    return {
      check: 'configuration',
      reason: `the identity provider's token endpoint refused the exchange (${printable(error.error, 100)}): check the client id and secret`,
    }
  }
  const chain = chainOf(error)
  const codes = chain.map((link) => link.code)
  const claim = chain.map((link) => (link.cause as { claim?: unknown } | undefined)?.claim).find((value) => typeof value === 'string')
  if (codes.includes('OAUTH_JWT_CLAIM_COMPARISON_FAILED') || codes.includes('OAUTH_JWT_TIMESTAMP_CHECK_FAILED')) {
    const check = (typeof claim === 'string' && claimChecks[claim]) || 'signature'
    return { check, reason: `the ID token's "${String(claim ?? 'claims')}" claim failed its check: ${printable(chain[1]?.message, 200)}` }
  }
  if (codes.includes('OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED'))
    return { check: 'issuer', reason: 'the authorization response names another issuer than the one configured (iss parameter)' }
  if (codes.includes('OAUTH_KEY_SELECTION_FAILED'))
    return { check: 'signature', reason: "the ID token is signed with a key the identity provider's key set does not hold" }
  if (chain.some((link) => link.message === 'JWT signature verification failed'))
    return { check: 'signature', reason: "the ID token's signature does not verify with the identity provider's published keys" }
  if (codes.includes('OAUTH_RESPONSE_IS_NOT_CONFORM') || codes.includes('OAUTH_RESPONSE_IS_NOT_JSON'))
    return { check: 'configuration', reason: 'the identity provider answered the token request with something unexpected' }
  return {
    check: 'configuration',
    reason: 'the identity provider could not complete the exchange (unreachable, or an answer that is not valid)',
  }
}
