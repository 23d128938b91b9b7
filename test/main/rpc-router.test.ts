/**
 * Main's bridge router and API client, under Node, against a real backend and database: sender
 * checks, validation before anything reaches the network, sign-in without any token reaching the
 * renderer, refresh on expiry and on a 401 (one refresh for concurrent calls), a revoked session
 * ending cleanly, problem mapping, operator reasons, and CSV export with progress and cancel.
 */
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { BridgeEventName, BridgeEvents } from '../../src/shared/bridge.js'
import { ConnectionManager } from '../../src/main/connection-manager.js'
import { memoryVault, openCredentialStore } from '../../src/main/credential-store.js'
import { createRpcRouter, type RpcRoute } from '../../src/main/rpc-router.js'
import { sessionEndedType } from '../../src/main/api-client.js'
import { withOperatorRead } from '../../src/server/db/with-operator.js'
import { closedLoopbackUrl } from '../support/loopback-backends.js'
import { useTestDatabase } from '../support/test-database.js'
import { createUser, useTestServer } from '../support/test-server.js'

const database = useTestDatabase()
const server = useTestServer(database)
const page = 'file:///app/out/renderer/index.html'
const trusted = { senderUrl: page }
let route: RpcRoute
let connections: ConnectionManager
const events: Array<{ event: BridgeEventName; payload: unknown }> = []
const requests: Array<{ method: string; url: string }> = []
let corruptNextAuthorization = false
let savePath: string | null = null
let onProgress: ((payload: BridgeEvents['export-progress']) => void) | null = null

const recordingFetch: typeof fetch = async (input, init) => {
  const url = input instanceof Request ? input.url : input.toString()
  requests.push({ method: init?.method ?? 'GET', url })
  const headers = { ...(init?.headers as Record<string, string>) }
  if (corruptNextAuthorization && headers.authorization) {
    corruptNextAuthorization = false
    headers.authorization = 'Bearer not.a.valid-token'
  }
  return fetch(input, { ...init, headers })
}

beforeAll(async () => {
  await createUser(database(), { email: 'console@example.test', password: 'console password 1', platformAdmin: true })
  const settingsDir = await mkdtemp(join(tmpdir(), 'limena-main-'))
  connections = new ConnectionManager({
    settingsPath: join(settingsDir, 'settings.json'),
    credentials: await openCredentialStore(memoryVault()),
    embeddedBackend: () => ({ state: 'ready', url: server().url, message: null }),
    fetch: recordingFetch,
    onSessionEnded: () => void connections.status().then((payload) => events.push({ event: 'session-changed', payload })),
  })
  route = createRpcRouter({
    isTrustedSender: (url) => url === page,
    connections,
    chooseSavePath: async () => savePath,
    emit: (event, payload) => {
      events.push({ event, payload })
      if (event === 'export-progress') onProgress?.(payload as BridgeEvents['export-progress'])
    },
  })
})

function expectNoSecrets(value: unknown): void {
  const text = JSON.stringify(value)
  expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./)
  expect(text).not.toMatch(/accessToken|refreshToken|refresh_token|csrf/i)
  expect(text).not.toMatch(/\n\s+at |node_modules/)
}

describe('the bridge router', () => {
  it('refuses calls from any other frame before doing anything', async () => {
    const before = requests.length
    const result = await route({ senderUrl: 'https://evil.example/' }, 'listTenants', {})
    expect(result).toMatchObject({ ok: false, problem: { status: 403 } })
    expect((await route({ senderUrl: `${page}.evil.html` }, 'sessionStatus', {})).ok).toBe(false)
    expect(requests.length).toBe(before)
  })

  it('refuses unknown operations and invalid input without reaching the network', async () => {
    const before = requests.length
    expect(await route(trusted, 'dropDatabase', {})).toMatchObject({ ok: false, problem: { status: 400, title: 'Unknown operation' } })
    const invalid = await route(trusted, 'createTenant', { name: '', slug: 'Not A Slug!' })
    expect(invalid).toMatchObject({
      ok: false,
      problem: { status: 400, errors: expect.arrayContaining([expect.objectContaining({ path: 'slug' })]) },
    })
    // The sentence a form shows names the fields to fix, not just "invalid input".
    expect(invalid.ok ? null : invalid.problem.detail).toMatch(/^name: .+; slug: .+/)
    expect(await route(trusted, 'signIn', { email: 'x' })).toMatchObject({ ok: false, problem: { status: 400 } })
    expect(await route(trusted, 'listTenants', {}, { accessReason: 'x' })).toMatchObject({ ok: false, problem: { status: 400 } })
    expect(requests.length).toBe(before)
  })

  it('signs in and reports the session, with no token in anything the renderer gets', async () => {
    const wrong = await route(trusted, 'signIn', { email: 'console@example.test', password: 'wrong password entirely' })
    expect(wrong).toMatchObject({ ok: false, problem: { status: 401 } })
    const signedIn = await route(trusted, 'signIn', { email: 'console@example.test', password: 'console password 1' })
    expect(signedIn).toMatchObject({
      ok: true,
      value: { signedIn: true, user: { email: 'console@example.test', isPlatformAdmin: true }, credentialStore: 'keychain' },
    })
    expectNoSecrets(signedIn)
    expectNoSecrets(events)
  })

  it('refuses the session operations by name: the renderer signs in through main only', async () => {
    const before = requests.length
    // Valid input each time, so nothing but the router's refusal stands between the call and the backend.
    const attempts: Array<[string, Record<string, unknown>]> = [
      ['login', { email: 'console@example.test', password: 'console password 1' }],
      ['refresh', {}],
      ['logout', {}],
      ['acceptInvite', { token: 'an-invitation-token', password: 'a password of length' }],
      [
        'ssoStart',
        {
          tenant: 'bridge-co',
          redirectUri: 'http://127.0.0.1:4567/sso/callback',
          codeChallenge: 'c'.repeat(43),
          codeChallengeMethod: 'S256',
          state: 's'.repeat(32),
        },
      ],
      ['ssoCallback', { code: 'x', state: 'y' }],
      ['ssoExchange', { code: 'one-time-code', codeVerifier: 'v'.repeat(43) }],
    ]
    for (const [operation, input] of attempts) {
      const refused = await route(trusted, operation, input)
      expect(refused, operation).toMatchObject({ ok: false, problem: { status: 403, title: 'Not a console operation' } })
      expectNoSecrets(refused)
    }
    expect(requests.length).toBe(before)
    // Still signed in: the refused logout ended nothing.
    expect(await route(trusted, 'sessionStatus', {})).toMatchObject({
      ok: true,
      value: { signedIn: true, origin: { method: 'password', sso: null } },
    })
  })

  it('performs contract operations and maps problems to their fields only', async () => {
    const created = await route(trusted, 'createTenant', { name: 'Bridge Co', slug: 'bridge-co' })
    expect(created).toMatchObject({ ok: true, value: { slug: 'bridge-co', role: 'owner' } })
    const missing = await route(trusted, 'getTenant', { tenantId: crypto.randomUUID() })
    expect(missing).toMatchObject({ ok: false, problem: { status: 404, type: 'urn:limena:problem:not-found' } })
    expect(Object.keys((missing as { problem: object }).problem).sort()).toEqual(['detail', 'requestId', 'status', 'title', 'type'])
    expectNoSecrets(created)
  })

  it('sends the access reason of operator calls', async () => {
    expect(await route(trusted, 'adminListTenants', {})).toMatchObject({
      ok: false,
      problem: { status: 400, detail: expect.stringMatching(/X-Access-Reason/) },
    })
    expect(await route(trusted, 'adminListTenants', {}, { accessReason: 'SUP-1 checking the bridge' })).toMatchObject({
      ok: true,
      value: { items: [expect.objectContaining({ slug: 'bridge-co' })] },
    })
  })

  it('sends an access reason in any language so that it reaches the log as written', async () => {
    const reason = 'Prüfung für SUP-2: 顧客の問い合わせ'
    const tenants = await route(trusted, 'adminListTenants', {}, { accessReason: reason })
    expect(tenants).toMatchObject({ ok: true })
    const tenantId = (tenants as { value: { items: Array<{ id: string }> } }).value.items[0]!.id
    expect(await route(trusted, 'adminGetTenant', { tenantId }, { accessReason: reason })).toMatchObject({ ok: true })
    const recorded = await withOperatorRead(
      database().pools,
      async (client) =>
        (
          await client.query<{ reason: string }>(
            "SELECT reason FROM audit_logs WHERE tenant_id = $1 AND action = 'operator.read' ORDER BY seq DESC LIMIT 1",
            [tenantId],
          )
        ).rows[0]?.reason,
    )
    expect(recorded).toBe(reason)
  })

  it('refreshes a lost access token from the stored session, once for many concurrent calls', async () => {
    ;(await connections.activeClient())!.forgetAccessToken()
    const refreshesBefore = requests.filter((request) => request.url.endsWith('/auth/refresh')).length
    const results = await Promise.all(Array.from({ length: 5 }, () => route(trusted, 'listTenants', {})))
    expect(results.every((result) => result.ok)).toBe(true)
    expect(requests.filter((request) => request.url.endsWith('/auth/refresh')).length - refreshesBefore).toBe(1)
    expect((await route(trusted, 'listTenants', {})).ok).toBe(true)
  })

  it('refreshes and retries once when the backend answers 401', async () => {
    corruptNextAuthorization = true
    const result = await route(trusted, 'me', {})
    expect(result).toMatchObject({ ok: true, value: { kind: 'user' } })
  })

  it('ends a revoked session cleanly: a session-ended problem and a session-changed event', async () => {
    const admin = await database().admin()
    await admin.query(
      "UPDATE limena.refresh_tokens SET revoked_at = now() WHERE user_id = (SELECT id FROM limena.users WHERE email = 'console@example.test')",
    )
    await admin.end()
    ;(await connections.activeClient())!.forgetAccessToken()
    const result = await route(trusted, 'listTenants', {})
    expect(result).toMatchObject({ ok: false, problem: { type: sessionEndedType, status: 401 } })
    const status = await route(trusted, 'sessionStatus', {})
    expect(status).toMatchObject({ ok: true, value: { signedIn: false } })
    expect(events.some((entry) => entry.event === 'session-changed' && (entry.payload as { signedIn: boolean }).signedIn === false)).toBe(
      true,
    )
    await route(trusted, 'signIn', { email: 'console@example.test', password: 'console password 1' })
  })
})

describe('connections', () => {
  it('accepts https and loopback http, and refuses plain http elsewhere', async () => {
    // Neither answers here: added only because the person said to add them even so.
    expect(
      await route(trusted, 'addConnection', { name: 'Production', url: 'https://limena.example.com/some/path', evenIfUnreachable: true }),
    ).toMatchObject({
      ok: true,
      value: { kind: 'remote', url: 'https://limena.example.com' },
    })
    expect(await route(trusted, 'addConnection', { name: 'Local', url: 'http://127.0.0.1:7420', evenIfUnreachable: true })).toMatchObject({
      ok: true,
    })
    const refused = await route(trusted, 'addConnection', { name: 'Insecure', url: 'http://limena.example.com' })
    expect(refused).toMatchObject({
      ok: false,
      problem: { status: 400, detail: 'remote backends must use https; plain http is allowed only for 127.0.0.1 and localhost' },
    })
    const list = await route(trusted, 'listConnections', {})
    expect((list as { value: { items: unknown[] } }).value.items).toHaveLength(3)
    expect(await route(trusted, 'selectConnection', { id: 'nope' })).toMatchObject({ ok: false, problem: { status: 404 } })
  })

  it('asks a backend before adding it: one that does not answer is refused unless added even so, and said why', async () => {
    const url = await closedLoopbackUrl()
    const refused = await route(trusted, 'addConnection', { name: 'Not yet', url })
    expect(refused).toMatchObject({ ok: false, problem: { status: 400, title: 'Backend not reachable', errors: [{ path: 'url' }] } })
    expect((refused as { problem: { detail: string } }).problem.detail).toMatch(/connection refused/)
    expect(await route(trusted, 'testConnection', { url: server().url })).toMatchObject({ ok: true, value: { ok: true, database: 'up' } })
    expect(await route(trusted, 'testConnection', { url })).toMatchObject({ ok: true, value: { ok: false, reason: 'unreachable' } })
    expect(await route(trusted, 'testConnection', { url: 'ftp://x' })).toMatchObject({
      ok: true,
      value: { ok: false, reason: 'invalid-url' },
    })
  })

  it('edits a connection: renamed in place, and moved only to a backend that answers', async () => {
    const added = (await route(trusted, 'addConnection', { name: 'Staging', url: server().url })) as { ok: true; value: { id: string } }
    expect(added.ok).toBe(true)
    const renamed = await route(trusted, 'updateConnection', { id: added.value.id, name: 'Staging (EU)', url: server().url })
    expect(renamed).toMatchObject({ ok: true, value: { name: 'Staging (EU)', url: server().url } })
    const moved = await route(trusted, 'updateConnection', { id: added.value.id, name: 'Staging (EU)', url: 'https://nowhere.invalid' })
    expect(moved).toMatchObject({ ok: false, problem: { status: 400, errors: [{ path: 'url' }] } })
    const list = (await route(trusted, 'listConnections', {})) as { value: { items: Array<{ id: string; name: string; url: string }> } }
    expect(list.value.items.find((item) => item.id === added.value.id)).toMatchObject({ name: 'Staging (EU)', url: server().url })
    expect(await route(trusted, 'updateConnection', { id: 'embedded', name: 'x', url: server().url })).toMatchObject({
      ok: false,
      problem: { status: 404 },
    })
  })
})

describe('CSV export through the bridge', () => {
  let tenantId: string

  beforeAll(async () => {
    const tenants = await route(trusted, 'listTenants', {})
    tenantId = (tenants as { value: { items: Array<{ id: string }> } }).value.items[0]!.id
    const admin = await database().admin()
    await admin.query(
      `INSERT INTO limena.audit_logs (tenant_id, seq, action, actor_type, actor_name, metadata, prev_hash, hash)
       SELECT $1, 1000 + g, 'tenant.updated', 'user', 'bulk@example.test', jsonb_build_object('n', g), '\\x00', '\\x00' FROM generate_series(1, 150000) g`,
      [tenantId],
    )
    await admin.end()
  })

  it('writes the file with progress events, and no partial file', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'limena-export-'))
    savePath = join(directory, 'audit.csv')
    const result = await route(trusted, 'exportAuditCsv', { tenantId, action: 'tenant.created' })
    expect(result).toMatchObject({ ok: true, value: { outcome: 'done', path: savePath, rows: 1 } })
    expect((await readFile(savePath, 'utf8')).split('\n')[0]).toMatch(/^"id","at \(UTC, ISO 8601\)","tenant_id","action"/)
    expect(events.filter((entry) => entry.event === 'export-progress').at(-1)!.payload).toMatchObject({ done: true, rows: 1 })
    expect(await readdir(directory)).toEqual(['audit.csv'])
  })

  it('exports the platform audit log only with a reason, and records that export in it', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'limena-export-'))
    savePath = join(directory, 'platform.csv')
    const before = requests.length
    expect(await route(trusted, 'exportPlatformAuditCsv', {})).toMatchObject({
      ok: false,
      problem: { status: 400, errors: [{ path: 'accessReason' }] },
    })
    expect(requests.length).toBe(before)
    const result = await route(trusted, 'exportPlatformAuditCsv', {}, { accessReason: 'SUP-7 yearly access review' })
    expect(result).toMatchObject({ ok: true, value: { outcome: 'done', path: savePath } })
    const lines = (await readFile(savePath, 'utf8')).trim().split('\n')
    expect(lines[0]).toContain('"at (UTC, ISO 8601)"')
    expect(lines.slice(1).some((line) => line.includes('platform.audit_log_exported') && line.includes('SUP-7 yearly access review'))).toBe(
      true,
    )
  })

  it('cancels mid-stream and leaves no file behind', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'limena-export-'))
    savePath = join(directory, 'big.csv')
    let exportId: string | null = null
    onProgress = (progress) => {
      if (!exportId && !progress.done) {
        exportId = progress.exportId
        void route(trusted, 'cancelExport', { exportId })
      }
    }
    const result = await route(trusted, 'exportAuditCsv', { tenantId })
    onProgress = null
    expect(result).toMatchObject({ ok: true, value: { outcome: 'cancelled', path: null } })
    expect(existsSync(savePath)).toBe(false)
    expect(await readdir(directory)).toEqual([])
  })

  it('reports a cancelled save dialog as cancelled, without a request', async () => {
    savePath = null
    const before = requests.length
    expect(await route(trusted, 'exportAuditCsv', { tenantId })).toMatchObject({
      ok: true,
      value: { outcome: 'cancelled', path: null, rows: 0 },
    })
    expect(requests.length).toBe(before)
  })
})

describe('a failure the console is spared', () => {
  it('answers a plain problem and records what went wrong in main’s log', async () => {
    const logged: Array<{ fields: unknown; message: string }> = []
    const failing = createRpcRouter({
      isTrustedSender: (url) => url === page,
      connections: {
        activeClient: async () => Promise.reject(new Error('the keychain went away mid-call')),
      } as unknown as ConnectionManager,
      chooseSavePath: async () => null,
      emit: () => undefined,
      log: { error: (fields: unknown, message?: string) => void logged.push({ fields, message: message ?? '' }) },
    })
    const result = await failing(trusted, 'listTenants', {})
    expect(result).toMatchObject({ ok: false, problem: { status: 500, detail: 'the console could not complete this; try again' } })
    expect(JSON.stringify(result)).not.toContain('keychain')
    expect(logged).toEqual([
      { fields: { operation: 'listTenants', err: { message: 'the keychain went away mid-call' } }, message: 'a bridge call failed' },
    ])
  })
})
