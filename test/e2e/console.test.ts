/**
 * The console in real Chromium (Debian's, driven by playwright-core): the built renderer, its
 * `window.limena` wired through page.exposeBinding to the real main-process router, a real
 * backend and a real database filled by seed-demo. It walks every screen, checks what a person
 * would check, and saves the screenshots the README shows (docs/screenshots/).
 */
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, stat } from 'node:fs/promises'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { ConnectionManager } from '../../src/main/connection-manager.js'
import { memoryVault, openCredentialStore } from '../../src/main/credential-store.js'
import { createRpcRouter } from '../../src/main/rpc-router.js'
import { seedDemo } from '../../src/server/demo/seed-demo.js'
import { ensureCliBuilt } from '../support/cli.js'
import { useTestDatabase } from '../support/test-database.js'
import { createUser, startTestServer, type TestServer } from '../support/test-server.js'
import { firstRunFor } from '../../src/server/embedded.js'
import { generateInstallSecrets } from '../../src/server/secrets/install-secrets.js'

const chromiumPath = '/usr/bin/chromium'
const required = process.env.LIMENA_REQUIRE_BROWSER === '1'
const available = existsSync(chromiumPath)
if (!available && !required) console.warn('console browser tests skipped: no Chromium at /usr/bin/chromium (npm run test:all installs it)')

const projectRoot = fileURLToPath(new URL('../..', import.meta.url))
const rendererRoot = join(projectRoot, 'out/renderer')
const screenshots = join(projectRoot, 'docs/screenshots')
const database = useTestDatabase({ maxConnections: 8 })
let server: TestServer
let staticServer: http.Server
let origin: string
let browser: Browser
let page: Page
let exportPath: string
let ownerEmail: string
let connections: ConnectionManager
/** When true, main's requests fail as if the network were down (the fetch layer rejects). */
let networkDown = false

function serveRenderer(): Promise<http.Server> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' }
  const serverOfFiles = http.createServer((request, response) => void serveFile(request, response))
  async function serveFile(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const path = normalize(join(rendererRoot, decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname))).replace(
      /\/$/,
      '/index.html',
    )
    if (!path.startsWith(rendererRoot)) return void response.writeHead(404).end()
    try {
      const body = await readFile((await stat(path)).isDirectory() ? join(path, 'index.html') : path)
      response.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body)
    } catch {
      response.writeHead(404).end()
    }
  }
  return new Promise((resolve) => serverOfFiles.listen(0, '127.0.0.1', () => resolve(serverOfFiles)))
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(screenshots, `${name}.png`) })
}

async function giveReason(reason = 'SUP-2048 customer asked why invoices are missing'): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Why are you looking?' })
  await dialog.waitFor()
  await dialog.getByLabel('Reason (ticket or short note)').fill(reason)
  await dialog.getByRole('button', { name: 'Continue' }).click()
}

async function signIn(email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

describe.skipIf(!available && !required)('the console in Chromium', () => {
  beforeAll(async () => {
    ensureCliBuilt()
    await mkdir(screenshots, { recursive: true })
    // Keys made 100 days ago: the posture must show the rotation as due (in red), like a real neglected install.
    server = await startTestServer(database(), { secrets: await generateInstallSecrets(new Date(Date.now() - 100 * 86_400_000)) })
    await seedDemo({ adminUrl: database().adminUrl, tenants: 40, auditRows: 6000, encryptionKeys: server.secrets.encryptionKeys })
    const admin = await database().admin()
    ownerEmail = (
      await admin.query<{ email: string }>(
        "SELECT u.email FROM limena.users u JOIN limena.memberships m ON m.user_id = u.id WHERE m.role = 'owner' ORDER BY u.email LIMIT 1",
      )
    ).rows[0]!.email
    await admin.end()
    staticServer = await serveRenderer()
    origin = `http://127.0.0.1:${(staticServer.address() as { port: number }).port}`
    exportPath = join(await mkdtemp(join(tmpdir(), 'limena-console-')), 'audit.csv')

    const { chromium } = await import('playwright-core')
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    })
    const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, colorScheme: 'light' })
    page = await context.newPage()
    connections = new ConnectionManager({
      settingsPath: join(await mkdtemp(join(tmpdir(), 'limena-console-settings-')), 'settings.json'),
      credentials: await openCredentialStore(memoryVault()),
      embeddedBackend: () => ({ state: 'ready', url: server.url, message: null }),
      firstRun: () => firstRunFor(database().pools),
      fetch: (input, init) => (networkDown ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init)),
      onSessionEnded: () =>
        void connections
          .status()
          .then((status) =>
            page.evaluate(
              ([data]) =>
                (globalThis as unknown as { __limenaEmit: (n: string, d: unknown) => void }).__limenaEmit('session-changed', data),
              [status] as const,
            ),
          )
          .catch(() => undefined),
    })
    const route = createRpcRouter({
      isTrustedSender: (url) => url.startsWith(`${origin}/`),
      connections,
      chooseSavePath: async () => exportPath,
      emit: (event, payload) =>
        void page
          .evaluate(
            ([name, data]) => (globalThis as unknown as { __limenaEmit: (n: string, d: unknown) => void }).__limenaEmit(name, data),
            [event, payload] as const,
          )
          .catch(() => undefined),
    })
    await page.exposeBinding('__limenaCall', (source, operation: unknown, input: unknown, options: unknown) =>
      route({ senderUrl: source.frame.url() }, operation, input, options),
    )
    await page.addInitScript(() => {
      const target = globalThis as unknown as Record<string, unknown>
      const listeners = new Map<string, Set<(payload: unknown) => void>>()
      target.__limenaEmit = (name: string, payload: unknown) => listeners.get(name)?.forEach((listener) => listener(payload))
      target.limena = {
        call: (operation: string, input: unknown, options: unknown) =>
          (target.__limenaCall as (...args: unknown[]) => Promise<unknown>)(operation, input, options),
        on: (name: string, listener: (payload: unknown) => void) => {
          if (!listeners.has(name)) listeners.set(name, new Set())
          listeners.get(name)!.add(listener)
          return () => listeners.get(name)!.delete(listener)
        },
      }
    })
    await page.goto(`${origin}/index.html#/tenants`)
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    staticServer?.close()
    await server?.close()
  })

  it('creates the first operator on an install that has none', async () => {
    await page.getByRole('heading', { name: 'Welcome to Limena' }).waitFor()
    await shot('first-run')
    await page.getByLabel('Email').fill('operator@limena.example')
    await page.getByLabel('Password (at least 12 characters)').fill('operator password 1')
    await page.getByLabel('Password again').fill('operator password 2')
    await page.getByText('The passwords differ.').waitFor()
    await page.getByLabel('Password again').fill('operator password 1')
    await page.getByRole('button', { name: 'Create operator and sign in' }).click()
    await giveReason()
    await page.getByText('Platform operator').waitFor()
    await page.getByRole('button', { name: 'Sign out' }).click()
  })

  it('signs an operator in, refusing a wrong password', async () => {
    await page.getByRole('heading', { name: 'Limena Operator Console' }).waitFor()
    await shot('sign-in')
    await signIn('operator@limena.example', 'wrong password here')
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong email or password.')
    await signIn('operator@limena.example', 'operator password 1')
    await page.getByText('Platform operator').waitFor()
  })

  it('asks why before listing every tenant, then lists them in a virtualized, searchable table', async () => {
    await giveReason('SUP-2048 customer asked why invoices are missing')
    await page.getByRole('grid', { name: 'Tenants' }).waitFor()
    await expect.poll(async () => page.getByText('40 tenants').count()).toBe(1)
    await shot('tenants')
    await page.getByLabel('Search tenants').fill('zzz-no-such-tenant')
    await page.getByText('No tenant matches this search.').waitFor()
    await page.getByLabel('Search tenants').fill('')
    await page.getByRole('columnheader', { name: /Tokens this month/ }).click()
    await expect.poll(() => page.getByRole('columnheader', { name: /Tokens this month/ }).getAttribute('aria-sort')).not.toBe('none')
  })

  it('follows the OS theme: dark when the system is dark', async () => {
    const background = () =>
      page.evaluate(() => {
        const browser = globalThis as unknown as {
          document: { documentElement: unknown }
          getComputedStyle: (element: unknown) => { backgroundColor: string }
        }
        return browser.getComputedStyle(browser.document.documentElement).backgroundColor
      })
    const light = await background()
    await page.emulateMedia({ colorScheme: 'dark' })
    expect(await background()).not.toBe(light)
    await shot('tenants-dark')
    await page.emulateMedia({ colorScheme: 'light' })
    expect(await background()).toBe(light)
  })

  it('opens a tenant from the keyboard (asking why again, for that tenant) with members, keys, integrations and quotas', async () => {
    await page.getByLabel('Search tenants').focus()
    const focusedRole = () =>
      page.evaluate(
        () =>
          (
            globalThis as unknown as { document: { activeElement: { getAttribute(name: string): string | null } | null } }
          ).document.activeElement?.getAttribute('role') ?? null,
      )
    for (let presses = 0; presses < 10 && (await focusedRole()) !== 'row'; presses += 1) await page.keyboard.press('Tab')
    expect(await focusedRole()).toBe('row')
    const outline = await page.evaluate(() => {
      const browser = globalThis as unknown as {
        document: { activeElement: unknown }
        getComputedStyle: (element: unknown) => { outlineStyle: string }
      }
      return browser.getComputedStyle(browser.document.activeElement).outlineStyle
    })
    expect(outline).not.toBe('none')
    await page.keyboard.press('Enter')
    await giveReason('SUP-2049 reviewing this tenant')
    await page.getByText('Operator view (read only)').waitFor()
    await shot('tenant-overview')
    await page.getByRole('tab', { name: 'Members' }).click()
    await page.getByRole('table').waitFor()
    await page.getByRole('tab', { name: 'Quotas' }).click()
    await page.getByRole('heading', { name: /Calls this hour/ }).waitFor()
    await shot('tenant-quotas')
  })

  it('explores the audit log with filters in the URL, infinite scrolling and an event drawer', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click()
    await page.getByRole('list', { name: 'Audit events' }).waitFor()
    await page.getByLabel('Action').fill('auth.*')
    await page.getByRole('button', { name: 'Apply' }).click()
    await expect
      .poll(() => page.evaluate(() => (globalThis as unknown as { location: { href: string } }).location.href))
      .toContain('action=auth.*')
    await page.getByRole('listitem').first().click()
    await page.getByRole('complementary', { name: 'Audit event' }).waitFor()
    await expect
      .poll(() => page.getByRole('complementary', { name: 'Audit event' }).textContent(), { timeout: 15_000 })
      .toMatch(/Link verified: this is event \d+ of the tenant's chain/)
    await shot('audit-explorer')
    await page.getByRole('button', { name: 'Close event details' }).click()
  })

  it('exports the audit log through the save dialog, showing progress', async () => {
    await page.getByRole('button', { name: 'Export CSV' }).click()
    const dialog = page.getByRole('dialog', { name: 'Export audit log' })
    await dialog.waitFor()
    await expect.poll(() => dialog.textContent(), { timeout: 30_000 }).toMatch(/Exported [\d,]+ events to/)
    expect((await readFile(exportPath, 'utf8')).split('\n')[0]).toMatch(/^"id","at","tenant_id","action"/)
    await dialog.getByRole('button', { name: 'Close' }).click()
  })

  it('charts usage by tenant with near-ceiling tenants and trips', async () => {
    await page.getByRole('link', { name: 'Usage' }).click()
    await page.getByRole('heading', { name: 'AI usage' }).waitFor()
    await page.locator('.recharts-area').first().waitFor()
    await page.getByRole('button', { name: '7d' }).click()
    await page.getByText('Near their monthly ceiling').waitFor()
    await shot('usage')
  })

  it('shows the security posture with every guarantee holding, and the access log with reasons', async () => {
    await page.getByRole('link', { name: 'Security posture' }).click()
    await page.getByText('Every tenant table has row-level security enabled and forced').waitFor()
    expect(await page.locator('.guarantees li.broken').allTextContents()).toEqual([
      expect.stringContaining('Keys are younger than 90 days'),
    ])
    await page.getByText('Keys older than 90 days.').waitFor()
    await shot('posture')
    await page.getByRole('link', { name: 'Access log' }).click()
    await page.getByText('SUP-2048 customer asked why invoices are missing').first().waitFor()
    await shot('access-log')
  })

  it('shows that the connection is lost while the backend does not answer, and recovers', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Usage' }).click()
    networkDown = true
    await page.getByRole('button', { name: '90d' }).click()
    await page.getByText('Connection lost.').waitFor({ timeout: 20_000 })
    await shot('connection-lost')
    networkDown = false
    await page.getByRole('button', { name: '48h' }).click()
    await expect.poll(() => page.getByText('Connection lost.').count(), { timeout: 20_000 }).toBe(0)
  })

  it('lets an operator who is also a member read that tenant as a member: no reason asked, no operator read recorded', async () => {
    const admin = await database().admin()
    const tenant = (await admin.query<{ id: string }>('SELECT id FROM limena.tenants WHERE deleted_at IS NULL ORDER BY slug LIMIT 1'))
      .rows[0]!
    await admin.query(
      "INSERT INTO limena.memberships (tenant_id, user_id, role) SELECT $1, id, 'admin' FROM limena.users WHERE email = 'operator@limena.example'",
      [tenant.id],
    )
    const operatorReads = async () =>
      (
        await admin.query<{ count: string }>("SELECT count(*) FROM limena.audit_logs WHERE tenant_id = $1 AND action = 'operator.read'", [
          tenant.id,
        ])
      ).rows[0]!.count
    try {
      const readsBefore = await operatorReads()
      // Sign in again (the session lists the new membership) straight onto the tenant's page.
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.getByText('Signed out.').waitFor()
      await page.evaluate(
        (id) => void ((globalThis as unknown as { location: { hash: string } }).location.hash = `#/tenants/${id}`),
        tenant.id,
      )
      await signIn('operator@limena.example', 'operator password 1')
      await page.getByText('You are admin').waitFor()
      await page.getByRole('tab', { name: 'Audit log' }).click()
      await page.getByRole('list', { name: 'Audit events' }).waitFor()
      await page.getByRole('button', { name: 'Export CSV' }).click()
      const exportDialog = page.getByRole('dialog', { name: 'Export audit log' })
      await expect.poll(() => exportDialog.textContent(), { timeout: 30_000 }).toMatch(/Exported [\d,]+ events to/)
      await exportDialog.getByRole('button', { name: 'Close' }).click()
      expect(await page.getByRole('dialog', { name: 'Why are you looking?' }).isVisible()).toBe(false)
      expect(await operatorReads()).toBe(readsBefore)
    } finally {
      await admin.end()
    }
    // Back to the directory, which is an operator read across tenants and asks why.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tenants' }).click()
    await giveReason()
    await page.getByRole('grid', { name: 'Tenants' }).waitFor()
  })

  it('lets a tenant owner create an API key whose dialog cannot close before the copy is confirmed', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click()
    await signIn(ownerEmail, 'limena-demo-password')
    await page.getByRole('grid', { name: 'Tenants' }).waitFor()
    await page.getByRole('row').nth(1).click()
    await page.getByText('You are owner').waitFor()
    await page.getByRole('tab', { name: 'API keys' }).click()
    await page.getByLabel('Name').fill('Console e2e key')
    await page.getByRole('button', { name: 'Create key' }).click()
    const dialog = page.getByRole('dialog', { name: 'Your new API key' })
    await dialog.waitFor()
    expect(await page.getByTestId('new-api-key').textContent()).toMatch(/^lmn_[A-Za-z0-9_-]{43}$/)
    await shot('api-key-dialog')
    await page.keyboard.press('Escape')
    expect(await dialog.isVisible()).toBe(true)
    expect(await dialog.getByRole('button', { name: 'Done' }).isDisabled()).toBe(true)
    await dialog.getByLabel('I copied the key and stored it safely').check()
    await dialog.getByRole('button', { name: 'Done' }).click()
    await expect.poll(() => dialog.isVisible()).toBe(false)
    await page.getByRole('cell', { name: 'Console e2e key' }).waitFor()
  })

  it('says plainly on the sign-in page when no keychain is available', async () => {
    const other = await browser.newPage({ viewport: { width: 1000, height: 760 } })
    const sessionOnly = new ConnectionManager({
      settingsPath: join(await mkdtemp(join(tmpdir(), 'limena-console-nokeychain-')), 'settings.json'),
      credentials: {
        ...(await openCredentialStore(memoryVault())),
        mode: 'session-only',
        message:
          'The OS keychain is not available (no Secret Service). You can sign in, but you will have to sign in again next time: nothing is saved to disk instead.',
      },
      embeddedBackend: () => ({ state: 'ready', url: server.url, message: null }),
    })
    const otherRoute = createRpcRouter({
      isTrustedSender: (url) => url.startsWith(`${origin}/`),
      connections: sessionOnly,
      chooseSavePath: async () => null,
      emit: () => undefined,
    })
    await other.exposeBinding('__limenaCall', (source, operation: unknown, input: unknown, options: unknown) =>
      otherRoute({ senderUrl: source.frame.url() }, operation, input, options),
    )
    await other.addInitScript(() => {
      const target = globalThis as unknown as Record<string, unknown>
      target.limena = {
        call: (operation: string, input: unknown, options: unknown) =>
          (target.__limenaCall as (...args: unknown[]) => Promise<unknown>)(operation, input, options),
        on: () => () => undefined,
      }
    })
    await other.goto(`${origin}/index.html`)
    await other.getByText('No keychain.').waitFor()
    expect(await other.getByRole('status').filter({ hasText: 'No keychain.' }).textContent()).toContain('nothing is saved to disk instead')
    await other.close()
  })

  it('returns to sign-in with a message when the session is revoked', async () => {
    const admin = await database().admin()
    await admin.query(
      'UPDATE limena.refresh_tokens SET revoked_at = now() WHERE user_id = (SELECT id FROM limena.users WHERE email = $1)',
      [ownerEmail],
    )
    await admin.end()
    ;(await connections.activeClient())!.forgetAccessToken()
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tenants' }).click()
    await page.getByText('Your session ended (it was revoked or expired). Sign in again to continue.').waitFor({ timeout: 15_000 })
    await page.getByRole('button', { name: 'Sign in' }).waitFor()
  })

  it('lets an invited person with an account join only by accepting, after signing in', async () => {
    await createUser(database(), { email: 'invitee@limena.example', password: 'invitee password 1' })
    await signIn(ownerEmail, 'limena-demo-password')
    await page.getByRole('grid', { name: 'Tenants' }).waitFor()
    await page.getByRole('row').nth(1).click()
    await page.getByText('You are owner').waitFor()
    const tenantName = await page.getByRole('heading', { level: 1 }).textContent()
    await page.getByRole('tab', { name: 'Members' }).click()
    await page.getByLabel('Email').fill('invitee@limena.example')
    await page.getByRole('button', { name: 'Invite' }).click()
    await page.getByText('Invitation created. Nobody joins without accepting').waitFor()
    expect(await page.getByRole('cell', { name: 'invitee@limena.example' }).count()).toBe(0)
    await page.getByRole('button', { name: 'Sign out' }).click()
    // The sign-in page re-renders once the sign-out notice arrives: fill the form after that.
    await page.getByText('Signed out.').waitFor()
    await signIn('invitee@limena.example', 'invitee password 1')
    const invitations = page.getByRole('region', { name: 'Invitations for you' })
    await invitations.waitFor()
    expect(await invitations.textContent()).toContain(`${tenantName} invites you as member`)
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tenants' }).click()
    await page.getByText('No tenants yet.').waitFor()
    await shot('invitations')
    await invitations.getByRole('button', { name: 'Accept' }).click()
    await expect.poll(() => invitations.count()).toBe(0)
    await page.getByRole('grid', { name: 'Tenants' }).waitFor()
    await page.getByRole('row').nth(1).click()
    await page.getByText('You are member').waitFor()
  })
})
