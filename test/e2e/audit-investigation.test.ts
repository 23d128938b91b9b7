/**
 * The audit explorer in real Chromium (test/support/console-harness.ts) against a real backend
 * seeded with 60 tenants and 20,000 audit rows: the support engineer's task (who revoked an API
 * key in tenant X during the last 7 days, exported) in at most 8 clicks, and what makes it right:
 * filters with one source of truth per page, pickers by name, time in one named zone, an export
 * that holds exactly the rows listed, and a list one can navigate, link to and read.
 */
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import { seedDemo, demoPassword } from '../../src/server/demo/seed-demo.js'
import { routeOfDeepLink } from '../../src/shared/deep-link.js'
import { expectAccessibleInBothThemes, pageUrl, skipBrowserTests, startConsole, type ConsoleHarness } from '../support/console-harness.js'
import { useTestDatabase } from '../support/test-database.js'
import { ApiClient, createUser, startTestServer, type TestServer } from '../support/test-server.js'

const database = useTestDatabase({ maxConnections: 8 })
let server: TestServer
let harness: ConsoleHarness
let page: Page
const operator = { email: 'support@limena.example', password: 'support password 1' }
/** Tenant X of the task, and another tenant for the isolation of filters. */
let tenantX: { id: string; name: string; slug: string }
let tenantY: { id: string; name: string; slug: string }
/** Tenant X's owner: a member, who reads the log through the tenant route, with no reason. */
let ownerEmail: string
/** The API keys revoked in tenant X just now (the seed's revocations are spread over 120 days). */
const revokedKeys: string[] = []
const pageErrors: string[] = []

/** What the page sees of the DOM, typed for these tests only (the node tsconfig has no DOM library). */
interface ElementLike {
  getAttribute(name: string): string | null
  closest(selector: string): ElementLike | null
  scrollTop: number
  clientHeight: number
  scrollHeight: number
}
/** The page's globals, as the callbacks run there see them (they cannot call functions of this file). */
type BrowserGlobal = {
  document: { activeElement: ElementLike | null }
  location: { href: string; hash: string }
  localStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void }
  navigator: { clipboard: { readText(): Promise<string> } }
}

const grid = () => page.getByRole('grid', { name: 'Audit events' })
const chips = () => page.getByRole('group', { name: 'Applied filters' })
const countText = () => page.locator('.audit-count').textContent()
const drawer = () => page.getByRole('complementary', { name: 'Audit event' })

async function giveReasonIfAsked(reason: string, timeout = 4000): Promise<boolean> {
  const dialog = page.getByRole('dialog', { name: 'Why are you looking?' })
  try {
    await dialog.waitFor({ timeout })
  } catch {
    return false
  }
  await dialog.getByLabel('Reason (ticket or short note)').fill(reason)
  await dialog.getByRole('button', { name: 'Continue' }).click()
  await dialog.waitFor({ state: 'hidden' })
  return true
}

/** Waits for `target`, giving the access reason first when the console asks for one. */
async function reasonThen(target: Locator, reason = 'SUP-7001 customer asks who revoked their API key'): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Why are you looking?' })
  await expect
    .poll(
      async () => {
        if (await dialog.isVisible()) {
          await dialog.getByLabel('Reason (ticket or short note)').fill(reason)
          await dialog.getByRole('button', { name: 'Continue' }).click()
          return false
        }
        return target.isVisible()
      },
      { timeout: 30_000, interval: 250 },
    )
    .toBe(true)
}

/**
 * Waits for the list to settle (the count said, no page being read), giving the access reason
 * when the console asks for one (after a reload, reasons are asked again: they last a session).
 */
async function listSettled(): Promise<string> {
  const reason = page.getByRole('dialog', { name: 'Why are you looking?' })
  await expect
    .poll(
      async () => {
        if (await reason.isVisible()) {
          await reason.getByLabel('Reason (ticket or short note)').fill('SUP-7001 customer asks who revoked their API key')
          await reason.getByRole('button', { name: 'Continue' }).click()
          return 'asked'
        }
        const refresh = page.locator('.audit-toolbar .freshness button')
        if ((await refresh.count()) === 0 || (await refresh.textContent()) !== 'Refresh') return 'loading'
        return (await countText()) ?? ''
      },
      { timeout: 30_000, interval: 250 },
    )
    .toMatch(/^(more than )?[\d,]+ events?$/)
  return (await countText()) ?? ''
}

/** Every event id the grid lists, scrolling it through (it is virtualized and loads page by page). */
async function listedIds(): Promise<string[]> {
  if ((await grid().count()) === 0) return []
  const ids = new Set<string>()
  await grid().evaluate((element) => void ((element as unknown as ElementLike).scrollTop = 0))
  for (let steps = 0; steps < 400; steps += 1) {
    for (const id of await grid()
      .locator('[role="row"][data-event-id]')
      .evaluateAll((rows) => rows.map((row) => (row as unknown as ElementLike).getAttribute('data-event-id')!)))
      ids.add(id)
    const moved = await grid().evaluate((element) => {
      const scroller = element as unknown as ElementLike
      const before = scroller.scrollTop
      scroller.scrollTop = before + scroller.clientHeight * 0.7
      return scroller.scrollTop !== before
    })
    await page.waitForTimeout(120)
    if (!moved && (await page.getByText('Loading older events…').count()) === 0) break
  }
  return [...ids]
}

/** The cells of an RFC 4180 CSV (every cell quoted by the export), row by row. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index]!
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        cell += '"'
        index += 1
      } else if (character === '"') quoted = false
      else cell += character
    } else if (character === '"') quoted = true
    else if (character === ',') {
      row.push(cell)
      cell = ''
    } else if (character === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
    } else if (character !== '\r') cell += character
  }
  if (cell || row.length) rows.push([...row, cell])
  return rows
}

async function exportedIds(): Promise<string[]> {
  const [header, ...rows] = parseCsv(await readFile(harness.exportPath, 'utf8'))
  expect(header!.slice(0, 4)).toEqual(['id', 'at (UTC, ISO 8601)', 'tenant_id', 'action'])
  return rows.map((row) => row[0]!)
}

/** Runs Export CSV → confirm → save, and returns what the confirmation said. */
async function exportShown(click: (target: Locator) => Promise<void> = (target) => target.click()): Promise<string> {
  await click(page.getByRole('button', { name: 'Export CSV' }))
  const dialog = page.getByRole('dialog', { name: 'Export audit log' })
  await dialog.waitFor()
  const summary = (await dialog.getByTestId('export-summary').textContent()) ?? ''
  await click(dialog.getByRole('button', { name: 'Save CSV…' }))
  await expect.poll(() => dialog.textContent(), { timeout: 60_000 }).toMatch(/Exported [\d,]+ events to/)
  await dialog.getByRole('button', { name: 'Close' }).click()
  return summary
}

async function goTo(hash: string): Promise<void> {
  await page.evaluate((target) => void ((globalThis as unknown as BrowserGlobal).location.hash = target), hash)
}

describe.skipIf(skipBrowserTests)('investigating the audit log in Chromium', () => {
  beforeAll(async () => {
    server = await startTestServer(database())
    await seedDemo({ adminUrl: database().adminUrl, tenants: 60, auditRows: 20_000, encryptionKeys: server.secrets.encryptionKeys })
    await createUser(database(), { email: operator.email, password: operator.password, platformAdmin: true })
    const admin = await database().admin()
    try {
      const owned = await admin.query<{ id: string; name: string; slug: string; email: string }>(
        `SELECT t.id, t.name, t.slug, u.email
           FROM limena.tenants t
           JOIN limena.memberships m ON m.tenant_id = t.id AND m.role = 'owner'
           JOIN limena.users u ON u.id = m.user_id
          WHERE t.deleted_at IS NULL
            AND (SELECT count(*) FROM limena.tenants other WHERE lower(other.name) LIKE lower(left(t.name, 8)) || '%') = 1
          ORDER BY t.name
          LIMIT 2`,
      )
      expect(owned.rows.length).toBe(2)
      const [x, y] = owned.rows as [(typeof owned.rows)[0], (typeof owned.rows)[0]]
      tenantX = { id: x.id, name: x.name, slug: x.slug }
      tenantY = { id: y.id, name: y.name, slug: y.slug }
      ownerEmail = x.email
      // The owner revokes three keys in tenant X now, through the real API: the events to find.
      const owner = new ApiClient(server.url)
      expect((await owner.login(x.email, demoPassword)).status).toBe(200)
      for (const name of ['Billing export', 'Nightly sync', 'Zapier bridge']) {
        const created = await owner.request<{ id: string }>('POST', `/tenants/${x.id}/api-keys`, {
          body: { name, scopes: ['tenant:read'] },
        })
        expect(created.status).toBe(201)
        expect((await owner.request('DELETE', `/tenants/${x.id}/api-keys/${created.body.id}`)).status).toBe(204)
        revokedKeys.push(created.body.id)
      }
    } finally {
      await admin.end()
    }
    harness = await startConsole({ server, database })
    page = harness.page
    page.on('pageerror', (error) => pageErrors.push(error.message))
    await harness.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: harness.origin })
    // The computer's zone is Rome: "local" and UTC differ, so the zone shown matters.
    const cdp = await harness.context.newCDPSession(page)
    await cdp.send('Emulation.setTimezoneOverride', { timezoneId: 'Europe/Rome' })
    await page.goto(`${harness.origin}/index.html#/audit`)
    await page.getByLabel('Email').fill(operator.email)
    await page.getByLabel('Password').fill(operator.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await giveReasonIfAsked('SUP-7001 customer asks who revoked their API key', 20_000)
    await grid().waitFor({ timeout: 30_000 })
  }, 240_000)

  afterAll(async () => {
    await harness?.close()
    await server?.close()
  })

  it('finds who revoked an API key in tenant X during the last 7 days and exports those events, in at most 8 clicks', async () => {
    let clicks = 0
    const click = async (target: Locator) => {
      clicks += 1
      await target.click()
    }
    // The tenant, by typing part of its name.
    const part = tenantX.name.slice(0, 8)
    await click(page.getByRole('combobox', { name: 'Tenant' }))
    await page.keyboard.type(part)
    await click(page.getByRole('listbox', { name: 'Tenant' }).getByRole('option', { name: new RegExp(`^${tenantX.name}`) }))
    // Reading one tenant's log as an operator: the console asks why, naming the tenant.
    const reason = page.getByRole('dialog', { name: 'Why are you looking?' })
    await reason.waitFor()
    expect(await reason.textContent()).toContain(tenantX.name)
    await reason.getByLabel('Reason (ticket or short note)').fill('SUP-7001 customer asks who revoked their API key')
    await click(reason.getByRole('button', { name: 'Continue' }))
    // The action, by its words.
    await click(page.getByRole('combobox', { name: 'Action' }))
    await page.keyboard.type('revoked')
    await page.getByRole('option', { name: /^API key revoked/ }).waitFor()
    await harness.shot('audit-investigation-picker')
    await click(page.getByRole('option', { name: /^API key revoked/ }))
    await click(page.getByRole('button', { name: 'Last 7 days' }))
    const count = await listSettled()
    const listed = await listedIds()
    expect(listed.length).toBeGreaterThanOrEqual(revokedKeys.length)
    expect(count).toBe(`${listed.length} event${listed.length === 1 ? '' : 's'}`)
    expect(await grid().textContent()).toContain('Zapier bridge')
    expect(await chips().textContent()).toContain(`Tenant: ${tenantX.name}`)
    expect(await chips().textContent()).toContain('Action: API key revoked')
    expect(await chips().textContent()).toContain('Time: last 7 days')
    const summary = await exportShown(click)
    expect(summary).toMatch(
      new RegExp(
        `^${listed.length} events? · API key revoked · tenant ${tenantX.name} · last 7 days \\(from .+ to .+, Europe/Rome\\) · operator access hidden$`,
      ),
    )
    expect(clicks).toBeLessThanOrEqual(8)
    // The file holds exactly the rows listed.
    expect((await exportedIds()).sort()).toEqual([...listed].sort())
    const url = await pageUrl(page)
    expect(url).toContain(`tenantId=${tenantX.id}`)
    expect(url).toContain('action=api_key.deleted')
    expect(url).toContain('range=7d')
    await harness.shot('audit-investigation-task')
  })

  it('opens an event in a drawer that takes the focus, moves with j/k, closes with Escape back to its row', async () => {
    const rows = grid().locator('[role="row"][data-event-id]')
    const firstId = (await rows.nth(0).getAttribute('data-event-id'))!
    const secondId = (await rows.nth(1).getAttribute('data-event-id'))!
    await rows.nth(0).click()
    await drawer().waitFor()
    await expect.poll(() => pageUrl(page)).toContain(`event=${firstId}`)
    const focusIn = () =>
      page.evaluate(() => {
        const active = (globalThis as unknown as BrowserGlobal).document.activeElement
        return {
          drawer: Boolean(active?.closest('[role="complementary"]')),
          row: active?.getAttribute('data-event-id') ?? null,
        }
      })
    expect((await focusIn()).drawer).toBe(true)
    expect(await drawer().textContent()).toContain(firstId)
    await page.keyboard.press('j')
    await expect.poll(() => pageUrl(page)).toContain(`event=${secondId}`)
    await expect.poll(() => drawer().textContent()).toContain(secondId)
    expect(await grid().locator(`[data-event-id="${secondId}"]`).getAttribute('aria-selected')).toBe('true')
    await page.keyboard.press('k')
    await expect.poll(() => pageUrl(page)).toContain(`event=${firstId}`)
    await harness.shot('audit-investigation-drawer')
    await page.emulateMedia({ colorScheme: 'dark' })
    await harness.shot('audit-investigation-drawer-dark')
    await page.emulateMedia({ colorScheme: 'light' })
    await expectAccessibleInBothThemes(page, 'audit explorer with the drawer open')
    await page.keyboard.press('Escape')
    await drawer().waitFor({ state: 'hidden' })
    await expect.poll(async () => (await focusIn()).row).toBe(firstId)
    expect(await pageUrl(page)).not.toContain('event=')
    // j/k from the focused row: the drawer follows, the row keeps the focus and is highlighted.
    await page.keyboard.press('j')
    await drawer().waitFor()
    await expect.poll(async () => (await focusIn()).row).toBe(secondId)
    await page.keyboard.press('Escape')
    await drawer().waitFor({ state: 'hidden' })
  })

  it('states the export’s filter in words and confirms before the save dialog', async () => {
    await page.getByRole('button', { name: 'Export CSV' }).click()
    const dialog = page.getByRole('dialog', { name: 'Export audit log' })
    await dialog.waitFor()
    expect(await dialog.getByTestId('export-summary').textContent()).toContain('API key revoked')
    await harness.shot('audit-investigation-export')
    await expectAccessibleInBothThemes(page, 'audit explorer export dialog')
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })
  })

  it('clears a filter for real: the URL, the chips and the list', async () => {
    const before = await listedIds()
    await chips().getByRole('button', { name: 'Remove filter Action: API key revoked' }).click()
    await listSettled()
    expect(await pageUrl(page)).not.toContain('action=')
    expect(await chips().textContent()).not.toContain('Action:')
    expect(await page.getByRole('combobox', { name: 'Action' }).inputValue()).toBe('')
    const widened = await listedIds()
    expect(widened.length).toBeGreaterThan(before.length)
    // Emptying the text box clears its filter too (Enter applies what the box shows).
    const text = page.getByRole('searchbox', { name: 'Text' })
    await text.fill('Zapier')
    await text.press('Enter')
    await expect.poll(() => pageUrl(page)).toContain('q=Zapier')
    await listSettled()
    expect(await chips().textContent()).toContain('Text: “Zapier”')
    await text.fill('')
    await text.press('Enter')
    await expect.poll(() => pageUrl(page)).not.toContain('q=')
    await listSettled()
    expect(await chips().textContent()).not.toContain('Text:')
    expect((await listedIds()).sort()).toEqual([...widened].sort())
    // Clear all: no filter in the URL, no chip, the whole log (back to the cross-tenant reason).
    await chips().getByRole('button', { name: 'Clear all' }).click()
    await expect.poll(() => pageUrl(page)).toMatch(/#\/audit$/)
    await listSettled()
    expect(await chips().textContent()).toContain('No filters')
    expect(await countText()).toBe('more than 10,000 events')
    // Emptied, the filter stays empty when exported: the file has every tenant's rows.
  })

  it('keeps each page’s filters to itself: tenant tab, global log and another tenant', async () => {
    await goTo(`#/tenants/${tenantX.id}?tab=audit`)
    await reasonThen(page.getByRole('tab', { name: 'Audit log', selected: true }))
    await page.getByRole('combobox', { name: 'Action' }).click()
    await page.keyboard.type('All auth')
    await page.getByRole('option', { name: /^All auth events/ }).click()
    await expect.poll(() => pageUrl(page)).toContain('tab=audit&action=auth.*')
    await listSettled()
    expect(await chips().textContent()).toContain('Action: All auth events')
    expect(await chips().textContent()).not.toContain('Tenant:')
    const tenantIds = await grid()
      .locator('[role="row"][data-event-id]')
      .evaluateAll((rows) => rows.length)
    expect(tenantIds).toBeGreaterThan(0)
    // The global log: no filter came along.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click()
    await expect.poll(() => pageUrl(page)).toMatch(/#\/audit$/)
    await listSettled()
    expect(await chips().textContent()).toContain('No filters')
    expect(await page.getByRole('combobox', { name: 'Action' }).inputValue()).toBe('')
    // Another tenant's tab: none either.
    await goTo(`#/tenants/${tenantY.id}?tab=audit`)
    await reasonThen(page.getByRole('tab', { name: 'Audit log', selected: true }), 'SUP-7002 second tenant of the same customer')
    await listSettled()
    expect(await chips().textContent()).toContain('No filters')
    expect(await pageUrl(page)).toMatch(new RegExp(`#/tenants/${tenantY.id}\\?tab=audit$`))
    // Back to tenant X: its own filter again.
    await page.goBack()
    await page.goBack()
    await expect.poll(() => pageUrl(page)).toContain(`#/tenants/${tenantX.id}?tab=audit&action=auth.*`)
    await expect.poll(() => chips().textContent()).toContain('Action: All auth events')
  })

  it('exports exactly the rows on screen, with operator access shown', async () => {
    await goTo(`#/audit?tenantId=${tenantX.id}&action=api_key.*`)
    await listSettled()
    const toggle = page.getByRole('checkbox', { name: /^Show operator access \(\d+\+?\)$/ })
    expect(await toggle.isChecked()).toBe(false)
    await goTo(`#/audit?tenantId=${tenantX.id}`)
    await listSettled()
    const hiddenCount = await countText()
    const toggleLabel = (await page.locator('.audit-toolbar label.checkbox').textContent()) ?? ''
    const operatorAccess = Number(/\((\d+)\+?\)/.exec(toggleLabel)?.[1] ?? -1)
    await toggle.check()
    await expect.poll(() => pageUrl(page)).toContain('operatorAccess=include')
    await listSettled()
    expect(operatorAccess).toBeGreaterThan(0)
    // The toggle adds exactly the N it announced (the list keeps its instant; reads made since are not slipped in).
    const asNumber = (text: string | null) => Number((text ?? '').replace(/\D/g, ''))
    expect(asNumber(await countText())).toBe(asNumber(hiddenCount) + operatorAccess)
    const listed = await listedIds()
    expect(await countText()).toBe(`${listed.length} events`)
    const summary = await exportShown()
    expect(summary).toContain('operator access shown')
    expect((await exportedIds()).sort()).toEqual([...listed].sort())
  })

  it('reads a date in the zone on screen, and names the field of a mistyped one instead of throwing', async () => {
    await goTo(`#/audit?tenantId=${tenantX.id}`)
    await listSettled()
    expect(await page.getByRole('columnheader', { name: /^Time/ }).textContent()).toContain('Europe/Rome')
    await page.getByRole('button', { name: 'Custom…' }).click()
    const from = page.getByLabel('From (Europe/Rome)')
    await from.fill('202500-01-01T00:00')
    await page.getByRole('button', { name: 'Apply range' }).click()
    await expect
      .poll(() => page.getByRole('alert').filter({ hasText: 'From:' }).textContent())
      .toBe('From: the year must be between 1970 and 9999.')
    expect(await from.getAttribute('aria-invalid')).toBe('true')
    expect(pageErrors).toEqual([])
    // Local time (Rome): 10:00 there is 10:00 minus Rome's offset in UTC, nine days ago (a week of the log: events whatever the random seed).
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10)
    const romeInstant = (date: string) => {
      const offset = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Rome', timeZoneName: 'longOffset' })
        .formatToParts(new Date(`${date}T10:00:00Z`))
        .find((part) => part.type === 'timeZoneName')!
        .value.match(/GMT([+-])(\d{2}):(\d{2})/)!
      const minutes = (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]))
      return new Date(Date.parse(`${date}T10:00:00Z`) - minutes * 60_000).toISOString()
    }
    const encoded = (iso: string) => iso.replaceAll(':', '%3A')
    await from.fill(`${day(9)}T10:00`)
    await page.getByLabel('To (Europe/Rome)').fill(`${day(2)}T10:00`)
    await page.getByRole('button', { name: 'Apply range' }).click()
    await expect.poll(() => pageUrl(page)).toContain(`from=${encoded(romeInstant(day(9)))}&to=${encoded(romeInstant(day(2)))}`)
    await listSettled()
    await harness.shot('audit-investigation-time')
    // In UTC (the setting, remembered): the same wall-clock time is another instant.
    await page.evaluate(() => (globalThis as unknown as BrowserGlobal).localStorage.setItem('limena.timeZone', 'utc'))
    await page.reload()
    await listSettled()
    expect(await page.getByRole('columnheader', { name: /^Time/ }).textContent()).toContain('UTC')
    expect(await page.getByLabel('From (UTC)').inputValue()).toBe(romeInstant(day(9)).slice(0, 16))
    await page.getByLabel('From (UTC)').fill(`${day(9)}T10:00`)
    await page.getByRole('button', { name: 'Apply range' }).click()
    await expect.poll(() => pageUrl(page)).toContain(`from=${encoded(`${day(9)}T10:00:00.000Z`)}`)
    expect(await chips().textContent()).toMatch(/Time: from \w{3} \d{1,2}, \d{4}, 10:00:00\sAM \S+ to /)
    await page.evaluate(() => (globalThis as unknown as BrowserGlobal).localStorage.setItem('limena.timeZone', 'local'))
    await page.reload()
    await listSettled()
    expect(pageErrors).toEqual([])
  })

  it('picks actors and targets by name, and shows names in the list with the id a click away', async () => {
    await goTo(`#/audit?tenantId=${tenantX.id}&action=api_key.deleted&range=7d`)
    await listSettled()
    await page.getByRole('combobox', { name: 'Target' }).click()
    await page.keyboard.type('Zapier')
    const option = page.getByRole('listbox', { name: 'Target' }).getByRole('option', { name: /^Zapier bridge/ })
    await option.waitFor()
    // Keyboard: ↓ then Enter picks the highlighted option.
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    await expect.poll(() => pageUrl(page)).toContain(`targetId=${revokedKeys[2]}`)
    await listSettled()
    expect(await countText()).toBe('1 event')
    expect(await chips().textContent()).toContain('Target: Zapier bridge')
    const row = grid().locator('[role="row"][data-event-id]').first()
    expect(await row.textContent()).toContain('Zapier bridge')
    await row.getByRole('button', { name: 'Copy target id' }).click()
    await expect
      .poll(() => page.evaluate(() => (globalThis as unknown as BrowserGlobal).navigator.clipboard.readText()))
      .toBe(revokedKeys[2])
    // Escape closes an open picker without touching the filter.
    await page.getByRole('combobox', { name: 'Actor' }).click()
    await page.getByRole('listbox', { name: 'Actor' }).getByRole('option').first().waitFor()
    await page.keyboard.press('Escape')
    expect(await page.getByRole('combobox', { name: 'Actor' }).getAttribute('aria-expanded')).toBe('false')
    await page.getByRole('combobox', { name: 'Actor' }).click()
    await page.getByRole('listbox', { name: 'Actor' }).getByRole('option').first().click()
    await expect.poll(() => pageUrl(page)).toContain('actorId=')
    await listSettled()
    expect(await chips().textContent()).toMatch(/Actor: \S+@\S+/)
  })

  it('has column headers, resizable columns and a column chooser, remembered', async () => {
    await goTo('#/audit?range=30d')
    await listSettled()
    const headers = await page.getByRole('columnheader').allTextContents()
    expect(headers.map((header) => header.replace(/ \(.*\)$/, ''))).toEqual([
      'Time',
      'Tenant',
      'Action',
      'Actor',
      'Target',
      'Reason/IP',
      'Event id',
    ])
    // Names, not ids, in the tenant column.
    await expect
      .poll(() => grid().locator('[role="row"][data-event-id] [role="gridcell"]:nth-child(2)').first().textContent())
      .not.toBe('…')
    const actionHeader = page.getByRole('columnheader', { name: 'Action' })
    const width = (await actionHeader.boundingBox())!.width
    // The resize handles are one tab stop: Up and Down move between them, Left and Right resize.
    expect(await page.locator('[role="separator"][tabindex="0"]').count()).toBe(1)
    await page.getByRole('separator', { name: 'Resize the Time column' }).focus()
    await page.keyboard.press('ArrowDown')
    await page.keyboard.press('ArrowDown')
    expect(await page.evaluate(() => (globalThis as unknown as BrowserGlobal).document.activeElement?.getAttribute('aria-label'))).toBe(
      'Resize the Action column',
    )
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('ArrowRight')
    await expect.poll(async () => Math.round((await actionHeader.boundingBox())!.width - width)).toBe(40)
    expect(await page.locator('[role="separator"][tabindex="0"]').getAttribute('aria-label')).toBe('Resize the Action column')
    await page.getByRole('button', { name: 'Columns', exact: true }).click()
    await page.getByRole('checkbox', { name: 'Reason/IP' }).uncheck()
    expect(await page.getByRole('columnheader', { name: 'Reason/IP' }).count()).toBe(0)
    const stored = JSON.parse(
      (await page.evaluate(() => (globalThis as unknown as BrowserGlobal).localStorage.getItem('limena.audit.columns.global.v1'))) ?? '{}',
    )
    expect(stored).toMatchObject({ visibility: { detail: false }, sizing: { action: 230 } })
    await page.reload()
    await listSettled()
    expect(await page.getByRole('columnheader', { name: 'Reason/IP' }).count()).toBe(0)
    await page.getByRole('button', { name: 'Columns', exact: true }).click()
    await page.getByRole('checkbox', { name: 'Reason/IP' }).check()
    await page.getByRole('button', { name: 'Columns', exact: true }).click()
  })

  it('copies a link to the view that reopens the same filters, and opens the event a link names', async () => {
    await goTo(`#/audit?tenantId=${tenantX.id}&action=api_key.deleted&range=7d`)
    await listSettled()
    const chipsBefore = await chips().textContent()
    await page.getByRole('button', { name: 'Copy link to this view' }).click()
    const copied = await page.evaluate(() => (globalThis as unknown as BrowserGlobal).navigator.clipboard.readText())
    // A limena:// link to this route: the desktop app, its handler, sends main's `navigate` event with the route it names.
    const route = routeOfDeepLink(copied)
    expect(`${harness.origin}/index.html#${route}`).toBe(await pageUrl(page))
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tenants' }).click()
    await page.getByRole('grid', { name: 'Tenants' }).waitFor()
    await harness.emit('navigate', { route })
    await listSettled()
    expect(await chips().textContent()).toBe(chipsBefore)
    // A link naming an event opens its drawer.
    const eventId = (await grid().locator('[role="row"][data-event-id]').nth(1).getAttribute('data-event-id'))!
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tenants' }).click()
    await page.getByRole('grid', { name: 'Tenants' }).waitFor()
    await harness.emit('navigate', { route: routeOfDeepLink(`${copied}&event=${eventId}`) })
    await drawer().waitFor()
    expect(await drawer().textContent()).toContain(eventId)
    expect(await grid().locator(`[data-event-id="${eventId}"]`).getAttribute('aria-selected')).toBe('true')
    await drawer().getByRole('button', { name: 'Close event details' }).click()
  })

  it('says which part of a shared link it does not apply, and drops it only when asked', async () => {
    await goTo(`#/audit?tenantId=${tenantX.id}&action=no.such.action&range=7d&operatorAccess=maybe`)
    await listSettled()
    const banner = page.getByRole('status').filter({ hasText: 'Part of this link is not applied.' })
    await banner.waitFor()
    expect(await banner.textContent()).toContain('action=no.such.action (no such action)')
    expect(await banner.textContent()).toContain('operatorAccess=maybe (neither include nor exclude)')
    // What is applied is shown as such: the tenant and the range, not the action.
    expect(await chips().textContent()).not.toContain('no.such')
    expect(await pageUrl(page)).toContain('action=no.such.action')
    await banner.getByRole('button', { name: 'Remove it from the link' }).click()
    await expect.poll(() => banner.count()).toBe(0)
    await expect.poll(() => pageUrl(page)).not.toContain('no.such')
  })

  it('shows changed fields side by side with the differences marked', async () => {
    await goTo(`#/audit?action=member.role_changed`)
    await listSettled()
    await grid().locator('[role="row"][data-event-id]').first().click()
    const changes = drawer().getByRole('table', { name: 'Changed fields, before and after' })
    await changes.waitFor()
    const row = changes.getByRole('row', { name: /role/ })
    expect(await row.getByRole('cell').allTextContents()).toEqual(['viewer', 'member'])
    expect(await row.textContent()).toContain('changed')
    expect(await changes.textContent()).not.toContain('"viewer"')
    expect(await row.locator('td.diff-before').count()).toBe(1)
    await harness.shot('audit-investigation-changes')
    await page.keyboard.press('Escape')
    await drawer().waitFor({ state: 'hidden' })
    expect(pageErrors).toEqual([])
  })
  it('lets a member pick one of their tenants and an actor by name, and export without any reason', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByText('Signed out.').waitFor()
    await goTo('#/audit')
    await page.getByLabel('Email').fill(ownerEmail)
    await page.getByLabel('Password').fill(demoPassword)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByText('Pick a tenant to read its audit log.').waitFor()
    expect(await page.getByRole('combobox', { name: 'Actor' }).isDisabled()).toBe(true)
    await page.getByRole('combobox', { name: 'Tenant' }).click()
    await page.keyboard.type(tenantX.name.slice(0, 8))
    await page
      .getByRole('listbox', { name: 'Tenant' })
      .getByRole('option', { name: new RegExp(`^${tenantX.name}`) })
      .click()
    await listSettled()
    await page.getByRole('combobox', { name: 'Actor' }).click()
    await page.keyboard.type(ownerEmail.slice(0, 6))
    await page
      .getByRole('listbox', { name: 'Actor' })
      .getByRole('option', { name: new RegExp(`^${ownerEmail.replace(/[.+]/g, '\\$&')}`) })
      .first()
      .click()
    await page.getByRole('button', { name: 'Last 30 days' }).click()
    await expect.poll(() => pageUrl(page)).toContain('actorId=')
    await listSettled()
    expect(await chips().textContent()).toContain(`Actor: ${ownerEmail}`)
    const listed = await listedIds()
    expect(listed.length).toBeGreaterThan(0)
    expect(await page.getByRole('dialog', { name: 'Why are you looking?' }).count()).toBe(0)
    const summary = await exportShown()
    expect(summary).toContain(`tenant ${tenantX.name}`)
    expect((await exportedIds()).sort()).toEqual([...listed].sort())
    expect(pageErrors).toEqual([])
  })
})
