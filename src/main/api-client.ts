/**
 * @module api-client
 * Main's HTTP client of one backend. It keeps the access token in memory and the refresh and CSRF
 * tokens in the connection's SessionStore (the OS keychain), builds requests from the shared
 * contract, validates answers with it, and refreshes the access token before it expires or when
 * the backend answers 401. Concurrent callers share one refresh: two refreshes with the same
 * token would look like token theft to the backend, which would revoke the session.
 */
import { accessReasonHeader, encodeAccessReason } from '@shared/access-reason.js'
import {
  apiBasePath,
  fillPath,
  operations,
  stateChangingMethods,
  type OperationDefinition,
  type OperationInput,
  type OperationName,
  type OperationOutput,
  type Session,
  type SessionOrigin,
} from '@shared/contract.js'
import { problemSchema, problemTypes, type Problem } from '@shared/problem.js'
import { explainNetworkError } from './connection-probe.js'
import type { SessionStore } from './credential-store.js'

export type ApiResult<T> = { ok: true; value: T } | { ok: false; problem: Problem }

/** Signals that the session is over (revoked, expired, or signed out elsewhere). */
export const sessionEndedType = problemTypes.sessionEnded

const refreshMarginMillis = 60_000

function problem(status: number, type: string, title: string, detail: string): Problem {
  return { type, title, status, detail }
}

/** Only the problem fields the contract knows leave main: no stack, no request internals. */
export function sanitiseProblem(body: unknown, status: number): Problem {
  const parsed = problemSchema.safeParse(body)
  if (parsed.success) return parsed.data
  return problem(status, problemTypes.internal, 'Unexpected answer', `the backend answered ${status} without a problem description`)
}

function cookieValue(setCookies: string[], name: string): string | null | undefined {
  for (const line of setCookies) {
    const [pair] = line.split(';')
    const separator = pair!.indexOf('=')
    if (pair!.slice(0, separator).trim() !== name) continue
    const value = decodeURIComponent(pair!.slice(separator + 1))
    return value === '' ? null : value
  }
  return undefined
}

export function buildRequest(
  definition: OperationDefinition,
  input: Record<string, unknown>,
): { path: string; query: URLSearchParams; body: Record<string, unknown> | null } {
  const remaining = { ...input }
  const path = fillPath(definition.path, (name) => {
    const value = remaining[name]
    delete remaining[name]
    return encodeURIComponent(typeof value === 'string' ? value : JSON.stringify(value))
  })
  const query = new URLSearchParams()
  if (definition.method === 'GET' || definition.method === 'DELETE') {
    for (const [key, value] of Object.entries(remaining))
      if (value !== undefined && value !== null) query.set(key, typeof value === 'string' ? value : JSON.stringify(value))
    return { path, query, body: null }
  }
  return { path, query, body: remaining }
}

export interface ApiClientOptions {
  baseUrl: string
  store: SessionStore
  fetch?: typeof fetch
  now?: () => number
  /** Called when the session ends without the user asking (refresh refused). */
  onSessionEnded?: (reason: string) => void
  /** How the backend names this app in the session list ("Limena console on …"); the default names the OS. */
  userAgent?: string
}

/** The console's name in the backend's session list (a person reads it on their sessions page). */
export const defaultUserAgent = `LimenaConsole (${process.platform}; ${process.arch})`

/** Operations after which the caller's memberships differ. */
const membershipChangingOperations: ReadonlySet<OperationName> = new Set(['acceptMyInvitation', 'leaveTenant', 'createTenant'])

export class ApiClient {
  private accessToken: { token: string; expiresAt: number } | null = null
  private refreshing: Promise<boolean> | null = null
  private readonly fetchImpl: typeof fetch
  private readonly now: () => number
  user: Session['user'] | null = null
  memberships: Session['memberships'] = []
  /** How the session was opened: from the sign-in answer, or read back from the session list after a resume. */
  origin: SessionOrigin | null = null

  constructor(private readonly options: ApiClientOptions) {
    this.fetchImpl = options.fetch ?? fetch
    this.now = options.now ?? Date.now
  }

  get baseUrl(): string {
    return this.options.baseUrl
  }

  /** Drops the in-memory access token; the next call refreshes it from the stored session. */
  forgetAccessToken(): void {
    this.accessToken = null
  }

  async hasSession(): Promise<boolean> {
    return this.accessToken !== null || (await this.options.store.load()) !== null
  }

  private async rememberSession(headers: Headers, fallbackCsrf?: string): Promise<void> {
    const setCookies = headers.getSetCookie()
    const refreshToken = cookieValue(setCookies, 'refresh_token')
    const csrfToken = cookieValue(setCookies, 'csrf') ?? fallbackCsrf
    if (refreshToken && csrfToken) await this.options.store.save({ refreshToken, csrfToken })
  }

  async signIn(email: string, password: string): Promise<ApiResult<Session>> {
    return this.openSession(`${apiBasePath}/auth/login`, { email, password }, 'sign-in')
  }

  /** Single sign-on's first step: the provider's address for the browser (the app's PKCE challenge and state bound to it). */
  async startSso(input: OperationInput<'ssoStart'>): Promise<ApiResult<OperationOutput<'ssoStart'>>> {
    const result = await this.perform('ssoStart', input, {})
    return result as ApiResult<OperationOutput<'ssoStart'>>
  }

  /** Single sign-on's last step: the one-time code from the loopback redirect and the PKCE verifier, for the session. */
  async exchangeSsoCode(code: string, codeVerifier: string): Promise<ApiResult<Session>> {
    return this.openSession(`${apiBasePath}/auth/sso/token`, { code, codeVerifier }, 'single sign-on')
  }

  /** A call that answers a session (sign-in, SSO exchange): the access token kept in memory, the refresh token stored. */
  private async openSession(path: string, body: Record<string, unknown>, what: string): Promise<ApiResult<Session>> {
    const response = await this.send('POST', path, body, {})
    if (!response) return { ok: false, problem: problem(503, problemTypes.unavailable, 'Backend unreachable', this.noAnswer()) }
    const answer: unknown = await response.json().catch(() => null)
    if (!response.ok) return { ok: false, problem: sanitiseProblem(answer, response.status) }
    const session = operations.login.output.safeParse(answer)
    if (!session.success)
      return {
        ok: false,
        problem: problem(502, problemTypes.internal, 'Unexpected answer', `the ${what} answer did not match the contract`),
      }
    this.accessToken = { token: session.data.accessToken, expiresAt: this.now() + session.data.expiresIn * 1000 }
    this.user = session.data.user
    this.memberships = session.data.memberships
    this.origin = session.data.origin
    await this.rememberSession(response.headers)
    return { ok: true, value: session.data }
  }

  async signOut(): Promise<void> {
    const stored = await this.options.store.load()
    if (stored) {
      await this.send(
        'POST',
        `${apiBasePath}/auth/logout`,
        {},
        { cookie: `refresh_token=${stored.refreshToken}; csrf=${stored.csrfToken}`, 'x-csrf-token': stored.csrfToken },
      ).catch(() => null)
    }
    await this.options.store.clear()
    this.accessToken = null
    this.user = null
    this.memberships = []
    this.origin = null
  }

  /** Exchanges the stored refresh token for a new access token; one exchange at a time. */
  private refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      try {
        const stored = await this.options.store.load()
        if (!stored) return false
        const response = await this.send(
          'POST',
          `${apiBasePath}/auth/refresh`,
          {},
          {
            cookie: `refresh_token=${stored.refreshToken}; csrf=${stored.csrfToken}`,
            'x-csrf-token': stored.csrfToken,
          },
        )
        if (!response) return false
        if (!response.ok) {
          if (response.status === 401 || response.status === 403) {
            await this.options.store.clear()
            this.accessToken = null
            this.user = null
            this.memberships = []
            this.origin = null
            this.options.onSessionEnded?.('Your session has ended (it was revoked or expired). Sign in again.')
          }
          return false
        }
        const body = operations.refresh.output.safeParse(await response.json().catch(() => null))
        if (!body.success) return false
        this.accessToken = { token: body.data.accessToken, expiresAt: this.now() + body.data.expiresIn * 1000 }
        await this.rememberSession(response.headers, stored.csrfToken)
        if (!this.user) await this.loadCaller()
        return true
      } finally {
        this.refreshing = null
      }
    })()
    return this.refreshing
  }

  private async loadCaller(): Promise<void> {
    const me = await this.perform('me', {}, {})
    const caller = me.ok ? operations.me.output.safeParse(me.value) : null
    if (caller?.success && caller.data.kind === 'user') {
      this.user = caller.data.user
      this.memberships = caller.data.memberships
    }
    // A resumed session's origin is not in /me: the session list marks the caller's own.
    if (this.user && !this.origin) {
      const sessions = await this.perform('listMySessions', {}, {})
      const parsed = sessions.ok ? operations.listMySessions.output.safeParse(sessions.value) : null
      this.origin = parsed?.success ? (parsed.data.items.find((session) => session.current)?.origin ?? null) : null
    }
  }

  /** Resumes a stored session (at start): true when the refresh token still works. */
  async resume(): Promise<boolean> {
    return this.refresh()
  }

  /** Why the last request got no answer, in words (a certificate not trusted, nothing listening, …). */
  private lastNetworkFailure: string | null = null

  private noAnswer(): string {
    return this.lastNetworkFailure ?? `no answer from ${this.baseUrl}`
  }

  private async send(
    method: string,
    path: string,
    body: Record<string, unknown> | null,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Response | null> {
    try {
      return await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers: {
          accept: 'application/json, text/csv',
          'user-agent': this.options.userAgent ?? defaultUserAgent,
          ...(body && method !== 'GET' && method !== 'DELETE' ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        body: body && method !== 'GET' && method !== 'DELETE' ? JSON.stringify(body) : undefined,
        redirect: 'error',
        signal,
      })
    } catch (error) {
      if ((error as Error).name === 'AbortError') throw error
      this.lastNetworkFailure = explainNetworkError(error, this.baseUrl).message
      return null
    }
  }

  private async authorisedResponse(
    name: OperationName,
    input: Record<string, unknown>,
    accessReason: string | undefined,
    signal?: AbortSignal,
  ): Promise<Response | Problem> {
    const definition = operations[name] as OperationDefinition
    const request = buildRequest(definition, input)
    const attempt = async (): Promise<Response | null> => {
      const headers: Record<string, string> = {}
      if (this.accessToken) headers.authorization = `Bearer ${this.accessToken.token}`
      if (stateChangingMethods.has(definition.method)) {
        const stored = await this.options.store.load()
        if (stored) {
          headers['x-csrf-token'] = stored.csrfToken
          headers.cookie = `csrf=${stored.csrfToken}`
        }
      }
      if (accessReason) headers[accessReasonHeader] = encodeAccessReason(accessReason)
      const query = request.query.toString()
      return this.send(definition.method, `${apiBasePath}${request.path}${query ? `?${query}` : ''}`, request.body, headers, signal)
    }
    if (definition.access !== 'public' && (!this.accessToken || this.accessToken.expiresAt - this.now() < refreshMarginMillis))
      await this.refresh()
    let response = await attempt()
    if (response?.status === 401 && definition.access !== 'public' && (await this.refresh())) response = await attempt()
    if (!response) return problem(503, problemTypes.unavailable, 'Backend unreachable', this.noAnswer())
    if (response.status === 401) {
      return {
        ...sanitiseProblem(await response.json().catch(() => null), 401),
        type: sessionEndedType,
        title: 'Signed out',
        detail: 'Your session has ended. Sign in again.',
      }
    }
    return response
  }

  /** Performs an operation of the contract; the answer is validated by its output schema. */
  async perform<Name extends OperationName>(
    name: Name,
    input: Record<string, unknown>,
    options: { accessReason?: string },
  ): Promise<ApiResult<unknown>> {
    const definition = operations[name] as OperationDefinition
    const response = await this.authorisedResponse(name, input, options.accessReason)
    if (!(response instanceof Response)) return { ok: false, problem: response }
    if (!response.ok) return { ok: false, problem: sanitiseProblem(await response.json().catch(() => null), response.status) }
    // Joining or leaving a tenant changes the memberships main reports to the console.
    if (membershipChangingOperations.has(name)) await this.loadCaller()
    if (response.status === 204) return { ok: true, value: undefined }
    const body: unknown = await response.json().catch(() => null)
    const output = definition.output.safeParse(body)
    if (!output.success)
      return {
        ok: false,
        problem: problem(502, problemTypes.internal, 'Unexpected answer', `the backend's answer to ${name} did not match the contract`),
      }
    return { ok: true, value: output.data }
  }

  /** A streamed download (CSV export): the response body, or the problem. */
  async download(
    name: OperationName,
    input: Record<string, unknown>,
    options: { accessReason?: string; signal?: AbortSignal },
  ): Promise<ApiResult<ReadableStream<Uint8Array>>> {
    const response = await this.authorisedResponse(name, input, options.accessReason, options.signal)
    if (!(response instanceof Response)) return { ok: false, problem: response }
    if (!response.ok || !response.body)
      return { ok: false, problem: sanitiseProblem(await response.json().catch(() => null), response.status) }
    return { ok: true, value: response.body }
  }
}
