/**
 * A real backend on 127.0.0.1 over this file's test database, with freshly generated secrets, and
 * an HTTP client that keeps cookies like a browser (per path) and signs in through the API.
 */
import type { Express } from 'express'
import { afterAll, beforeAll } from 'vitest'
import { createApp } from '../../src/server/app.js'
import { loopbackHosts } from '../../src/server/middleware/host-check.js'
import { hashPassword } from '../../src/server/crypto/passwords.js'
import { listen, type ListeningServer, type TlsCredentials } from '../../src/server/http-server.js'
import type { ServerDependencies } from '../../src/server/http/operation-context.js'
import { silentLogger, type Logger } from '../../src/server/platform/log.js'
import { generateInstallSecrets, type EncryptionKey, type InstallSecrets } from '../../src/server/secrets/install-secrets.js'
import type { RateLimitStore } from '../../src/server/middleware/rate-limit.js'
import { createServerDependencies } from '../../src/server/server-dependencies.js'
import type { TestDatabase } from './test-database.js'
import { inTransaction } from '../../src/server/db/with-tenant.js'

export interface TestServer {
  url: string
  app: Express
  deps: ServerDependencies
  secrets: InstallSecrets
  listening: ListeningServer
  close(): Promise<void>
}

export async function startTestServer(
  database: TestDatabase,
  options: {
    requestsPerMinute?: number
    rateLimitStore?: RateLimitStore
    tls?: TlsCredentials
    secrets?: InstallSecrets
    log?: Logger
    reloadEncryptionKeys?: () => Promise<EncryptionKey[]>
    loopbackHostOnly?: boolean
    /** LIMENA_PUBLIC_URL's stand-in; the address the server listens on when not given. */
    publicUrl?: string
  } = {},
): Promise<TestServer> {
  const secrets = options.secrets ?? (await generateInstallSecrets())
  let listeningUrl = ''
  const deps = createServerDependencies({
    pools: database.pools,
    secrets,
    log: options.log ?? silentLogger,
    tls: Boolean(options.tls),
    requestsPerMinute: options.requestsPerMinute ?? 0,
    rateLimitStore: options.rateLimitStore,
    reloadEncryptionKeys: options.reloadEncryptionKeys,
    publicUrl: () => options.publicUrl ?? listeningUrl,
  })
  let port = 0
  const app = createApp(deps, options.loopbackHostOnly ? { allowedHosts: () => loopbackHosts(port) } : {})
  const listening = await listen(app, { host: '127.0.0.1', port: 0, tls: options.tls })
  port = listening.port
  listeningUrl = listening.url
  return {
    url: listening.url,
    app,
    deps,
    secrets,
    listening,
    async close() {
      await listening.close()
      await deps.sessionRevocations.close()
    },
  }
}

/** Registers hooks that start and stop a server over `database()`; returns a getter. */
export function useTestServer(database: () => TestDatabase, options: { requestsPerMinute?: number } = {}): () => TestServer {
  let server: TestServer | undefined
  beforeAll(async () => {
    server = await startTestServer(database(), options)
  })
  afterAll(async () => {
    await server?.close()
  })
  return () => {
    if (!server) throw new Error('the test server starts in beforeAll')
    return server
  }
}

export async function createUser(
  database: TestDatabase,
  user: { email: string; password: string; platformAdmin?: boolean },
): Promise<string> {
  const passwordHash = await hashPassword(user.password)
  return inTransaction(database.pools.maintenance, {}, async (client) => {
    const result = await client.query<{ id: string }>(
      'INSERT INTO users (id, email, password_hash, is_platform_admin) VALUES (gen_random_uuid(), $1, $2, $3) RETURNING id',
      [user.email, passwordHash, user.platformAdmin ?? false],
    )
    return result.rows[0]!.id
  })
}

interface StoredCookie {
  value: string
  path: string
}

export interface ApiAnswer<T = unknown> {
  status: number
  headers: Headers
  body: T
  text: string
}

/** A client that keeps cookies per path, holds the access token, and sends the CSRF header. */
export class ApiClient {
  readonly cookies = new Map<string, StoredCookie>()
  accessToken: string | null = null
  sendCsrf = true

  constructor(readonly baseUrl: string) {}

  get csrfToken(): string | undefined {
    return this.cookies.get('csrf')?.value
  }

  private cookieHeader(path: string): string {
    return [...this.cookies.entries()]
      .filter(([, cookie]) => path.startsWith(cookie.path))
      .map(([name, cookie]) => `${name}=${cookie.value}`)
      .join('; ')
  }

  private storeCookies(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';').map((part) => part.trim())
      const [name, ...valueParts] = pair!.split('=')
      const value = decodeURIComponent(valueParts.join('='))
      const path = attributes.find((attribute) => attribute.toLowerCase().startsWith('path='))?.slice(5) ?? '/'
      const expired = attributes.some((attribute) => /^expires=Thu, 01 Jan 1970/i.test(attribute)) || value === ''
      if (expired) this.cookies.delete(name!)
      else this.cookies.set(name!, { value, path })
    }
  }

  async request<T = unknown>(
    method: string,
    path: string,
    options: { body?: unknown; rawBody?: string; contentType?: string; headers?: Record<string, string>; auth?: string | null } = {},
  ): Promise<ApiAnswer<T>> {
    const fullPath = `/api/v1${path}`
    const headers: Record<string, string> = {}
    const authorization = options.auth === undefined ? (this.accessToken ? `Bearer ${this.accessToken}` : null) : options.auth
    if (authorization) headers.authorization = authorization
    const cookie = this.cookieHeader(fullPath)
    if (cookie) headers.cookie = cookie
    if (this.sendCsrf && this.csrfToken && !['GET', 'HEAD'].includes(method)) headers['x-csrf-token'] = this.csrfToken
    Object.assign(headers, options.headers)
    let body: string | undefined
    if (options.rawBody !== undefined) body = options.rawBody
    else if (options.body !== undefined) body = JSON.stringify(options.body)
    if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json'
    const response = await fetch(`${this.baseUrl}${fullPath}`, { method, headers, body, redirect: 'manual' })
    this.storeCookies(response.headers)
    const text = await response.text()
    let parsed: unknown
    try {
      parsed = text ? JSON.parse(text) : undefined
    } catch {
      parsed = text
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text }
  }

  async login(
    email: string,
    password: string,
    headers: Record<string, string> = {},
  ): Promise<ApiAnswer<{ accessToken: string; memberships: Array<{ tenantId: string; role: string }> }>> {
    const answer = await this.request<{ accessToken: string; memberships: Array<{ tenantId: string; role: string }> }>(
      'POST',
      '/auth/login',
      {
        body: { email, password },
        auth: null,
        headers,
      },
    )
    if (answer.status === 200) this.accessToken = answer.body.accessToken
    return answer
  }
}
