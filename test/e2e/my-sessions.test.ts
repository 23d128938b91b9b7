/**
 * "Your sessions" in real Chromium (test/support/console-harness.ts), against a real backend and
 * database: one person signed in on two consoles (each its own main-process router and keychain),
 * a browser and a script, plus a single sign-on session. The page lists them with their device,
 * address and times, how each was opened (password, or SSO through which provider and tenant), and
 * this one marked; ending the other console's session (after a confirmation) signs that console
 * out at its next call, through its real router; ending all the others says how many, and their
 * next calls are refused. axe in both themes; a screenshot.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { ConnectionManager } from '../../src/main/connection-manager.js'
import { memoryVault, openCredentialStore } from '../../src/main/credential-store.js'
import { createRpcRouter } from '../../src/main/rpc-router.js'
import {
  expectAccessibleInBothThemes,
  openPageWithRouter,
  skipBrowserTests,
  startConsole,
  type ConsoleHarness,
} from '../support/console-harness.js'
import { startTestProvider, type TestProvider } from '../support/oidc-provider.js'
import { signInWithSso, ssoCallbackPath } from '../support/sso-app.js'
import { useTestDatabase } from '../support/test-database.js'
import { ApiClient, createUser, startTestServer, type TestServer } from '../support/test-server.js'

const database = useTestDatabase({ maxConnections: 8 })
const email = 'sam@harbor.test'
const password = 'sam has a long password'
const macChrome = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
const windowsFirefox = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0'
let server: TestServer
let provider: TestProvider
let harness: ConsoleHarness
let page: Page
/** The same person on a second computer: its own console, main-process router and keychain. */
let laptop: Page

const sessionsTable = () => page.getByRole('table')
const rowOf = (device: string) => sessionsTable().getByRole('row').filter({ hasText: device })
const toasts = () => page.getByRole('status', { name: 'Notifications' })

async function signIn(target: Page): Promise<void> {
  await target.getByLabel('Email').fill(email)
  await target.getByLabel('Password').fill(password)
  await target.getByRole('button', { name: 'Sign in', exact: true }).click()
  await target.getByText(email).waitFor()
}

/** A sign-in by something other than a console (a browser, a script), with its own user agent. */
async function signInElsewhere(userAgent: string): Promise<ApiClient> {
  const client = new ApiClient(server.url)
  const answer = await client.request<{ accessToken: string }>('POST', '/auth/login', {
    body: { email, password },
    auth: null,
    headers: { 'user-agent': userAgent },
  })
  expect(answer.status, answer.text).toBe(200)
  client.accessToken = answer.body.accessToken
  return client
}

describe.skipIf(skipBrowserTests)('your sessions', () => {
  let browserSession: ApiClient
  let scriptSession: ApiClient
  let ssoSession: ApiClient

  beforeAll(async () => {
    server = await startTestServer(database())
    await createUser(database(), { email: 'operator@harbor.test', password, platformAdmin: true })
    await createUser(database(), { email, password })
    const owner = new ApiClient(server.url)
    await owner.login(email, password)
    const tenantId = (await owner.request<{ id: string }>('POST', '/tenants', { body: { name: 'Harbor Logistics', slug: 'harbor' } })).body
      .id
    // The same person through their tenant's single sign-on as well, from a script.
    provider = await startTestProvider({
      redirectUri: `${server.url}${ssoCallbackPath}`,
      accounts: { sam: { email, emailVerified: true } },
    })
    const configured = await owner.request('PUT', `/tenants/${tenantId}/sso`, {
      body: {
        issuer: provider.issuer,
        clientId: provider.clientId,
        clientSecret: provider.clientSecret,
        allowedDomains: ['harbor.test'],
        defaultRole: 'member',
        requireSso: false,
      },
    })
    expect(configured.status, configured.text).toBe(200)
    await owner.request('POST', '/auth/logout', { auth: null })
    const sso = await signInWithSso(server.url, { tenant: 'harbor' }, { login: 'sam' })
    expect(sso.answer.status, sso.answer.text).toBe(200)
    ssoSession = sso.client
    browserSession = await signInElsewhere(macChrome)
    scriptSession = await signInElsewhere(windowsFirefox)

    harness = await startConsole({ server, database })
    page = harness.page
    await page.goto(`${harness.origin}/index.html#/tenants`)
    await signIn(page)

    const laptopConnections = new ConnectionManager({
      settingsPath: join(await mkdtemp(join(tmpdir(), 'limena-laptop-')), 'settings.json'),
      credentials: await openCredentialStore(memoryVault()),
      embeddedBackend: () => ({ state: 'ready', url: server.url, message: null }),
      onSessionEnded: () =>
        void laptopConnections
          .status()
          .then((status) =>
            laptop.evaluate(
              (payload) =>
                (globalThis as unknown as { __limenaEmit: (n: string, d: unknown) => void }).__limenaEmit('session-changed', payload),
              status,
            ),
          )
          .catch(() => undefined),
      userAgent: 'LimenaConsole/1.0.0 (darwin; arm64)',
    })
    const laptopRoute = createRpcRouter({
      isTrustedSender: (url) => url.startsWith(`${harness.origin}/`),
      connections: laptopConnections,
      chooseSavePath: async () => null,
      emit: () => undefined,
    })
    laptop = await openPageWithRouter(harness, laptopRoute)
    await laptop.goto(`${harness.origin}/index.html#/tenants`)
    await signIn(laptop)
  }, 180_000)

  afterAll(async () => {
    await harness?.close()
    await provider?.close()
    await server?.close()
  })

  it('lists every session: device, address, times, how it was opened, and this one marked', async () => {
    await page.getByRole('navigation', { name: 'Main' }).waitFor()
    await page.getByRole('link', { name: 'Your sessions' }).click()
    await page.getByRole('heading', { name: 'Your sessions' }).waitFor()
    await expect.poll(async () => (await sessionsTable().getByRole('row').count()) - 1, { timeout: 15_000 }).toBe(5)

    const current = rowOf('This session')
    expect(await current.count()).toBe(1)
    expect(await current.textContent()).toContain('Limena console on Linux')
    expect(await current.textContent()).toContain('Password')
    expect(await current.getByRole('button', { name: /End the session/ }).count()).toBe(0)
    expect(await rowOf('Limena console on macOS').count()).toBe(1)
    expect(await rowOf('Chrome 131 on macOS').count()).toBe(1)
    expect(await rowOf('Firefox 133 on Windows').count()).toBe(1)
    const sso = rowOf(`SSO · ${new URL(provider.issuer).host} · Harbor Logistics`)
    expect(await sso.count()).toBe(1)
    expect(await rowOf('127.0.0.1').count()).toBe(5)
    await harness.shot('my-sessions')
    await expectAccessibleInBothThemes(page, 'your sessions')
  })

  it('ends the other console’s session after a confirmation: that console is signed out at its next call', async () => {
    await rowOf('Limena console on macOS')
      .getByRole('button', { name: /End the session on Limena console on macOS/ })
      .click()
    const dialog = page.getByRole('dialog', { name: 'End the session on Limena console on macOS?' })
    await dialog.waitFor()
    expect(await dialog.textContent()).toContain('Password')
    await expectAccessibleInBothThemes(page, 'end a session dialog')
    await dialog.getByRole('button', { name: 'End session' }).click()
    await expect.poll(() => toasts().textContent()).toContain('Ended the session on Limena console on macOS')
    await expect.poll(() => rowOf('Limena console on macOS').count()).toBe(0)

    // The laptop's next call, through its own real router, is refused: it is back at sign-in, told why.
    await laptop.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click()
    await laptop.getByText('Your session ended (it was revoked or expired). Sign in again to continue.').waitFor({ timeout: 15_000 })
    // This console is still signed in.
    expect(await page.getByRole('heading', { name: 'Your sessions' }).isVisible()).toBe(true)
  })

  it('ends all the other sessions, saying how many; each is refused at its next call', async () => {
    expect((await browserSession.request('GET', '/me')).status).toBe(200)
    await page.getByRole('button', { name: 'End all other sessions…' }).click()
    const dialog = page.getByRole('dialog', { name: 'End all your other sessions?' })
    await dialog.waitFor()
    expect(await dialog.textContent()).toContain('3 sessions besides this one are signed out now')
    await dialog.getByRole('button', { name: 'End 3 other sessions' }).click()
    await expect.poll(() => toasts().textContent()).toContain('Ended 3 other sessions: only this one is signed in now.')
    await expect.poll(async () => (await sessionsTable().getByRole('row').count()) - 1).toBe(1)
    expect(await page.getByRole('button', { name: 'End all other sessions…' }).isDisabled()).toBe(true)
    for (const ended of [browserSession, scriptSession, ssoSession])
      await expect.poll(async () => (await ended.request('GET', '/me')).status, { timeout: 5_000 }).toBe(401)
    // And this one still works.
    await page.getByRole('link', { name: 'Tenants', exact: true }).click()
    await page.getByRole('grid', { name: 'Tenants' }).getByText('Harbor Logistics').waitFor()
  })
})
