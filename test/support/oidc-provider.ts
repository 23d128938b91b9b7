/**
 * A real OpenID provider for the tests: oidc-provider (v8) on 127.0.0.1, on a random port, with
 * signing keys made here (handed back, so a test can sign as the provider too), one confidential
 * client (client_secret_basic) whose redirect URI is the test server's callback, and accounts
 * whose claims the test controls.
 *
 * The issuer is the address of a small transparent proxy in front of it, which can rewrite the
 * `id_token` of the token endpoint's answer, per test (`setTamper`): re-signed with a key the
 * provider does not publish (same `kid`), or re-signed with the provider's own key after changing
 * `exp`, `nonce`, `aud` or `iss`. Everything else passes through unchanged (Host included, so the
 * provider builds its addresses on the proxy's).
 *
 * `driveSignIn` plays the browser over HTTP with a cookie jar: the authorization URL, the
 * provider's login (its account by login name) and consent, the provider's redirect to the
 * server's callback, and the callback's 303 to the app's loopback redirect, whose one-time code
 * and state it returns. Loopback only; every request times out after 10 seconds and redirects are
 * followed at most 12 times.
 */
import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto'
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SignJWT, decodeJwt, decodeProtectedHeader, type JWK, type JWTPayload } from 'jose'
import Provider from 'oidc-provider'

export interface TestAccount {
  email: string
  emailVerified: boolean
  name?: string
  /** Authentication methods the provider asserts for this account's sign-ins (`amr`). */
  amr?: string[]
}

/** How the proxy rewrites the token endpoint's `id_token`. */
export type TamperMode = 'none' | 'signature' | 'expired' | 'nonce' | 'audience' | 'issuer'

export interface TestProvider {
  /** The proxy's address: the issuer the provider names in its documents and tokens. */
  issuer: string
  clientId: string
  clientSecret: string
  /** The provider's signing key set (private JWKs, RS256, one `kid`). */
  jwks: { keys: JWK[] }
  /** The accounts by login name; change or add one to change what the next sign-in asserts. */
  accounts: Map<string, TestAccount>
  setTamper(mode: TamperMode): void
  close(): Promise<void>
}

const requestTimeoutMillis = 10_000
const maximumRedirects = 12

function rsaKey(kid: string): { jwk: JWK; key: KeyObject } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return { jwk: { ...(privateKey.export({ format: 'jwk' }) as JWK), kid, alg: 'RS256', use: 'sig' }, key: privateKey }
}

function listenOnLoopback(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port))
  })
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections()
    server.close(() => resolve())
  })
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    stream.on('data', (chunk: Buffer) => chunks.push(chunk))
    stream.on('end', () => resolve(Buffer.concat(chunks)))
    stream.on('error', reject)
  })
}

function parseForm(body: Buffer): URLSearchParams {
  return new URLSearchParams(body.toString('utf8'))
}

export async function startTestProvider(options: {
  /** The client's one redirect URI: the test server's `/api/v1/auth/sso/callback`. */
  redirectUri: string
  accounts: Record<string, TestAccount>
  clientId?: string
  clientSecret?: string
}): Promise<TestProvider> {
  const kid = `test-${randomBytes(4).toString('hex')}`
  const signing = rsaKey(kid)
  const foreign = rsaKey(kid)
  const clientId = options.clientId ?? `limena-test-${randomBytes(4).toString('hex')}`
  const clientSecret = options.clientSecret ?? randomBytes(24).toString('base64url')
  const accounts = new Map(Object.entries(options.accounts))
  let tamper: TamperMode = 'none'

  const proxy = createServer()
  const proxyPort = await listenOnLoopback(proxy)
  const issuer = `http://127.0.0.1:${proxyPort}`

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [signing.jwk] },
    async findAccount(_ctx, id) {
      const account = accounts.get(id)
      if (!account) return undefined
      return {
        accountId: id,
        claims: async () => ({ sub: id, email: account.email, email_verified: account.emailVerified, name: account.name ?? id }),
      }
    },
    // amr is filtered like any claim: listed under openid, it reaches the ID token.
    claims: { openid: ['sub', 'amr'], email: ['email', 'email_verified'], profile: ['name'] },
    // The email claims go into the ID token itself, not only to userinfo.
    conformIdTokenClaims: false,
    cookies: { keys: [randomBytes(16).toString('hex')] },
    features: { devInteractions: { enabled: true } },
    pkce: { methods: ['S256'], required: () => true },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 600, Grant: 600 },
    async renderError(ctx, out) {
      ctx.type = 'json'
      ctx.body = out
    },
  })
  // The login step, with the account's `amr`: the development login form knows only the account id.
  provider.use(async (ctx, next) => {
    const match = /^\/interaction\/([^/]+)\/login$/.exec(ctx.path)
    if (ctx.method !== 'POST' || !match) return next()
    const login = parseForm(await readBody(ctx.req)).get('login') ?? ''
    const account = accounts.get(login)
    await provider.interactionFinished(
      ctx.req,
      ctx.res,
      account ? { login: { accountId: login, amr: account.amr } } : { error: 'access_denied', error_description: 'no such test account' },
      { mergeWithLastSubmission: false },
    )
  })
  const providerServer = createServer(provider.callback())
  const providerPort = await listenOnLoopback(providerServer)

  async function tampered(idToken: string): Promise<string> {
    const header = decodeProtectedHeader(idToken)
    const payload: JWTPayload = { ...decodeJwt(idToken) }
    const now = Math.floor(Date.now() / 1000)
    if (tamper === 'expired') Object.assign(payload, { iat: now - 3600, exp: now - 600 })
    if (tamper === 'nonce') payload.nonce = 'a-nonce-of-another-sign-in'
    if (tamper === 'audience') payload.aud = 'another-client'
    if (tamper === 'issuer') payload.iss = 'https://another-issuer.example.test'
    const key = tamper === 'signature' ? foreign.key : signing.key
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: header.kid ?? kid, typ: header.typ }).sign(key)
  }

  proxy.on('request', (incoming: IncomingMessage, outgoing: ServerResponse) => {
    void (async () => {
      const body = await readBody(incoming)
      const upstream = httpRequest({
        host: '127.0.0.1',
        port: providerPort,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
        timeout: requestTimeoutMillis,
      })
      upstream.on('response', (answer) => {
        void (async () => {
          const answerBody = await readBody(answer)
          const headers = { ...answer.headers }
          let sent = answerBody
          if (tamper !== 'none' && incoming.url === '/token' && answer.statusCode === 200) {
            const parsed = JSON.parse(answerBody.toString('utf8')) as { id_token?: string }
            if (parsed.id_token) {
              parsed.id_token = await tampered(parsed.id_token)
              sent = Buffer.from(JSON.stringify(parsed))
              headers['content-length'] = String(sent.length)
            }
          }
          outgoing.writeHead(answer.statusCode ?? 502, headers)
          outgoing.end(sent)
        })().catch(() => outgoing.destroy())
      })
      upstream.on('timeout', () => upstream.destroy(new Error('the test provider did not answer')))
      upstream.on('error', () => {
        if (!outgoing.headersSent) outgoing.writeHead(502)
        outgoing.end()
      })
      upstream.end(body)
    })().catch(() => outgoing.destroy())
  })

  return {
    issuer,
    clientId,
    clientSecret,
    jwks: { keys: [signing.jwk] },
    accounts,
    setTamper(mode) {
      tamper = mode
    },
    async close() {
      await Promise.all([closeServer(proxy), closeServer(providerServer)])
    },
  }
}

/** A browser's cookies, kept per path, for the provider's interaction and session cookies. */
class CookieJar {
  private readonly cookies = new Map<string, { name: string; value: string; path: string }>()

  header(url: URL): string {
    return [...this.cookies.values()]
      .filter((cookie) => url.pathname.startsWith(cookie.path))
      .map((cookie) => `${cookie.name}=${cookie.value}`)
      .join('; ')
  }

  store(url: URL, headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim())
      const separator = pair!.indexOf('=')
      const name = pair!.slice(0, separator)
      const value = pair!.slice(separator + 1)
      const path = attributes.find((attribute) => attribute.toLowerCase().startsWith('path='))?.slice(5) ?? url.pathname
      const expired = attributes.some((attribute) => /^expires=.*1970/i.test(attribute)) || value === ''
      const key = `${name}|${path}`
      if (expired) this.cookies.delete(key)
      else this.cookies.set(key, { name, value, path })
    }
  }
}

class Browser {
  readonly jar = new CookieJar()

  async send(url: URL, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
    if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost' && url.hostname !== '[::1]')
      throw new Error(`the test browser goes to loopback addresses only, not ${url.host}`)
    const headers: Record<string, string> = {}
    const cookie = this.jar.header(url)
    if (cookie) headers.cookie = cookie
    let body: string | undefined
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      body = new URLSearchParams(init.form).toString()
    }
    const response = await fetch(url, {
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(requestTimeoutMillis),
    })
    this.jar.store(url, response.headers)
    return response
  }

  /** Follows redirects until `stop` says so or an answer is not a redirect; returns the last URL asked and its answer. */
  async follow(
    start: URL,
    stop: (url: URL) => boolean,
    init: { form?: Record<string, string> } = {},
  ): Promise<{ url: URL; response: Response }> {
    let url = start
    let response = await this.send(url, init)
    for (let hops = 0; hops < maximumRedirects; hops += 1) {
      const location = response.headers.get('location')
      if (response.status < 300 || response.status >= 400 || !location) return { url, response }
      await response.body?.cancel()
      url = new URL(location, url)
      if (stop(url)) return { url, response }
      response = await this.send(url)
    }
    throw new Error(`more than ${maximumRedirects} redirects from ${start.href}`)
  }
}

export interface DriveOptions {
  /** The account's login name at the test provider. */
  login: string
  /** Cancel at the provider's login instead (it answers `error=access_denied`). */
  abort?: boolean
}

function interactionUid(url: URL): string {
  const match = /^\/interaction\/([^/]+)$/.exec(url.pathname)
  if (!match) throw new Error(`expected the provider's interaction page, got ${url.href}`)
  return match[1]!
}

/**
 * The browser's part up to the provider's redirect to the server's callback, which is returned
 * without being followed (to deliver it later, twice, or altered).
 */
export async function driveToCallback(authorizationUrl: string, options: DriveOptions): Promise<URL> {
  const browser = new Browser()
  const start = new URL(authorizationUrl)
  const atProvider = (url: URL) => url.origin === start.origin
  const leaving = (url: URL) => !atProvider(url) || url.pathname.startsWith('/interaction/')
  let step = await browser.follow(start, leaving)
  for (let prompts = 0; prompts < 4 && atProvider(step.url); prompts += 1) {
    const uid = interactionUid(step.url)
    const page = await browser.send(step.url)
    const html = await page.text()
    if (page.status !== 200) throw new Error(`the provider's interaction page answered ${page.status}: ${html.slice(0, 300)}`)
    const base = new URL(`/interaction/${uid}`, start)
    if (options.abort) step = await browser.follow(new URL(`${base.pathname}/abort`, start), leaving)
    else if (/name="prompt" value="login"/.test(html))
      step = await browser.follow(new URL(`${base.pathname}/login`, start), leaving, { form: { login: options.login } })
    else step = await browser.follow(base, leaving, { form: { prompt: 'consent' } })
  }
  if (atProvider(step.url)) throw new Error(`the provider did not let the browser go: ${step.url.href}`)
  return step.url
}

export interface SignInResult {
  /** The one-time code the callback handed to the app's loopback redirect. */
  code: string
  /** The app's state, as the callback returned it. */
  state: string
  /** The whole loopback address the browser was sent to. */
  appRedirect: URL
}

/** Delivers the provider's redirect to the server's callback; returns its 303 to the app's loopback redirect. */
export async function deliverCallback(callbackUrl: URL, options: { followToApp?: boolean } = {}): Promise<SignInResult> {
  const response = await fetch(callbackUrl, { redirect: 'manual', signal: AbortSignal.timeout(requestTimeoutMillis) })
  const text = await response.text()
  const location = response.headers.get('location')
  if (response.status !== 303 || !location) throw new Error(`the callback answered ${response.status}: ${text.slice(0, 300)}`)
  const appRedirect = new URL(location)
  if (options.followToApp) await (await fetch(appRedirect, { signal: AbortSignal.timeout(requestTimeoutMillis) })).body?.cancel()
  return { code: appRedirect.searchParams.get('code') ?? '', state: appRedirect.searchParams.get('state') ?? '', appRedirect }
}

/**
 * The whole browser part of a sign-in: from the authorization URL `ssoStart` answered to the
 * app's loopback redirect. With `followToApp`, the browser also opens that loopback address, as a
 * real one would (the app's listener receives the code); otherwise it only reads it.
 */
export async function driveSignIn(authorizationUrl: string, options: DriveOptions & { followToApp?: boolean }): Promise<SignInResult> {
  return deliverCallback(await driveToCallback(authorizationUrl, options), options)
}
