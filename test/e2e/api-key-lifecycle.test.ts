/**
 * The API-key lifecycle in the console, in real Chromium against a real backend and database
 * (test/support/console-harness.ts): a key made with an expiry (and a warning when it has none)
 * shows its age, last use and expiry, and is refused once its time has passed (the clock moved
 * by shifting the key's dates back in the database); rolling a key asks for a grace period and
 * shows the successor once, and both keys work meanwhile; revoking asks for the key's name to
 * be typed and then says what happened. The posture page counts tenant keys older than 90 days
 * across tenants and lists them, and shows the encryption key `rotate-keys` just made without
 * a restart or a reload. Each screen passes axe in both themes.
 */
import { existsSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { resolveInstallSecrets } from '../../src/server/secrets/install-secrets.js'
import { ensureCliBuilt, runLimena } from '../support/cli.js'
import { cliEnvironmentFor } from '../support/cli-environment.js'
import { expectAccessibleInBothThemes, skipBrowserTests, startConsole, type ConsoleHarness } from '../support/console-harness.js'
import { useTestDatabase } from '../support/test-database.js'
import { ApiClient, createUser, startTestServer, type TestServer } from '../support/test-server.js'

const database = useTestDatabase({ maxConnections: 8 })
const password = 'lifecycle password of some length'
let server: TestServer
let harness: ConsoleHarness
let page: Page
let dataDir: string
let tenantId: string
let owner: ApiClient

const shot = (name: string) => harness.shot(name)
const asKey = (key: string) => new ApiClient(server.url).request<{ detail?: string }>('GET', '/me', { auth: `Bearer ${key}` })

async function signIn(email: string): Promise<void> {
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
}

async function admin<T>(work: (client: Awaited<ReturnType<ReturnType<typeof database>['admin']>>) => Promise<T>): Promise<T> {
  const client = await database().admin()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** Moves the clock `days` forward for the keys named `name`: their dates go back by that much. */
const passDays = (name: string, days: number) =>
  admin((client) =>
    client.query(
      `UPDATE limena.api_keys SET created_at = created_at - make_interval(days => $2), expires_at = expires_at - make_interval(days => $2),
              last_used_at = last_used_at - make_interval(days => $2)
        WHERE name = $1`,
      [name, days],
    ),
  )

const keysTab = () => page.getByRole('tabpanel', { name: 'API keys' })
const rowOf = (name: string) =>
  keysTab()
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name, exact: true }) })

/** Reads the new key from its dialog, confirms the copy and closes it. */
async function takeNewKey(): Promise<string> {
  const dialog = page.getByRole('dialog', { name: 'Your new API key' })
  await dialog.waitFor()
  const key = (await page.getByTestId('new-api-key').textContent())!
  expect(key).toMatch(/^lmn_[A-Za-z0-9_-]{43}$/)
  await dialog.getByLabel('I copied the key and stored it safely').check()
  await dialog.getByRole('button', { name: 'Done' }).click()
  await expect.poll(() => dialog.isVisible()).toBe(false)
  return key
}

/** Leaves the tenant and comes back to its keys, as a person would to see them afresh. */
async function reopenKeys(): Promise<void> {
  await page.getByRole('link', { name: '← Tenants' }).click()
  await page.getByRole('grid', { name: 'Tenants' }).waitFor()
  await page.evaluate(
    (id) => void ((globalThis as unknown as { location: { hash: string } }).location.hash = `#/tenants/${id}?tab=api-keys`),
    tenantId,
  )
  await keysTab().waitFor()
}

async function createInConsole(name: string, expiry: string): Promise<string> {
  await keysTab().getByLabel('Name').fill(name)
  await keysTab().getByLabel('Expires after').selectOption({ label: expiry })
  await keysTab().getByRole('button', { name: 'Create key' }).click()
  return takeNewKey()
}

describe.skipIf(skipBrowserTests)('the API-key lifecycle in the console', () => {
  beforeAll(async () => {
    // rotate-keys runs the CLI as built; it is built only when missing (the CLI tests rebuild it when stale).
    if (!existsSync(fileURLToPath(new URL('../../out/main/cli.js', import.meta.url)))) ensureCliBuilt()
    dataDir = await mkdtemp(join(tmpdir(), 'limena-key-lifecycle-'))
    const install = { dataDir, store: 'file' as const, env: {} }
    server = await startTestServer(database(), {
      secrets: (await resolveInstallSecrets(install)).secrets,
      reloadEncryptionKeys: async () => (await resolveInstallSecrets(install)).secrets.encryptionKeys,
    })
    await createUser(database(), { email: 'keys-operator@example.test', password, platformAdmin: true })
    await createUser(database(), { email: 'keys-owner@example.test', password })
    await createUser(database(), { email: 'other-owner@example.test', password })
    owner = new ApiClient(server.url)
    await owner.login('keys-owner@example.test', password)
    tenantId = (await owner.request<{ id: string }>('POST', '/tenants', { body: { name: 'Northwind Traders', slug: 'northwind' } })).body.id
    // Keys made long ago, in two tenants, for the posture to find.
    for (const name of ['Legacy sync', 'Old CI token'])
      await owner.request('POST', `/tenants/${tenantId}/api-keys`, { body: { name, scopes: ['tenant:read'], expiresInDays: null } })
    await owner.request('POST', `/tenants/${tenantId}/integrations`, { body: { provider: 'slack', label: 'Ops', secret: 'xoxb-ops' } })
    const other = new ApiClient(server.url)
    await other.login('other-owner@example.test', password)
    const otherTenant = (await other.request<{ id: string }>('POST', '/tenants', { body: { name: 'Contoso', slug: 'contoso' } })).body.id
    await other.request('POST', `/tenants/${otherTenant}/api-keys`, {
      body: { name: 'Warehouse export', scopes: ['tenant:read'], expiresInDays: null },
    })
    await passDays('Legacy sync', 400)
    await passDays('Old CI token', 120)
    await passDays('Warehouse export', 200)

    harness = await startConsole({ server, database })
    page = harness.page
    await page.goto(`${harness.origin}/index.html#/tenants/${tenantId}?tab=api-keys`)
    await signIn('keys-owner@example.test')
    await keysTab().waitFor()
  }, 180_000)

  afterAll(async () => {
    await harness?.close()
    await server?.close()
  })

  it('offers an expiry when creating a key, warns when there is none, and shows age, last use and expiry', async () => {
    const expiry = keysTab().getByLabel('Expires after')
    expect(await expiry.inputValue()).toBe('90')
    expect(await expiry.locator('option').allTextContents()).toEqual(['30 days', '90 days', '365 days', 'Never'])
    await expiry.selectOption({ label: 'Never' })
    await keysTab().getByText('This key would never expire.').waitFor()
    await shot('api-key-create-never')
    await expectAccessibleInBothThemes(page, 'API key creation, no expiry')
    await expiry.selectOption({ label: '30 days' })
    expect(await keysTab().getByText('This key would never expire.').count()).toBe(0)

    const key = await createInConsole('Billing export', '30 days')
    const row = rowOf('Billing export')
    await row.waitFor()
    expect(await row.textContent()).toMatch(/today.*Never used.*in 30 days/)
    expect(await rowOf('Legacy sync').textContent()).toMatch(/400 days.*Never/)

    // Used once: the listing says when.
    expect((await asKey(key)).status).toBe(200)
    await reopenKeys()
    await expect.poll(() => rowOf('Billing export').textContent()).not.toContain('Never used')
    await shot('api-keys')
    await expectAccessibleInBothThemes(page, 'API keys')

    // 31 days later the key is refused, saying it expired and when; the console marks it expired.
    await passDays('Billing export', 31)
    const refused = await asKey(key)
    expect(refused.status).toBe(401)
    expect(refused.body.detail).toMatch(/^this API key expired at \d{4}-\d\d-\d\dT[\d:.]+Z$/)
    await reopenKeys()
    await expect.poll(() => rowOf('Billing export').textContent()).toContain('Expired')
    expect(await rowOf('Billing export').getByRole('button', { name: /^Roll/ }).count()).toBe(0)
  })

  it('rolls a key with a grace period picked in a dialog, shows the successor once, and both keys work meanwhile', async () => {
    const oldKey = await createInConsole('Deploy bot', '90 days')
    await rowOf('Deploy bot').getByRole('button', { name: 'Roll Deploy bot' }).click()
    const dialog = page.getByRole('dialog', { name: 'Roll API key “Deploy bot”' })
    await dialog.waitFor()
    const grace = dialog.getByLabel('The old key keeps working for')
    expect(await grace.inputValue()).toBe('24')
    expect(await grace.locator('option').allTextContents()).toEqual([
      'No grace: it stops at once',
      '1 hour',
      '24 hours',
      '3 days',
      '7 days (the longest)',
    ])
    await grace.selectOption({ label: '3 days' })
    await shot('api-key-roll')
    await expectAccessibleInBothThemes(page, 'API key roll dialog')
    await dialog.getByRole('button', { name: 'Roll key' }).click()
    const newKey = await takeNewKey()
    expect(newKey).not.toBe(oldKey)
    await expect.poll(() => keysTab().getByRole('status').textContent()).toMatch(/Rolled “Deploy bot”: the old key works until .+\./)

    // Both keys work during the grace period, and the old one is marked rolled with its end.
    expect((await asKey(oldKey)).status).toBe(200)
    expect((await asKey(newKey)).status).toBe(200)
    const rows = rowOf('Deploy bot')
    await expect.poll(() => rows.count()).toBe(2)
    expect(await rows.filter({ hasText: 'Rolled' }).textContent()).toMatch(/Rolled, valid until/)
    expect(await rows.filter({ hasText: 'in 90 days' }).count()).toBe(1)
    await shot('api-keys-rolled')
    await expectAccessibleInBothThemes(page, 'API keys after a roll')
  })

  it('revokes a key only once its name is typed, then says so; nothing happens on one click', async () => {
    const key = await createInConsole('Support bot', '365 days')
    await rowOf('Support bot').getByRole('button', { name: 'Revoke Support bot' }).click()
    const dialog = page.getByRole('dialog', { name: 'Revoke API key “Support bot”?' })
    await dialog.waitFor()
    expect((await asKey(key)).status).toBe(200)
    const confirm = dialog.getByRole('button', { name: 'Revoke key' })
    expect(await confirm.isDisabled()).toBe(true)
    await dialog.getByLabel('Type Support bot to confirm').fill('Support')
    expect(await confirm.isDisabled()).toBe(true)
    await shot('api-key-revoke')
    await expectAccessibleInBothThemes(page, 'API key revoke dialog')
    // Cancel leaves the key alone.
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => dialog.isVisible()).toBe(false)
    expect((await asKey(key)).status).toBe(200)

    await rowOf('Support bot').getByRole('button', { name: 'Revoke Support bot' }).click()
    await dialog.getByLabel('Type Support bot to confirm').fill('Support bot')
    await confirm.click()
    await expect.poll(() => keysTab().getByRole('status').textContent()).toBe('Revoked “Support bot” (its key no longer works).')
    await expect.poll(() => rowOf('Support bot').count()).toBe(0)
    expect((await asKey(key)).status).toBe(401)
  })

  it('counts tenant keys older than 90 days on the posture page, lists them, and shows a rotated encryption key at once', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByRole('status').filter({ hasText: 'Signed out.' }).waitFor()
    await page.evaluate(() => void ((globalThis as unknown as { location: { hash: string } }).location.hash = '#/posture'))
    await signIn('keys-operator@example.test')
    const reason = page.getByRole('dialog', { name: 'Why are you looking?' })
    await reason.waitFor()
    await reason.getByLabel('Reason (ticket or short note)').fill('SEC-77 quarterly key review')
    await reason.getByRole('button', { name: 'Continue' }).click()
    const guarantee = page.locator('.guarantees li', { hasText: 'Tenant API keys are younger than 90 days' })
    await guarantee.waitFor()
    expect(await guarantee.getAttribute('class')).toBe('broken')
    expect(await guarantee.textContent()).toContain('3 keys older than 90 days across 2 tenants')
    await shot('posture-guarantees')
    await guarantee.getByRole('button', { name: 'Show the 3 keys' }).click()
    const list = page.getByRole('table', { name: 'Tenant API keys older than 90 days' })
    await list.waitFor()
    // Shown: scrolled into the viewport.
    await expect.poll(async () => ((await list.boundingBox())?.y ?? -1) >= 0 && ((await list.boundingBox())?.y ?? 9999) < 860).toBe(true)
    const rows = await list.getByRole('row').allTextContents()
    expect(rows.slice(1).map((row) => row.replace(/\s+/g, ' '))).toEqual([
      expect.stringMatching(/^Northwind Traders.*Legacy sync.*lmn_.{6}.*400 days/),
      expect.stringMatching(/^Contoso.*Warehouse export.*200 days/),
      expect.stringMatching(/^Northwind Traders.*Old CI token.*120 days/),
    ])
    await shot('posture-api-keys')
    await expectAccessibleInBothThemes(page, 'posture with old API keys')

    const encryptionRows = () => page.getByRole('table', { name: 'Install keys' }).getByRole('row').filter({ hasText: 'encryption' })
    expect(await encryptionRows().allTextContents()).toEqual([expect.stringMatching(/v1.*current/)])
    const rotation = await runLimena(['rotate-keys', '--encryption', '--data-dir', dataDir], { env: cliEnvironmentFor(database()) })
    expect(rotation.code, rotation.stderr).toBe(0)
    // Away and back, no reload: the posture is read again and shows the rotated key.
    await page.getByRole('link', { name: 'Access log' }).click()
    await page.getByRole('link', { name: 'Security posture' }).click()
    await expect
      .poll(() => encryptionRows().allTextContents())
      .toEqual([expect.stringMatching(/v1.*retired/), expect.stringMatching(/v2.*current/)])
    expect(await encryptionRows().nth(1).textContent()).toContain('1 secret')
    await page.getByRole('table', { name: 'Install keys' }).scrollIntoViewIfNeeded()
    await shot('posture-rotated')
  })

  it('lets the console follow a tenant from the posture list', async () => {
    const list = page.getByRole('table', { name: 'Tenant API keys older than 90 days' })
    await list.getByRole('link', { name: 'Contoso' }).click()
    const reason = page.getByRole('dialog', { name: 'Why are you looking?' })
    await reason.waitFor()
    await reason.getByLabel('Reason (ticket or short note)').fill('SEC-77 quarterly key review')
    await reason.getByRole('button', { name: 'Continue' }).click()
    await page.getByRole('heading', { name: 'Contoso' }).waitFor()
    expect(await page.evaluate(() => (globalThis as unknown as { location: { hash: string } }).location.hash)).toContain('tab=api-keys')
  })
})
