/**
 * What a refused single sign-on means for the person at the console: a sentence saying what to
 * do next, chosen by the check that failed (the problem's `check`), shown above the backend's own
 * detail, which says what exactly was refused.
 */
import { problemTypes, type Problem, type SsoCheck } from '@shared/problem'

const askOwner = 'Ask an owner of your tenant to check its single sign-on settings.'

export const ssoCheckGuidance: Record<SsoCheck, string> = {
  state: 'The browser came back from a sign-in this console did not start, or took too long. Start again.',
  provider_error: 'Your identity provider did not complete the sign-in. Try again, or ask your IT team if it keeps refusing.',
  code: 'The one-time sign-in code was not accepted (used already, or expired). Start again.',
  pkce: 'The sign-in code did not belong to this console’s sign-in. Start again.',
  issuer: `The identity provider’s answer came from another issuer than the one configured. ${askOwner}`,
  audience: `The identity provider’s answer was meant for another client. ${askOwner}`,
  signature: `The identity provider’s answer did not verify. ${askOwner}`,
  expired: 'The identity provider’s answer had expired. Check this computer’s clock, then try again.',
  nonce: 'The identity provider’s answer did not belong to this sign-in. Start again.',
  email_verified: 'Your identity provider does not confirm your email address. Verify it there, then try again.',
  domain: 'Your email address is not in a domain this tenant allows. Ask your tenant owner to add your domain to its single sign-on.',
  account: 'Your account cannot come in this way.',
  configuration: `This tenant’s single sign-on is not usable as configured. ${askOwner}`,
}

/** The headline and the backend's detail for a failed single sign-on (any other problem: its own words). */
export function describeSsoProblem(problem: Problem): { headline: string; detail: string | null } {
  if (problem.type === problemTypes.ssoFailed && problem.check)
    return { headline: ssoCheckGuidance[problem.check], detail: problem.detail ?? null }
  if (problem.status === 408)
    return { headline: 'The sign-in was not finished in the browser in time. Start again.', detail: problem.detail ?? null }
  return { headline: problem.title, detail: problem.detail ?? null }
}

/** "login.example.com" from an issuer URL (the issuer as given when it is not a URL). */
export function issuerHost(issuer: string): string {
  try {
    return new URL(issuer).host
  } catch {
    return issuer
  }
}

/** What the single field holds: a work email (it has an @) or a tenant's slug. */
export function ssoTargetOf(text: string): { email: string } | { tenant: string } {
  const value = text.trim()
  return value.includes('@') ? { email: value } : { tenant: value.toLowerCase() }
}
