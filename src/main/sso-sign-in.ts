/**
 * @module sso-sign-in
 * Single sign-on as a native app does it (RFC 8252), free of Electron so it is tested under Node:
 *
 * 1. a PKCE verifier (32 random bytes) and its S256 challenge, and a random state, made here;
 * 2. a loopback redirect on 127.0.0.1 (loopback-redirect.ts) for the backend to send the browser back to;
 * 3. `ssoStart` on the active connection with the challenge, state and redirect: the provider's address;
 * 4. that address opened in the system browser by the injected opener (Electron's shell.openExternal),
 *    only when it is https (or http on a loopback host: a provider on this machine);
 * 5. the browser's return, with the backend's one-time code and our state, traded with the
 *    verifier (`ssoExchange`) for the session, which the API client keeps like a password session.
 *
 * The verifier never leaves main except to the backend's token exchange, so a code caught on the
 * way (another app on the loopback, the browser's history) cannot be traded by anyone else. One
 * sign-in at a time: a new one, or `cancel`, ends the one waiting. A problem the backend answers
 * reaches the console unchanged.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { OperationInput, Session } from '@shared/contract.js'
import { problemTypes, type Problem } from '@shared/problem.js'
import type { ApiClient } from './api-client.js'
import { defaultLoopbackLifetimeMillis, LoopbackRedirectClosed, openLoopbackRedirect, type LoopbackRedirect } from './loopback-redirect.js'

/** Opens an address in the system browser (Electron: shell.openExternal). */
export type ExternalOpener = (url: string) => Promise<void>

export type SsoTarget = Pick<OperationInput<'ssoStart'>, 'email' | 'tenant'>

export type SsoOutcome = { outcome: 'signed-in'; session: Session } | { outcome: 'cancelled' } | { outcome: 'failed'; problem: Problem }

export function createPkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') }
}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** Only a web address goes to the OS opener: a backend cannot make the app open a file or another app's scheme. */
export function isBrowserAddress(address: string): boolean {
  let url: URL
  try {
    url = new URL(address)
  } catch {
    return false
  }
  if (url.username || url.password) return false
  return url.protocol === 'https:' || (url.protocol === 'http:' && loopbackHosts.has(url.hostname))
}

class BrowserNotOpened extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause))
    this.name = 'BrowserNotOpened'
  }
}

const failed = (status: number, title: string, detail: string): SsoOutcome => ({
  outcome: 'failed',
  problem: { type: problemTypes.ssoFailed, title, status, detail },
})

export class SsoSignIn {
  private waiting: LoopbackRedirect | null = null

  constructor(
    private readonly options: {
      openExternal: ExternalOpener
      /** How long the loopback redirect waits for the browser (default ten minutes). */
      lifetimeMillis?: number
    },
  ) {}

  /** True while a sign-in waits for the browser. */
  get inProgress(): boolean {
    return this.waiting !== null
  }

  /** Ends the sign-in waiting for the browser, if any: it resolves as cancelled. */
  cancel(): boolean {
    const waiting = this.waiting
    this.waiting = null
    waiting?.close('cancelled')
    return waiting !== null
  }

  async signIn(client: ApiClient, target: SsoTarget): Promise<SsoOutcome> {
    this.cancel()
    const pkce = createPkcePair()
    const state = randomBytes(32).toString('base64url')
    const lifetimeMillis = this.options.lifetimeMillis ?? defaultLoopbackLifetimeMillis
    const redirect = await openLoopbackRedirect({ state, lifetimeMillis })
    this.waiting = redirect
    try {
      const started = await client.startSso({
        ...target,
        redirectUri: redirect.redirectUri,
        codeChallenge: pkce.challenge,
        codeChallengeMethod: 'S256',
        state,
      })
      if (this.waiting !== redirect) return { outcome: 'cancelled' }
      if (!started.ok) return { outcome: 'failed', problem: started.problem }
      const { authorizationUrl, expiresAt } = started.value
      if (!isBrowserAddress(authorizationUrl))
        return failed(502, 'Unexpected sign-in address', 'the backend gave an address that is not a web page, so it was not opened')
      // The backend forgets the attempt at `expiresAt`: waiting longer would only wait for a refusal.
      const backendExpiry = Date.parse(expiresAt)
      if (Number.isFinite(backendExpiry) && backendExpiry < Date.now() + lifetimeMillis) redirect.expireAt(backendExpiry)
      // The opener resolves once the browser has the page (Electron), or only when the person is done (a test's
      // browser): the wait for the redirect starts at once either way, and a failure to open ends it.
      const openFailure = Promise.resolve()
        .then(() => this.options.openExternal(authorizationUrl))
        .then(
          () => new Promise<never>(() => undefined),
          (error: unknown) => Promise.reject(new BrowserNotOpened(error)),
        )
      let callback
      try {
        callback = await Promise.race([redirect.callback, openFailure])
      } catch (error) {
        if (error instanceof BrowserNotOpened)
          return failed(500, 'Browser not opened', `the system browser could not be opened (${error.message})`)
        if (error instanceof LoopbackRedirectClosed && error.reason === 'cancelled') return { outcome: 'cancelled' }
        if (error instanceof LoopbackRedirectClosed)
          return failed(408, 'Sign-in timed out', 'the sign-in was not finished in the browser in time; start it again')
        return failed(400, 'Sign-in failed', (error as Error).message)
      }
      const exchanged = await client.exchangeSsoCode(callback.code, pkce.verifier)
      if (exchanged.ok) {
        callback.respond({
          outcome: 'signed-in',
          title: 'Signed in',
          message: `You are signed in to Limena as ${exchanged.value.user.email}.`,
        })
        return { outcome: 'signed-in', session: exchanged.value }
      }
      callback.respond({ outcome: 'failed', title: 'Sign-in refused', message: exchanged.problem.detail ?? exchanged.problem.title })
      return { outcome: 'failed', problem: exchanged.problem }
    } finally {
      redirect.close('cancelled')
      if (this.waiting === redirect) this.waiting = null
    }
  }
}
