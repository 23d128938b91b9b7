/**
 * Single sign-on as the desktop app does it (RFC 8252), through main's bridge router under Node,
 * against a real backend and database and a real OpenID provider (oidc-provider, on loopback):
 * the opener gets the provider's address and plays the browser (the provider's login, its redirect
 * to the backend's callback, the backend's 303 to main's loopback listener), main trades the
 * one-time code with its PKCE verifier, and the session lives like a password session (the
 * refresh token in the credential store, a session-changed event, resumed after a restart with its
 * origin). Also: a refusal reaches the console unchanged and the browser says it in words; a
 * forged request to the loopback does not end the real sign-in; cancel, time-out, a browser that
 * does not open; a remote connection; and nothing the renderer gets holds a token.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BridgeEventName } from '../../src/shared/bridge.js'
import { ConnectionManager } from '../../src/main/connection-manager.js'
import { memoryVault, openCredentialStore, type CredentialStore } from '../../src/main/credential-store.js'
import { createRpcRouter, type RpcRoute } from '../../src/main/rpc-router.js'
import { isBrowserAddress } from '../../src/main/sso-sign-in.js'
import { deliverCallback, driveToCallback, startTestProvider, type TestProvider } from '../support/oidc-provider.js'
import { ssoCallbackPath } from '../support/sso-app.js'
import { useTestDatabase } from '../support/test-database.js'
import { ApiClient, createUser, useTestServer } from '../support/test-server.js'

const database = useTestDatabase()
const server = useTestServer(database)
const page = 'file:///app/out/renderer/index.html'
const trusted = { senderUrl: page }
const ownerPassword = 'the owner password, long enough'
let provider: TestProvider
let tenantId: string

/** What the test's "browser" saw: the addresses it was asked to open, and the loopback page it ended on. */
interface BrowserRecord {
  opened: string[]
  pages: Array<{ status: number; text: string }>
}

/** The system browser, played over HTTP: the provider's login as `login`, then main's loopback page, read in full. */
function browserSigningInAs(login: string, record: BrowserRecord, before?: (appRedirect: URL) => Promise<void>) {
  return async (url: string): Promise<void> => {
    record.opened.push(url)
    void (async () => {
      const callback = await driveToCallback(url, { login })
      const { appRedirect } = await deliverCallback(callback)
      await before?.(appRedirect)
      const answer = await fetch(appRedirect)
      record.pages.push({ status: answer.status, text: await answer.text() })
    })()
  }
}

async function consoleWith(options: {
  openExternal?: (url: string) => Promise<void>
  ssoLifetimeMillis?: number
  credentials?: CredentialStore
}) {
  const events: Array<{ event: BridgeEventName; payload: unknown }> = []
  const credentials = options.credentials ?? (await openCredentialStore(memoryVault()))
  const connections = new ConnectionManager({
    settingsPath: join(await mkdtemp(join(tmpdir(), 'limena-sso-')), 'settings.json'),
    credentials,
    embeddedBackend: () => ({ state: 'ready', url: server().url, message: null }),
  })
  const route: RpcRoute = createRpcRouter({
    isTrustedSender: (url) => url === page,
    connections,
    chooseSavePath: async () => null,
    emit: (event, payload) => void events.push({ event, payload }),
    openExternal: options.openExternal,
    ssoLifetimeMillis: options.ssoLifetimeMillis,
  })
  return { route, connections, credentials, events }
}

function expectNoSecrets(value: unknown): void {
  const text = JSON.stringify(value)
  expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\./)
  expect(text).not.toMatch(/accessToken|refreshToken|refresh_token|csrf|codeVerifier/i)
}

beforeAll(async () => {
  provider = await startTestProvider({
    redirectUri: `${server().url}${ssoCallbackPath}`,
    accounts: {
      ada: { email: 'ada@sso-main.test', emailVerified: true, amr: ['pwd', 'otp'] },
      grace: { email: 'grace@sso-main.test', emailVerified: true },
      stranger: { email: 'stranger@elsewhere.test', emailVerified: true },
    },
  })
  await createUser(database(), { email: 'owner@sso-main.test', password: ownerPassword })
  const owner = new ApiClient(server().url)
  expect((await owner.login('owner@sso-main.test', ownerPassword)).status).toBe(200)
  tenantId = (await owner.request<{ id: string }>('POST', '/tenants', { body: { name: 'Main Street', slug: 'main-street' } })).body.id
  const configured = await owner.request('PUT', `/tenants/${tenantId}/sso`, {
    body: {
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      allowedDomains: ['sso-main.test'],
      defaultRole: 'member',
      requireSso: false,
    },
  })
  expect(configured.status, configured.text).toBe(200)
})

afterAll(async () => {
  await provider?.close()
})

describe('single sign-on through the system browser', () => {
  let credentials: CredentialStore

  it('signs a new person in through the loopback redirect, like a password session', async () => {
    const browser: BrowserRecord = { opened: [], pages: [] }
    const app = await consoleWith({ openExternal: browserSigningInAs('ada', browser) })
    credentials = app.credentials
    const result = await app.route(trusted, 'signInWithSso', { email: 'ada@sso-main.test' })
    expect(result, JSON.stringify(result)).toMatchObject({
      ok: true,
      value: {
        signedIn: true,
        user: { email: 'ada@sso-main.test' },
        memberships: [{ tenantId, tenantSlug: 'main-street', role: 'member' }],
        origin: { method: 'sso', sso: { issuer: provider.issuer, tenantId, amr: ['pwd', 'otp'] } },
      },
    })
    // The browser was sent to the provider (not to anything else), and came back to a page that says so.
    expect(browser.opened).toHaveLength(1)
    expect(new URL(browser.opened[0]!).origin).toBe(provider.issuer)
    expect(new URL(browser.opened[0]!).searchParams.get('code_challenge_method')).toBe('S256')
    await expect.poll(() => browser.pages.length).toBe(1)
    expect(browser.pages[0]).toMatchObject({
      status: 200,
      text: expect.stringContaining('You are signed in to Limena as ada@sso-main.test.'),
    })
    // Kept like a password session: refresh token in the credential store, the event the window listens to.
    expect(await credentials.sessionFor('embedded').load()).toMatchObject({
      refreshToken: expect.any(String),
      csrfToken: expect.any(String),
    })
    expect(app.events.at(-1)).toMatchObject({ event: 'session-changed', payload: { signedIn: true, origin: { method: 'sso' } } })
    expectNoSecrets(result)
    expectNoSecrets(app.events)
    // The session works, and the backend sees the console by its own name.
    const sessions = await app.route(trusted, 'listMySessions', {})
    expect(sessions).toMatchObject({ ok: true, value: { items: [{ current: true, origin: { method: 'sso' } }] } })
    expect((sessions as { value: { items: Array<{ userAgent: string }> } }).value.items[0]!.userAgent).toMatch(/^LimenaConsole \(/)
  })

  it('resumes the stored session after a restart, knowing how it was opened', async () => {
    const restarted = await consoleWith({ credentials })
    expect(await restarted.route(trusted, 'sessionStatus', {})).toMatchObject({
      ok: true,
      value: { signedIn: true, user: { email: 'ada@sso-main.test' }, origin: { method: 'sso', sso: { tenantId } } },
    })
  })

  it('passes a refusal on unchanged, and the browser says it in words', async () => {
    const browser: BrowserRecord = { opened: [], pages: [] }
    const app = await consoleWith({ openExternal: browserSigningInAs('stranger', browser) })
    const result = await app.route(trusted, 'signInWithSso', { tenant: 'main-street' })
    expect(result).toMatchObject({
      ok: false,
      problem: { type: 'urn:limena:problem:sso-failed', status: 403, check: 'domain', detail: expect.stringMatching(/domain/) },
    })
    await expect.poll(() => browser.pages.length).toBe(1)
    expect(browser.pages[0]!.status).toBe(400)
    expect(browser.pages[0]!.text).toContain('Sign-in refused')
    expect(browser.pages[0]!.text).toContain('the email address is not in a domain allowed for this single sign-on')
    expect(await app.route(trusted, 'sessionStatus', {})).toMatchObject({ ok: true, value: { signedIn: false, origin: null } })
  })

  it('passes on a tampered ID token’s refusal with its check', async () => {
    provider.setTamper('signature')
    try {
      const app = await consoleWith({ openExternal: browserSigningInAs('grace', { opened: [], pages: [] }) })
      expect(await app.route(trusted, 'signInWithSso', { email: 'grace@sso-main.test' })).toMatchObject({
        ok: false,
        problem: { type: 'urn:limena:problem:sso-failed', check: 'signature' },
      })
    } finally {
      provider.setTamper('none')
    }
  })

  it('does not let a forged request to the loopback end the real sign-in', async () => {
    const browser: BrowserRecord = { opened: [], pages: [] }
    const forged: number[] = []
    const app = await consoleWith({
      openExternal: browserSigningInAs('grace', browser, async (appRedirect) => {
        // Another page on this machine found the port and guesses: another state, then no state.
        const guess = new URL(appRedirect)
        guess.searchParams.set('state', 'a-guessed-state-of-some-length')
        forged.push((await fetch(guess)).status)
        guess.searchParams.delete('state')
        forged.push((await fetch(guess)).status)
      }),
    })
    const result = await app.route(trusted, 'signInWithSso', { email: 'grace@sso-main.test' })
    expect(forged).toEqual([400, 400])
    expect(result).toMatchObject({ ok: true, value: { signedIn: true, user: { email: 'grace@sso-main.test' } } })
  })

  it('signs in on a remote connection too', async () => {
    const app = await consoleWith({ openExternal: browserSigningInAs('grace', { opened: [], pages: [] }) })
    const added = await app.route(trusted, 'addConnection', { name: 'Remote', url: server().url })
    const remoteId = (added as { value: { id: string } }).value.id
    await app.route(trusted, 'selectConnection', { id: remoteId })
    const result = await app.route(trusted, 'signInWithSso', { tenant: 'main-street' })
    expect(result).toMatchObject({ ok: true, value: { signedIn: true, connection: { kind: 'remote' }, origin: { method: 'sso' } } })
    expect(await app.credentials.sessionFor(remoteId).load()).not.toBeNull()
    expect(await app.credentials.sessionFor('embedded').load()).toBeNull()
  })
})

describe('when the browser does not come back', () => {
  it('cancels: the sign-in resolves signed out and its listener closes', async () => {
    const opened: string[] = []
    const app = await consoleWith({ openExternal: async (url) => void opened.push(url) })
    const pending = app.route(trusted, 'signInWithSso', { tenant: 'main-street' })
    await expect.poll(() => opened.length).toBe(1)
    expect(await app.route(trusted, 'cancelSso', {})).toEqual({ ok: true, value: { cancelled: true } })
    expect(await pending).toMatchObject({ ok: true, value: { signedIn: false } })
    // Nothing waits any more.
    expect(await app.route(trusted, 'cancelSso', {})).toEqual({ ok: true, value: { cancelled: false } })
  })

  it('gives up after its lifetime, saying so', async () => {
    const app = await consoleWith({ openExternal: async () => undefined, ssoLifetimeMillis: 300 })
    expect(await app.route(trusted, 'signInWithSso', { tenant: 'main-street' })).toMatchObject({
      ok: false,
      problem: { type: 'urn:limena:problem:sso-failed', status: 408, title: 'Sign-in timed out' },
    })
  })

  it('says when the system browser cannot be opened', async () => {
    const app = await consoleWith({
      openExternal: async () => {
        throw new Error('no default browser is set')
      },
    })
    expect(await app.route(trusted, 'signInWithSso', { tenant: 'main-street' })).toMatchObject({
      ok: false,
      problem: { status: 500, title: 'Browser not opened', detail: expect.stringContaining('no default browser is set') },
    })
  })

  it('answers a backend refusal before the browser is opened (no provider for that domain)', async () => {
    const opened: string[] = []
    const app = await consoleWith({ openExternal: async (url) => void opened.push(url) })
    expect(await app.route(trusted, 'signInWithSso', { email: 'someone@no-sso.test' })).toMatchObject({
      ok: false,
      problem: { status: 404 },
    })
    expect(opened).toEqual([])
  })
})

describe('the addresses main hands to the OS', () => {
  it('are web pages only: https, or http on this machine', () => {
    expect(isBrowserAddress('https://login.example.com/authorize?x=1')).toBe(true)
    expect(isBrowserAddress('http://127.0.0.1:4000/auth')).toBe(true)
    expect(isBrowserAddress('http://localhost:4000/auth')).toBe(true)
    expect(isBrowserAddress('http://login.example.com/authorize')).toBe(false)
    expect(isBrowserAddress('file:///etc/passwd')).toBe(false)
    expect(isBrowserAddress('smb://share/x')).toBe(false)
    expect(isBrowserAddress('javascript:alert(1)')).toBe(false)
    expect(isBrowserAddress('https://user:pass@login.example.com/')).toBe(false)
    expect(isBrowserAddress('not a url')).toBe(false)
  })
})
