/**
 * The console in real Chromium (see test/support/console-harness.ts): the built renderer, its
 * `window.limena` wired to the real main-process router, a real backend and a real database
 * filled by seed-demo. It walks every screen, checks what a person would check, runs axe-core on
 * each in the light and the dark theme, and saves the screenshots the README shows (into
 * docs/screenshots only with LIMENA_UPDATE_SCREENSHOTS=1).
 */
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { ConnectionManager } from '../../src/main/connection-manager.js'
import { memoryVault, openCredentialStore } from '../../src/main/credential-store.js'
import { createRpcRouter } from '../../src/main/rpc-router.js'
import { seedDemo } from '../../src/server/demo/seed-demo.js'
import { ensureCliBuilt } from '../support/cli.js'
import {
  expectAccessibleInBothThemes,
  openPageWithRouter,
  pageUrl,
  skipBrowserTests,
  startConsole,
  type ConsoleHarness,
} from '../support/console-harness.js'
import { useTestDatabase } from '../support/test-database.js'
import { createUser, startTestServer, type TestServer } from '../support/test-server.js'
import { generateInstallSecrets } from '../../src/server/secrets/install-secrets.js'

const database = useTestDatabase({ maxConnections: 8 })
let server: TestServer
let harness: ConsoleHarness
let page: Page
let ownerEmail: string

const shot = (name: string) => harness.shot(name)

/** WCAG contrast of two computed `rgb(r, g, b)` colours. */
function contrastRatio(first: string, second: string): number {
  const luminance = (colour: string) => {
    const [red, green, blue] = (colour.match(/[\d.]+/g) ?? []).slice(0, 3).map((part) => {
      const channel = Number(part) / 255
      return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4
    })
    return 0.2126 * red! + 0.7152 * green! + 0.0722 * blue!
  }
  const [lighter, darker] = [luminance(first), luminance(second)].sort((a, b) => b - a)
  return (lighter! + 0.05) / (darker! + 0.05)
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

describe.skipIf(skipBrowserTests)('the console in Chromium', () => {
  beforeAll(async () => {
    ensureCliBuilt()
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
    harness = await startConsole({ server, database })
    page = harness.page
    await page.goto(`${harness.origin}/index.html#/tenants`)
  }, 180_000)

  afterAll(async () => {
    await harness?.close()
    await server?.close()
  })

  it('creates the first operator on an install that has none', async () => {
    await page.getByRole('heading', { name: 'Welcome to Limena' }).waitFor()
    await shot('first-run')
    await expectAccessibleInBothThemes(page, 'first run')
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
    await expectAccessibleInBothThemes(page, 'sign-in')
    await signIn('operator@limena.example', 'wrong password here')
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong email or password.')
    await signIn('operator@limena.example', 'operator password 1')
    await page.getByText('Platform operator').waitFor()
  })

  it('asks why before listing every tenant, then lists them in a virtualized, searchable table', async () => {
    const dialog = page.getByRole('dialog', { name: 'Why are you looking?' })
    await dialog.waitFor()
    expect(await dialog.textContent()).toContain('every tenant')
    await expectAccessibleInBothThemes(page, 'access reason dialog')
    await giveReason('SUP-2048 customer asked why invoices are missing')
    await page.getByRole('grid', { name: 'Tenants' }).waitFor()
    await expect.poll(async () => page.getByText('40 tenants').count()).toBe(1)
    await shot('tenants')
    await expectAccessibleInBothThemes(page, 'tenants')
    expect(await page.getByRole('status', { name: 'Your access reason' }).textContent()).toContain(
      'SUP-2048 customer asked why invoices are missing',
    )
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
    await expectAccessibleInBothThemes(page, 'tenant overview')
    await page.getByRole('tab', { name: 'Members' }).click()
    await page.getByRole('table').waitFor()
    await expectAccessibleInBothThemes(page, 'tenant members')
    await page.getByRole('tab', { name: 'Quotas' }).click()
    await page.getByRole('heading', { name: /Calls this hour/ }).waitFor()
    await shot('tenant-quotas')
    await expectAccessibleInBothThemes(page, 'tenant quotas')
  })

  it('names the tenant before asking why, goes back on Cancel, and refuses an unknown tenant without asking', async () => {
    const admin = await database().admin()
    const tenant = (
      await admin.query<{ id: string; name: string; slug: string }>(
        'SELECT id, name, slug FROM limena.tenants WHERE deleted_at IS NULL ORDER BY slug DESC LIMIT 1',
      )
    ).rows[0]!
    await admin.end()
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tenants' }).click()
    await page.getByRole('grid', { name: 'Tenants' }).waitFor()
    // An id no tenant has: refused by name, and no reason asked.
    await page.evaluate(
      () =>
        void ((globalThis as unknown as { location: { hash: string } }).location.hash = '#/tenants/00000000-0000-4000-8000-000000000000'),
    )
    await page.getByText('No such tenant').waitFor()
    expect(await page.getByRole('dialog', { name: 'Why are you looking?' }).isVisible()).toBe(false)
    // A slug no tenant has: said so, with the way back.
    await page.evaluate(
      () => void ((globalThis as unknown as { location: { hash: string } }).location.hash = '#/tenants/no-such-tenant-xyz'),
    )
    await page.getByRole('link', { name: '← Back to the tenants' }).click()
    await page.getByRole('grid', { name: 'Tenants' }).waitFor()
    // A slug: looked up, then the dialog names the tenant; Cancel goes back to the directory, for good.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tenants' }).click()
    await page.getByRole('grid', { name: 'Tenants' }).waitFor()
    await page.evaluate(
      (slug) => void ((globalThis as unknown as { location: { hash: string } }).location.hash = `#/tenants/${slug}`),
      tenant.slug,
    )
    const dialog = page.getByRole('dialog', { name: 'Why are you looking?' })
    await dialog.waitFor()
    expect(await dialog.textContent()).toContain(tenant.name)
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await page.getByRole('grid', { name: 'Tenants' }).waitFor()
    expect(await pageUrl(page)).toMatch(/#\/tenants$/)
    // Keyboard focus is on the page it went back to, not lost on the document.
    await expect
      .poll(() =>
        page.evaluate(
          () => (globalThis as unknown as { document: { activeElement: { tagName: string } | null } }).document.activeElement?.tagName,
        ),
      )
      .toBe('MAIN')
    await page.waitForTimeout(1500)
    expect(await dialog.isVisible()).toBe(false)
    expect(await page.getByRole('alert').count()).toBe(0)
  })

  it('shows the reason in force and lets the operator change it', async () => {
    const current = page.getByRole('status', { name: 'Your access reason' })
    await current.getByRole('button', { name: 'Change reason' }).click()
    const dialog = page.getByRole('dialog', { name: 'Change your reason' })
    await dialog.getByLabel('Reason (ticket or short note)').fill('SUP-2050 follow-up on invoices')
    await dialog.getByRole('button', { name: 'Change reason' }).click()
    await expect.poll(() => current.textContent()).toContain('SUP-2050 follow-up on invoices')
    await current.getByRole('button', { name: 'Change reason' }).click()
    await dialog.getByLabel('Reason (ticket or short note)').fill('SUP-2048 customer asked why invoices are missing')
    await dialog.getByRole('button', { name: 'Change reason' }).click()
    await expect.poll(() => current.textContent()).toContain('SUP-2048')
  })

  it('records a directory read once in the platform audit log, and nothing in any tenant log', async () => {
    const admin = await database().admin()
    const counts = async () => {
      const result = await admin.query<{ platform: string; tenant: string }>(
        `SELECT (SELECT count(*) FROM limena.platform_audit_logs WHERE action = 'platform.directory_read') AS platform,
                (SELECT count(*) FROM limena.audit_logs WHERE action = 'operator.read') AS tenant`,
      )
      return result.rows[0]!
    }
    try {
      const before = await counts()
      await page.getByRole('button', { name: 'Refresh' }).click()
      await expect.poll(async () => Number((await counts()).platform)).toBe(Number(before.platform) + 1)
      expect((await counts()).tenant).toBe(before.tenant)
    } finally {
      await admin.end()
    }
  })

  it('explores the audit log with filters in the URL, infinite scrolling and an event drawer', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click()
    await page.getByRole('grid', { name: 'Audit events' }).waitFor()
    await page.getByRole('combobox', { name: 'Action' }).click()
    await page.keyboard.type('All auth')
    await page.getByRole('option', { name: /^All auth events/ }).click()
    await expect.poll(() => pageUrl(page)).toContain('action=auth.*')
    await page.getByRole('grid', { name: 'Audit events' }).getByRole('row').nth(1).click()
    await page.getByRole('complementary', { name: 'Audit event' }).waitFor()
    await expect
      .poll(() => page.getByRole('complementary', { name: 'Audit event' }).textContent(), { timeout: 15_000 })
      .toMatch(/Link verified: this is event \d+ of the tenant's chain/)
    await shot('audit-explorer')
    await expectAccessibleInBothThemes(page, 'audit explorer with the drawer open')
    await page.getByRole('button', { name: 'Close event details' }).click()
  })

  it('exports the audit log through the save dialog, showing progress', async () => {
    await page.getByRole('button', { name: 'Export CSV' }).click()
    const dialog = page.getByRole('dialog', { name: 'Export audit log' })
    await dialog.waitFor()
    await expectAccessibleInBothThemes(page, 'export dialog')
    await dialog.getByRole('button', { name: 'Save CSV…' }).click()
    await expect.poll(() => dialog.textContent(), { timeout: 30_000 }).toMatch(/Exported [\d,]+ events to/)
    expect((await readFile(harness.exportPath, 'utf8')).split('\n')[0]).toMatch(/^"id","at \(UTC, ISO 8601\)","tenant_id","action"/)
    await dialog.getByRole('button', { name: 'Close' }).click()
  })

  it('charts usage by tenant with near-ceiling tenants and trips', async () => {
    await page.getByRole('link', { name: 'Usage', exact: true }).click()
    await page.getByRole('heading', { name: 'AI usage' }).waitFor()
    await page.locator('.recharts-area').first().waitFor()
    await page.getByRole('button', { name: '7d' }).click()
    await page.getByText('Near their monthly ceiling').waitFor()
    await shot('usage')
    await expectAccessibleInBothThemes(page, 'usage')
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme })
      const colours = await page.evaluate(() => {
        const browser = globalThis as unknown as {
          document: { querySelectorAll(selector: string): ArrayLike<unknown>; querySelector(selector: string): unknown }
          getComputedStyle: (element: unknown) => { stroke: string; backgroundColor: string }
        }
        return {
          background: browser.getComputedStyle(browser.document.querySelector('.chart')).backgroundColor,
          strokes: Array.from(browser.document.querySelectorAll('.recharts-area-curve')).map(
            (path) => browser.getComputedStyle(path).stroke,
          ),
        }
      })
      expect(colours.strokes.length).toBeGreaterThan(1)
      for (const stroke of colours.strokes)
        expect(contrastRatio(stroke, colours.background), `${stroke} on ${colours.background}`).toBeGreaterThanOrEqual(3)
    }
    await page.emulateMedia({ colorScheme: 'light' })
  })

  it('raises the ceiling of a tripped tenant from the usage table, showing the effect before saving', async () => {
    const tripped = page.getByRole('row').filter({ hasText: '(100%)' }).first()
    const tenantName = (await tripped.getByRole('cell').first().textContent())!
    await tripped.getByRole('button', { name: `Change caps of ${tenantName}` }).click()
    await giveReason('SUP-2051 customer bought more tokens')
    const dialog = page.getByRole('dialog', { name: `AI quota caps of ${tenantName}` })
    const editor = dialog.getByRole('form', { name: 'Change AI quota caps' })
    await editor.waitFor()
    expect(await editor.getByLabel('Reason for the change').inputValue()).toBe('SUP-2051 customer bought more tokens')
    const ceiling = Number(await editor.getByLabel('Tokens per month').inputValue())
    await editor.getByLabel('Tokens per month').fill(String(ceiling * 2))
    await expect.poll(() => editor.getByRole('status').first().textContent()).toMatch(/^This lifts the trip/)
    await shot('quota-change')
    await expectAccessibleInBothThemes(page, 'quota change dialog')
    await editor.getByRole('button', { name: 'Save caps' }).click()
    await editor.getByText('Quota caps saved.').waitFor()
    await dialog.getByRole('button', { name: 'Close' }).click()
    const admin = await database().admin()
    try {
      const quota = await admin.query<{ ceiling: string; changed: string }>(
        `SELECT q.monthly_token_ceiling::text AS ceiling,
                (SELECT count(*) FROM limena.audit_logs l WHERE l.tenant_id = t.id AND l.action = 'ai.quota_changed' AND l.reason = 'SUP-2051 customer bought more tokens')::text AS changed
           FROM limena.tenants t JOIN limena.ai_quotas q ON q.tenant_id = t.id WHERE t.name = $1`,
        [tenantName],
      )
      expect(quota.rows[0]).toEqual({ ceiling: String(ceiling * 2), changed: '1' })
    } finally {
      await admin.end()
    }
    // The table is read again: the tenant is no longer at 100%.
    await expect.poll(() => page.getByRole('row').filter({ hasText: tenantName }).filter({ hasText: '(100%)' }).count()).toBe(0)
  })

  it('shows the security posture with every guarantee holding, and the access log with reasons', async () => {
    await page.getByRole('link', { name: 'Security posture' }).click()
    await page.getByText('Every tenant table has row-level security enabled and forced').waitFor()
    expect(await page.locator('.guarantees li.broken').allTextContents()).toEqual([
      expect.stringContaining('Install keys (encryption, JWT signing) are younger than 90 days'),
      expect.stringContaining('Tenant API keys are younger than 90 days'),
    ])
    await page.getByText('Keys older than 90 days.').waitFor()
    await shot('posture')
    await expectAccessibleInBothThemes(page, 'posture')
    const admin = await database().admin()
    const rows = async (table: string, action: string) =>
      Number((await admin.query<{ count: string }>(`SELECT count(*) FROM limena.${table} WHERE action = $1`, [action])).rows[0]!.count)
    try {
      const tenantReadsBefore = await rows('audit_logs', 'operator.read')
      const accessLogReadsBefore = await rows('platform_audit_logs', 'platform.access_log_read')
      await page.getByRole('link', { name: 'Access log' }).click()
      await page.getByText('SUP-2048 customer asked why invoices are missing').first().waitFor()
      await shot('access-log')
      await expectAccessibleInBothThemes(page, 'access log')
      // One access-log visit: one platform row, no row in any of the 40 tenants' logs.
      expect(await rows('platform_audit_logs', 'platform.access_log_read')).toBe(accessLogReadsBefore + 1)
      expect(await rows('audit_logs', 'operator.read')).toBe(tenantReadsBefore)
    } finally {
      await admin.end()
    }
    await page.getByRole('link', { name: 'Platform log' }).click()
    const entries = page.getByRole('table', { name: 'Platform audit entries' })
    await entries.waitFor()
    expect(await entries.textContent()).toContain('Read the operator access log')
    expect(await entries.textContent()).toContain('SUP-2048 customer asked why invoices are missing')
    await shot('platform-audit')
    await expectAccessibleInBothThemes(page, 'platform audit log')
  })

  it('shows that the connection is lost while the backend does not answer, and recovers', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Usage' }).click()
    harness.setNetworkDown(true)
    await page.getByRole('button', { name: '90d' }).click()
    await page.getByText('Connection lost.').waitFor({ timeout: 20_000 })
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'Connection lost.' }).textContent()).toMatch(/Trying again in \d s/)
    await shot('connection-lost')
    await expectAccessibleInBothThemes(page, 'connection lost')
    // The backend answers again: the banner goes by itself (no click), within 5 seconds.
    harness.setNetworkDown(false)
    const back = Date.now()
    await expect.poll(() => page.getByText('Connection lost.').count(), { timeout: 5_000, interval: 200 }).toBe(0)
    expect(Date.now() - back).toBeLessThan(5_000)
    await page.locator('.recharts-area').first().waitFor()
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
      const notice = page.getByRole('status').filter({ hasText: 'Signed out.' })
      await notice.waitFor()
      // A sign-out the person asked for is not reported as a revoked or expired session.
      expect(await notice.textContent()).not.toMatch(/revoked|expired/)
      await page.evaluate(
        (id) => void ((globalThis as unknown as { location: { hash: string } }).location.hash = `#/tenants/${id}`),
        tenant.id,
      )
      await signIn('operator@limena.example', 'operator password 1')
      await page.getByText('You are admin').waitFor()
      await page.getByRole('tab', { name: 'Audit log' }).click()
      await page.getByRole('grid', { name: 'Audit events' }).waitFor()
      await page.getByRole('button', { name: 'Export CSV' }).click()
      const exportDialog = page.getByRole('dialog', { name: 'Export audit log' })
      await exportDialog.getByRole('button', { name: 'Save CSV…' }).click()
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
    await expectAccessibleInBothThemes(page, 'API key dialog')
    await page.keyboard.press('Escape')
    expect(await dialog.isVisible()).toBe(true)
    expect(await dialog.getByRole('button', { name: 'Done' }).isDisabled()).toBe(true)
    await dialog.getByLabel('I copied the key and stored it safely').check()
    await dialog.getByRole('button', { name: 'Done' }).click()
    await expect.poll(() => dialog.isVisible()).toBe(false)
    await page.getByRole('cell', { name: 'Console e2e key', exact: true }).waitFor()
  })

  it('says plainly on the sign-in page when no keychain is available', async () => {
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
      isTrustedSender: (url) => url.startsWith(`${harness.origin}/`),
      connections: sessionOnly,
      chooseSavePath: async () => null,
      emit: () => undefined,
    })
    const other = await openPageWithRouter(harness, otherRoute)
    await other.goto(`${harness.origin}/index.html`)
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
    ;(await harness.connections.activeClient())!.forgetAccessToken()
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
    await expectAccessibleInBothThemes(page, 'invitations')
    await invitations.getByRole('button', { name: 'Accept' }).click()
    await expect.poll(() => invitations.count()).toBe(0)
    await page.getByRole('grid', { name: 'Tenants' }).waitFor()
    await page.getByRole('row').nth(1).click()
    await page.getByText('You are member').waitFor()
  })
})
