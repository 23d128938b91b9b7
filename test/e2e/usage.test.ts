/**
 * The usage page in real Chromium (test/support/console-harness.ts) against a real backend filled
 * by seed-demo: the top tenants by the metric on show, legend and tooltip in value order, "all
 * others" apart and off until asked for (in the address), the last bucket marked while it runs,
 * a tenant opened from its line or its legend entry (by keyboard too), tenants tied at 100% in
 * the order they tripped, trips a page at a time with the page in the address; and the chart's
 * colours, each clearly its own and at least 3:1 against the chart, in both themes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import { seedDemo } from '../../src/server/demo/seed-demo.js'
import { expectAccessibleInBothThemes, pageUrl, skipBrowserTests, startConsole, type ConsoleHarness } from '../support/console-harness.js'
import { useTestDatabase } from '../support/test-database.js'
import { createUser, startTestServer, type TestServer } from '../support/test-server.js'

const database = useTestDatabase({ maxConnections: 8 })
let server: TestServer
let harness: ConsoleHarness
let page: Page
const operator = { email: 'usage-ops@limena.example', password: 'usage operator password' }
const reason = 'OPS-14 weekly usage review'
const pageErrors: string[] = []

/** What the page's callbacks see of the DOM, typed for these tests only (the node tsconfig has no DOM library). */
interface SvgPathLike {
  getTotalLength(): number
  getPointAtLength(length: number): { x: number; y: number }
  getScreenCTM(): { a: number; b: number; c: number; d: number; e: number; f: number } | null
}
interface ElementLike {
  closest(selector: string): ElementLike | null
  getAttribute(name: string): string | null
  querySelector(selector: string): unknown
  appendChild(child: unknown): void
  remove(): void
  style: Record<string, string>
}
type BrowserGlobal = {
  document: {
    querySelector(selector: string): unknown
    elementFromPoint(x: number, y: number): ElementLike | null
    createElement(name: string): ElementLike
    activeElement: ElementLike | null
  }
  getComputedStyle(element: unknown): { color: string; backgroundColor: string; stroke: string }
}

// ---- Colour science: WCAG contrast and CIEDE2000 (checked against Sharma, Wu and Dalal's test data) ----

const channels = (colour: string) => (colour.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number) as [number, number, number]
const linear = (channel: number) => {
  const value = channel / 255
  return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4
}

function contrastRatio(first: string, second: string): number {
  const luminance = (colour: string) => {
    const [red, green, blue] = channels(colour).map(linear) as [number, number, number]
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue
  }
  const [lighter, darker] = [luminance(first), luminance(second)].sort((a, b) => b - a) as [number, number]
  return (lighter + 0.05) / (darker + 0.05)
}

type Lab = readonly [number, number, number]

/** CIE L*a*b* (D65) of a computed `rgb(r, g, b)`. */
function toLab(colour: string): Lab {
  const [red, green, blue] = channels(colour).map(linear) as [number, number, number]
  const x = (0.4124 * red + 0.3576 * green + 0.1805 * blue) / 0.95047
  const y = 0.2126 * red + 0.7152 * green + 0.0722 * blue
  const z = (0.0193 * red + 0.1192 * green + 0.9505 * blue) / 1.08883
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116)
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))]
}

/** The CIEDE2000 colour difference: about 1 is just noticeable; two series need far more to be told apart at a glance. */
function ciede2000([l1, a1, b1]: Lab, [l2, a2, b2]: Lab): number {
  const radians = Math.PI / 180
  const chroma = (Math.hypot(a1, b1) + Math.hypot(a2, b2)) / 2
  const g = 0.5 * (1 - Math.sqrt(chroma ** 7 / (chroma ** 7 + 25 ** 7)))
  const [ap1, ap2] = [(1 + g) * a1, (1 + g) * a2]
  const [c1, c2] = [Math.hypot(ap1, b1), Math.hypot(ap2, b2)]
  const hue = (b: number, a: number) => (b === 0 && a === 0 ? 0 : (Math.atan2(b, a) / radians + 360) % 360)
  const [h1, h2] = [hue(b1, ap1), hue(b2, ap2)]
  let hueDelta = c1 * c2 === 0 ? 0 : h2 - h1
  if (hueDelta > 180) hueDelta -= 360
  else if (hueDelta < -180) hueDelta += 360
  const bigHueDelta = 2 * Math.sqrt(c1 * c2) * Math.sin((hueDelta * radians) / 2)
  const meanL = (l1 + l2) / 2
  const meanC = (c1 + c2) / 2
  const meanH = c1 * c2 === 0 ? h1 + h2 : Math.abs(h1 - h2) <= 180 ? (h1 + h2) / 2 : (h1 + h2 + (h1 + h2 < 360 ? 360 : -360)) / 2
  const t =
    1 -
    0.17 * Math.cos((meanH - 30) * radians) +
    0.24 * Math.cos(2 * meanH * radians) +
    0.32 * Math.cos((3 * meanH + 6) * radians) -
    0.2 * Math.cos((4 * meanH - 63) * radians)
  const rotation = 30 * Math.exp(-(((meanH - 275) / 25) ** 2))
  const rc = 2 * Math.sqrt(meanC ** 7 / (meanC ** 7 + 25 ** 7))
  const sl = 1 + (0.015 * (meanL - 50) ** 2) / Math.sqrt(20 + (meanL - 50) ** 2)
  const sc = 1 + 0.045 * meanC
  const sh = 1 + 0.015 * meanC * t
  const rt = -Math.sin(2 * rotation * radians) * rc
  const [dl, dc, dh] = [(l2 - l1) / sl, (c2 - c1) / sc, bigHueDelta / sh]
  return Math.sqrt(dl ** 2 + dc ** 2 + dh ** 2 + rt * dc * dh)
}

// ---- The page ----

async function giveReasonIfAsked(timeout = 4000): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Why are you looking?' })
  try {
    await dialog.waitFor({ timeout })
  } catch {
    return
  }
  await dialog.getByLabel('Reason (ticket or short note)').fill(reason)
  await dialog.getByRole('button', { name: 'Continue' }).click()
  await dialog.waitFor({ state: 'hidden' })
}

/** Waits for `target`, giving the access reason whenever the console asks for one. */
async function reasonThen(target: Locator): Promise<void> {
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

const legend = () => page.getByRole('list', { name: /^Tenants by (tokens|calls) in this range, most first$/ })
const legendTenants = () => legend().locator('a.usage-legend-tenant')
const othersBox = () => legend().getByRole('checkbox', { name: /^All others/ })
const nearCeiling = () => page.getByRole('table', { name: 'Tenants near their monthly ceiling' })
const trips = () => page.getByRole('list', { name: 'Trips, newest first' })
const tripsPager = () => page.getByRole('navigation', { name: 'Pages of trips' })
/** The page settled: nothing being read (the page is not aria-busy) and the chart drawn. */
async function settled(): Promise<void> {
  await expect.poll(() => page.locator('section.usage-page').getAttribute('aria-busy'), { timeout: 30_000 }).toBe('false')
  await page.locator('.usage-chart .recharts-area-curve').first().waitFor()
}
const hashQuery = async () => new URLSearchParams((await pageUrl(page)).split('#')[1]!.split('?')[1] ?? '')
/** The tenant ids the legend links to, in its order. */
const legendIds = async () =>
  (await legendTenants().evaluateAll((links) => links.map((link) => (link as unknown as ElementLike).getAttribute('href')!))).map((href) =>
    href.replace(/^#\/tenants\//, ''),
  )

/** The window the page asks for: whole buckets up to the end of the current one, `days` back. */
const windowSql = (bucket: 'hour' | 'day', days: number) =>
  `date_trunc('${bucket}', now(), 'UTC') + interval '1 ${bucket}' - interval '${days} days', date_trunc('${bucket}', now(), 'UTC') + interval '1 ${bucket}'`

/** Every tenant's total of `metric` in the window, most first. */
async function totalsInWindow(
  metric: 'tokens' | 'calls',
  bucket: 'hour' | 'day',
  days: number,
): Promise<Array<{ id: string; total: number }>> {
  const admin = await database().admin()
  try {
    const rows = await admin.query<{ id: string; total: string }>(
      `SELECT tenant_id AS id, sum(${metric}) AS total FROM limena.ai_usage, (SELECT ${windowSql(bucket, days)}) w(from_at, to_at)
        WHERE bucket_start >= w.from_at AND bucket_start < w.to_at GROUP BY tenant_id ORDER BY sum(${metric}) DESC, tenant_id`,
    )
    return rows.rows.map((row) => ({ id: row.id, total: Number(row.total) }))
  } finally {
    await admin.end()
  }
}

describe.skipIf(skipBrowserTests)('the usage page in Chromium', () => {
  beforeAll(async () => {
    server = await startTestServer(database())
    await seedDemo({ adminUrl: database().adminUrl, tenants: 40, auditRows: 500, encryptionKeys: server.secrets.encryptionKeys })
    await createUser(database(), { email: operator.email, password: operator.password, platformAdmin: true })
    // The tenant with the fewest tokens makes the most calls (of one token each) two hours ago: top by calls is not top by tokens.
    const admin = await database().admin()
    try {
      await admin.query(
        `INSERT INTO limena.ai_usage (tenant_id, bucket_start, calls, tokens)
         SELECT id, date_trunc('hour', now(), 'UTC') - interval '2 hours', 50000, 1 FROM limena.tenants
          ORDER BY (SELECT coalesce(sum(tokens), 0) FROM limena.ai_usage u WHERE u.tenant_id = tenants.id), id LIMIT 1
         ON CONFLICT (tenant_id, bucket_start) DO UPDATE SET calls = ai_usage.calls + 50000, tokens = ai_usage.tokens + 1`,
      )
    } finally {
      await admin.end()
    }
    harness = await startConsole({ server, database })
    page = harness.page
    page.on('pageerror', (error) => pageErrors.push(error.message))
    console.info(`usage screenshots: ${harness.screenshotDir}`)
    await page.goto(`${harness.origin}/index.html#/admin/usage`)
    await page.getByLabel('Email', { exact: true }).fill(operator.email)
    await page.getByLabel('Password', { exact: true }).fill(operator.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await giveReasonIfAsked(30_000)
    await page.locator('.usage-chart .recharts-area-curve').first().waitFor({ timeout: 30_000 })
  }, 240_000)

  afterAll(async () => {
    await harness?.close()
    await server?.close()
  })

  it('shows the top 8 tenants by the metric on show, the legend in the order of their totals', async () => {
    const byTokens = await totalsInWindow('tokens', 'day', 30)
    expect(byTokens.length).toBeGreaterThan(8)
    expect(await legendIds()).toEqual(byTokens.slice(0, 8).map((tenant) => tenant.id))
    const shownTotals = await legendTenants().evaluateAll((links) =>
      links.map((link) => Number((link as unknown as ElementLike).getAttribute('data-total'))),
    )
    expect(shownTotals).toEqual(byTokens.slice(0, 8).map((tenant) => tenant.total))
    // One line per top tenant; all others are not drawn.
    expect(await page.locator('.usage-chart .recharts-area-curve').count()).toBe(8)
    expect(await page.locator('.usage-line-target').count()).toBe(8)
    await harness.shot('usage-chart')

    await page.getByRole('group', { name: 'Measure' }).getByRole('button', { name: 'Calls' }).click()
    await settled()
    expect((await hashQuery()).get('metric')).toBe('calls')
    const byCalls = await totalsInWindow('calls', 'day', 30)
    await expect.poll(legendIds).toEqual(byCalls.slice(0, 8).map((tenant) => tenant.id))
    // The tenant with the fewest tokens leads by calls: the eight are chosen by the metric, not re-labelled.
    expect(byCalls.slice(0, 8).map((tenant) => tenant.id)).not.toEqual(byTokens.slice(0, 8).map((tenant) => tenant.id))
    await page.getByRole('group', { name: 'Measure' }).getByRole('button', { name: 'Tokens' }).click()
    await settled()
    await expect.poll(legendIds).toEqual(byTokens.slice(0, 8).map((tenant) => tenant.id))
  })

  it('keeps all others off until asked for, then draws them apart, the choice in the address', async () => {
    expect(await othersBox().isChecked()).toBe(false)
    expect((await hashQuery()).get('others')).toBeNull()
    const byTokens = await totalsInWindow('tokens', 'day', 30)
    const othersTotal = byTokens.slice(8).reduce((sum, tenant) => sum + tenant.total, 0)
    expect(await othersBox().locator('xpath=..').textContent()).toContain(`(${byTokens.length - 8} tenants)`)
    // By keyboard: the checkbox takes Space.
    await othersBox().focus()
    await page.keyboard.press('Space')
    await expect.poll(() => othersBox().isChecked()).toBe(true)
    expect((await hashQuery()).get('others')).toBe('1')
    expect(await page.locator('.usage-chart .recharts-default-tooltip').isVisible()).toBe(false)
    await expect.poll(() => page.locator('.usage-chart .recharts-area-curve').count()).toBe(9)
    const dashed = page.locator('.usage-chart .recharts-area-curve[stroke-dasharray="6 4"]')
    expect(await dashed.count()).toBe(1)
    // Its legend entry stays last (it is not a tenant), with the others' total.
    expect(await legend().locator('li').last().textContent()).toMatch(/^All others/)
    expect(othersTotal).toBeGreaterThan(0)
    expect(await legend().locator('li').last().locator('.usage-legend-value').textContent()).toBe(
      new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 }).format(othersTotal),
    )
    await expectAccessibleInBothThemes(page, 'usage with all others')
    await harness.shot('usage-others')
    await page.emulateMedia({ colorScheme: 'dark' })
    await harness.shot('usage-others-dark')
    await page.emulateMedia({ colorScheme: 'light' })
    // The address holds it: back in history turns it off again.
    await page.goBack()
    await expect.poll(() => othersBox().isChecked()).toBe(false)
    await expect.poll(() => page.locator('.usage-chart .recharts-area-curve').count()).toBe(8)
    await othersBox().click()
    await expect.poll(() => page.locator('.usage-chart .recharts-area-curve').count()).toBe(9)
    await othersBox().click()
    await expect.poll(() => page.locator('.usage-chart .recharts-area-curve').count()).toBe(8)
  })

  it('marks the last bucket as partial while it runs, and sorts the tooltip by value', async () => {
    await page.getByRole('group', { name: 'Range' }).getByRole('button', { name: '48h' }).click()
    await settled()
    await expect.poll(legendIds).toEqual((await totalsInWindow('tokens', 'hour', 2)).slice(0, 8).map((tenant) => tenant.id))
    const band = page.locator('.usage-chart .usage-partial')
    await band.waitFor()
    expect(await page.locator('.usage-chart svg text').filter({ hasText: 'partial: until now' }).count()).toBe(1)
    // The band covers the segment into the last bucket: it ends at the plot's right edge.
    const plot = (await page.locator('.usage-chart .recharts-cartesian-grid').boundingBox())!
    const shade = (await band.boundingBox())!
    expect(Math.abs(shade.x + shade.width - (plot.x + plot.width))).toBeLessThan(2)
    expect(shade.width).toBeLessThan(plot.width / 20)

    // The tooltip of the last bucket says it is partial, and until when.
    await page.mouse.move(plot.x + plot.width - 1, plot.y + plot.height / 2)
    const tooltip = page.locator('.usage-chart .recharts-default-tooltip')
    await expect.poll(() => tooltip.locator('.recharts-tooltip-label').textContent()).toMatch(/· partial: until /)
    await harness.shot('usage-partial-tooltip')

    // At every bucket, its entries are the largest first (night hours may be all zero: the check counts the buckets that tell).
    let telling = 0
    for (let fraction = 0.05; fraction < 0.97; fraction += 0.06) {
      await page.mouse.move(plot.x + plot.width * fraction, plot.y + plot.height / 2)
      await expect.poll(() => tooltip.locator('.recharts-tooltip-label').textContent()).not.toMatch(/partial/)
      const values = (await tooltip.locator('.recharts-tooltip-item-value').allTextContents()).map((text) => Number(text.replace(/,/g, '')))
      expect(values.length).toBe(8)
      expect(values).toEqual([...values].sort((a, b) => b - a))
      if (new Set(values).size > 2) telling += 1
    }
    expect(telling).toBeGreaterThanOrEqual(3)
    await page.mouse.move(0, 0)
  })

  it('opens a tenant from its line, and from its legend entry by keyboard', async () => {
    const [first, second] = await legendIds()
    // Points along the top tenant's line, on screen.
    const points = await page.evaluate((tenantId) => {
      const path = (globalThis as unknown as BrowserGlobal).document.querySelector(
        `.usage-line-target[data-tenant-id="${tenantId}"] path`,
      ) as SvgPathLike
      const matrix = path.getScreenCTM()!
      const length = path.getTotalLength()
      return Array.from({ length: 39 }, (_, index) => {
        const onPath = path.getPointAtLength((length * (index + 1)) / 40)
        return { x: matrix.a * onPath.x + matrix.c * onPath.y + matrix.e, y: matrix.b * onPath.x + matrix.d * onPath.y + matrix.f }
      })
    }, first!)
    // The first where, with the pointer on it (the tooltip and its dots shown), the line itself is what a click lands on.
    const lineUnder = (point: { x: number; y: number }) =>
      page.evaluate(
        ({ x, y }) =>
          (globalThis as unknown as BrowserGlobal).document
            .elementFromPoint(x, y)
            ?.closest('.usage-line-target')
            ?.getAttribute('data-tenant-id') ?? null,
        point,
      )
    let target: { x: number; y: number } | null = null
    for (const point of points) {
      await page.mouse.move(point.x, point.y)
      if ((await lineUnder(point)) === first) {
        target = point
        break
      }
    }
    expect(target).not.toBeNull()
    await page.mouse.click(target!.x, target!.y)
    await expect.poll(async () => (await pageUrl(page)).split('#')[1]).toMatch(new RegExp(`^/tenants/${first}(\\?|$)`))
    await giveReasonIfAsked()
    await page.goBack()
    await settled()

    // The legend is reached by Tab from the controls above the chart, and Enter opens the tenant.
    await page.getByRole('group', { name: 'Measure' }).getByRole('button', { name: 'Tokens' }).focus()
    let reached = false
    for (let presses = 0; presses < 12 && !reached; presses += 1) {
      await page.keyboard.press('Tab')
      reached = await page.evaluate(
        (tenantId) => (globalThis as unknown as BrowserGlobal).document.activeElement?.getAttribute('href') === `#/tenants/${tenantId}`,
        first!,
      )
    }
    expect(reached).toBe(true)
    // Focus in the legend leaves the chart's tooltip closed (it belongs to the chart's own keyboard layer).
    expect(await page.locator('.usage-chart .recharts-default-tooltip').isVisible()).toBe(false)
    await page.keyboard.press('Tab')
    await page.keyboard.press('Enter')
    await expect.poll(async () => (await pageUrl(page)).split('#')[1]).toMatch(new RegExp(`^/tenants/${second}(\\?|$)`))
    await giveReasonIfAsked()
    await page.goBack()
    await settled()
  })

  it('lists tenants tied at 100% of their ceiling by when they tripped, earliest first', async () => {
    const admin = await database().admin()
    let expected: string[]
    try {
      // Two more tenants reach their ceiling; the four tied get trip times in reverse order of their names.
      await admin.query(
        `WITH next AS (SELECT tenant_id FROM limena.ai_quotas WHERE month_tokens < monthly_token_ceiling AND month_tokens > 0
                        ORDER BY month_tokens::numeric / monthly_token_ceiling DESC LIMIT 2)
         UPDATE limena.ai_quotas q SET monthly_token_ceiling = q.month_tokens FROM next WHERE q.tenant_id = next.tenant_id`,
      )
      const tied = (
        await admin.query<{ id: string; name: string }>(
          `SELECT t.id, t.name FROM limena.ai_quotas q JOIN limena.tenants t ON t.id = q.tenant_id
            WHERE q.month_tokens >= q.monthly_token_ceiling AND q.month_window_start = date_trunc('month', now(), 'UTC') ORDER BY t.name DESC`,
        )
      ).rows
      expect(tied.length).toBeGreaterThanOrEqual(4)
      for (const [index, tenant] of tied.entries()) {
        await admin.query(
          `INSERT INTO limena.quota_trips (tenant_id, kind, window_start, tripped_at, resets_at)
           VALUES ($1, 'monthly_ceiling', date_trunc('month', now(), 'UTC'), now() - $2 * interval '1 minute', date_trunc('month', now(), 'UTC') + interval '1 month')
           ON CONFLICT (tenant_id, kind, window_start) DO UPDATE SET tripped_at = excluded.tripped_at, reset_at = NULL`,
          [tenant.id, 200 - index * 17],
        )
      }
      expected = tied.map((tenant) => tenant.name)
    } finally {
      await admin.end()
    }
    await page.getByRole('group', { name: 'Range' }).getByRole('button', { name: '7d' }).click()
    await settled()
    const tiedRows = () => nearCeiling().getByRole('row').filter({ hasText: '(100%)' })
    await expect.poll(async () => (await tiedRows().count()) >= expected.length).toBe(true)
    const shown = await tiedRows().evaluateAll((rows) =>
      rows.map((row) => (row as unknown as { cells: Array<{ textContent: string }> }).cells[0]!.textContent),
    )
    expect(shown).toEqual(expected)
    // Each says when it tripped, earliest first; the first is the tenant refused the longest.
    const times = await tiedRows()
      .locator('td time')
      .evaluateAll((cells) => cells.map((cell) => Date.parse((cell as unknown as ElementLike).getAttribute('datetime')!)))
    expect(times).toEqual([...times].sort((a, b) => a - b))
    expect(times.length).toBe(expected.length)
    await expectAccessibleInBothThemes(page, 'usage, tenants near their ceiling')
  })

  it('pages through the trips, the page kept in the address', async () => {
    const admin = await database().admin()
    let expected: Array<{ id: string; name: string }>
    try {
      // Velocity trips over the last 20 days, so the range holds three pages.
      await admin.query(
        `INSERT INTO limena.quota_trips (tenant_id, kind, window_start, tripped_at, resets_at)
         SELECT t.id, 'velocity', date_trunc('hour', now(), 'UTC') - g * interval '11 hours', date_trunc('hour', now(), 'UTC') - g * interval '11 hours' + interval '20 minutes',
                date_trunc('hour', now(), 'UTC') - g * interval '11 hours' + interval '1 hour'
           FROM generate_series(1, 40) g JOIN LATERAL (SELECT id FROM limena.tenants ORDER BY id OFFSET g % 7 LIMIT 1) t ON true`,
      )
      expected = (
        await admin.query<{ id: string; name: string }>(
          `SELECT q.id, t.name FROM limena.quota_trips q JOIN limena.tenants t ON t.id = q.tenant_id, (SELECT ${windowSql('day', 30)}) w(from_at, to_at)
            WHERE q.tripped_at >= w.from_at AND q.tripped_at < w.to_at ORDER BY q.tripped_at DESC, q.id DESC`,
        )
      ).rows
    } finally {
      await admin.end()
    }
    expect(expected.length).toBeGreaterThan(40)
    const total = expected.length.toLocaleString('en')
    const names = () => trips().locator('li strong').allTextContents()
    const pagerText = () => tripsPager().locator('span').textContent()

    await page.getByRole('group', { name: 'Range' }).getByRole('button', { name: '30d' }).click()
    await settled()
    await expect.poll(pagerText).toBe(`Trips 1–20 of ${total}`)
    expect(await names()).toEqual(expected.slice(0, 20).map((trip) => trip.name))
    expect(await tripsPager().getByRole('button', { name: 'Newer' }).isDisabled()).toBe(true)

    await tripsPager().getByRole('button', { name: 'Older' }).click()
    await expect.poll(pagerText).toBe(`Trips 21–40 of ${total}`)
    expect(await names()).toEqual(expected.slice(20, 40).map((trip) => trip.name))
    expect((await hashQuery()).get('tripsBefore')).toBe(expected[19]!.id)
    await harness.shot('usage-trips-page-2')
    await expectAccessibleInBothThemes(page, 'usage, second page of trips')

    // The address alone opens that page: a fresh load (the reason is asked again) shows trips 21–40.
    const address = await pageUrl(page)
    await page.goto(`${harness.origin}/index.html#/tenants`)
    await giveReasonIfAsked()
    await page.goto(address)
    await reasonThen(tripsPager())
    await expect.poll(pagerText).toBe(`Trips 21–40 of ${total}`)
    expect(await names()).toEqual(expected.slice(20, 40).map((trip) => trip.name))

    await tripsPager().getByRole('button', { name: 'Older' }).click()
    await expect.poll(pagerText).toBe(`Trips 41–${Math.min(60, expected.length)} of ${total}`)
    expect(await names()).toEqual(expected.slice(40, 60).map((trip) => trip.name))
    await tripsPager().getByRole('button', { name: 'Newer' }).click()
    await expect.poll(pagerText).toBe(`Trips 21–40 of ${total}`)
    expect((await hashQuery()).get('tripsAfter')).toBe(expected[40]!.id)
    await tripsPager().getByRole('button', { name: 'Newer' }).click()
    await expect.poll(pagerText).toBe(`Trips 1–20 of ${total}`)
    const query = await hashQuery()
    expect([query.get('tripsBefore'), query.get('tripsAfter')]).toEqual([null, null])
    // Another range starts at its first page.
    await tripsPager().getByRole('button', { name: 'Older' }).click()
    await expect.poll(pagerText).toBe(`Trips 21–40 of ${total}`)
    await page.getByRole('group', { name: 'Range' }).getByRole('button', { name: '90d' }).click()
    await expect.poll(pagerText).toMatch(/^Trips 1–20 of /)
    expect((await hashQuery()).get('tripsBefore')).toBeNull()
  })

  it('draws with colours each at least 3:1 against the chart and clearly apart from each other, in both themes', async () => {
    await othersBox().check()
    await expect.poll(() => page.locator('.usage-chart .recharts-area-curve').count()).toBe(9)
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme })
      const colours = await page.evaluate(() => {
        const browser = globalThis as unknown as BrowserGlobal
        const chart = browser.document.querySelector('.usage-chart') as ElementLike
        const probe = browser.document.createElement('span')
        chart.appendChild(probe)
        const computed = Array.from({ length: 9 }, (_, index) => {
          probe.style.color = `var(--chart-${index + 1})`
          return browser.getComputedStyle(probe).color
        })
        probe.remove()
        return { background: browser.getComputedStyle(chart).backgroundColor, computed }
      })
      expect(colours.computed.every((colour) => /^rgb\(/.test(colour))).toBe(true)
      for (const [index, colour] of colours.computed.entries()) {
        expect(
          contrastRatio(colour, colours.background),
          `--chart-${index + 1} ${colour} on ${colours.background} (${colorScheme})`,
        ).toBeGreaterThanOrEqual(3)
      }
      for (let first = 0; first < colours.computed.length; first += 1) {
        for (let second = first + 1; second < colours.computed.length; second += 1) {
          const difference = ciede2000(toLab(colours.computed[first]!), toLab(colours.computed[second]!))
          expect(difference, `--chart-${first + 1} and --chart-${second + 1} (${colorScheme})`).toBeGreaterThanOrEqual(12)
        }
      }
      // The lines drawn take those colours, none twice.
      const strokes = await page
        .locator('.usage-chart .recharts-area-curve')
        .evaluateAll((paths) => paths.map((path) => (globalThis as unknown as BrowserGlobal).getComputedStyle(path).stroke))
      expect(strokes.length).toBe(9)
      expect(strokes.every((stroke) => /^rgb\(/.test(stroke))).toBe(true)
      expect(new Set(strokes).size).toBe(strokes.length)
    }
    await page.emulateMedia({ colorScheme: 'light' })
  })

  it('raised no error in the page', () => {
    expect(pageErrors).toEqual([])
  })
})

it('measures colour difference as CIEDE2000 does (Sharma, Wu and Dalal 2005)', () => {
  expect(ciede2000([50, 2.6772, -79.7751], [50, 0, -82.7485])).toBeCloseTo(2.0425, 4)
  expect(ciede2000([50, 0, 0], [50, -1, 2])).toBeCloseTo(2.3669, 4)
  expect(ciede2000([50, 2.5, 0], [73, 25, -18])).toBeCloseTo(27.1492, 4)
  expect(ciede2000([60.2574, -34.0099, 36.2677], [60.4626, -34.1751, 39.4387])).toBeCloseTo(1.2644, 4)
  expect(contrastRatio('rgb(255, 255, 255)', 'rgb(0, 0, 0)')).toBeCloseTo(21, 5)
})
