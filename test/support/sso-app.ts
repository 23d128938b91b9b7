/**
 * The desktop app's side of single sign-on, as the server tests play it: a PKCE pair and a state
 * of its own, a loopback redirect (never listened on: the tests read the code from the callback's
 * 303), the start call, and the exchange of the one-time code for a session in an ApiClient.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { SessionOrigin } from '../../src/shared/contract.js'
import { driveSignIn, type DriveOptions } from './oidc-provider.js'
import { ApiClient, type ApiAnswer } from './test-server.js'

export const ssoCallbackPath = '/api/v1/auth/sso/callback'
export const appRedirectUri = 'http://127.0.0.1:49152/sso/callback'

export interface AppSignIn {
  verifier: string
  challenge: string
  state: string
}

export function appPkce(): AppSignIn {
  const verifier = randomBytes(32).toString('base64url')
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url'), state: randomBytes(16).toString('base64url') }
}

export interface StartedSignIn extends AppSignIn {
  authorizationUrl: string
}

/** `POST /auth/sso/start` by email or tenant slug, as the app sends it. */
export async function startSignIn(serverUrl: string, by: { email: string } | { tenant: string }): Promise<StartedSignIn> {
  const app = appPkce()
  const answer = await new ApiClient(serverUrl).request<{ authorizationUrl: string }>('POST', '/auth/sso/start', {
    body: { ...by, redirectUri: appRedirectUri, codeChallenge: app.challenge, codeChallengeMethod: 'S256', state: app.state },
    auth: null,
  })
  if (answer.status !== 200) throw new Error(`sso start answered ${answer.status}: ${answer.text}`)
  return { ...app, authorizationUrl: answer.body.authorizationUrl }
}

export interface SessionAnswer {
  accessToken: string
  user: { id: string; email: string; isPlatformAdmin: boolean }
  memberships: Array<{ tenantId: string; tenantSlug: string; role: string }>
  origin: SessionOrigin
}

/** `POST /auth/sso/token`: the one-time code and the verifier, in a fresh client that keeps the session's cookies. */
export async function exchangeCode(serverUrl: string, code: string, verifier: string): Promise<{ client: ApiClient; answer: ApiAnswer }> {
  const client = new ApiClient(serverUrl)
  const answer = await client.request<SessionAnswer>('POST', '/auth/sso/token', { body: { code, codeVerifier: verifier }, auth: null })
  if (answer.status === 200) client.accessToken = answer.body.accessToken
  return { client, answer }
}

/** The whole sign-in: start, the browser at the provider, the exchange. */
export async function signInWithSso(
  serverUrl: string,
  by: { email: string } | { tenant: string },
  drive: DriveOptions,
): Promise<{ client: ApiClient; answer: ApiAnswer }> {
  const started = await startSignIn(serverUrl, by)
  const { code, state } = await driveSignIn(started.authorizationUrl, drive)
  if (state !== started.state) throw new Error('the callback did not hand the app its own state back')
  return exchangeCode(serverUrl, code, started.verifier)
}
