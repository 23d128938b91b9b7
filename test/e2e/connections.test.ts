/**
 * Connections in real Chromium (test/support/console-harness.ts), through the real main-process
 * router and ConnectionManager, everything on loopback: this file's backend as the embedded one,
 * a second real Limena backend over http on 127.0.0.1, an https server with a self-signed
 * certificate (made here with openssl) that answers like a backend, and a port nothing listens on.
 *
 * From the sign-in screen ("Manage connections…" beside the picker): adding the self-signed one is
 * refused with main's certificate sentence under the address, with no way around it, and nothing
 * is added (main's list read back); "Test" on the closed port says nothing answers, and only then
 * "Add anyway" is offered and adds it; the real second backend is added, renamed, a connection
 * removed after a confirmation naming it; the new connection is chosen at once and signed in to.
 * The settings page (`#/settings/connections`, linked in the app) shows the same list and renames
 * the connection in use; moving it to a new address says before saving that it signs out, and the
 * sign-in screen then says it moved, as it says so when the console switches away from it (not
 * "session revoked"). axe in both themes on each screen and dialog; screenshots.
 *
 * Not here: a certificate from a CA this computer trusts. NODE_EXTRA_CA_CERTS is read when Node
 * starts, so that case runs the probe in a child process, in test/main/connection-probe.test.ts
 * ("accepts the same CA-signed certificate once this computer trusts the CA").
 */
import { mkdtemp, rm } from 'node:fs/promises'
import type { Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import { expectAccessibleInBothThemes, pageUrl, skipBrowserTests, startConsole, type ConsoleHarness } from '../support/console-harness.js'
import { certificate, closedLoopbackUrl, startTlsBackend } from '../support/loopback-backends.js'
import { useTestDatabase } from '../support/test-database.js'
import { createUser, startTestServer, type TestServer } from '../support/test-server.js'

const database = useTestDatabase({ maxConnections: 8 })
const password = 'a long enough password'
const remoteEmail = 'ana@second.test'
let server: TestServer
let second: TestServer
let selfSigned: Server
let certificateDir: string
let selfSignedUrl: string
let closedUrl: string
let harness: ConsoleHarness
let page: Page

const shot = (name: string) => harness.shot(name)
const toasts = () => page.getByRole('status', { name: 'Notifications' })
const savedNames = async () => (await harness.connections.list()).items.map((connection) => connection.name)
const savedConnection = async (name: string) => (await harness.connections.list()).items.find((connection) => connection.name === name)
const manager = () => page.getByRole('dialog', { name: 'Connections' })
const addForm = () => page.getByRole('dialog', { name: 'Add a connection' })
const rowOf = (scope: Locator, name: string) => scope.getByRole('row').filter({ has: page.getByText(name, { exact: true }) })

async function fillConnection(form: Locator, name: string, url: string): Promise<void> {
  await form.getByLabel('Name').fill(name)
  await form.getByLabel('Address (URL)').fill(url)
}

describe.skipIf(skipBrowserTests)('connections in the console', () => {
  beforeAll(async () => {
    server = await startTestServer(database())
    second = await startTestServer(database())
    // An operator exists, so the embedded install shows the sign-in screen rather than the first run.
    await createUser(database(), { email: 'operator@first.test', password, platformAdmin: true })
    await createUser(database(), { email: remoteEmail, password })
    certificateDir = await mkdtemp(join(tmpdir(), 'limena-connections-'))
    const started = await startTlsBackend(await certificate(certificateDir, 'self', 'IP:127.0.0.1'))
    selfSigned = started.server
    selfSignedUrl = started.url
    closedUrl = await closedLoopbackUrl()
    harness = await startConsole({ server, database })
    page = harness.page
    await page.goto(`${harness.origin}/index.html#/tenants`)
  }, 180_000)

  afterAll(async () => {
    await harness?.close()
    await second?.close()
    await server?.close()
    selfSigned?.close()
    if (certificateDir) await rm(certificateDir, { recursive: true, force: true })
  })

  it('opens the connections manager beside the sign-in screen’s connection picker', async () => {
    await page.getByRole('heading', { name: 'Limena Operator Console' }).waitFor()
    await page.getByRole('button', { name: 'Manage connections…' }).click()
    await manager().waitFor()
    const embedded = rowOf(manager(), 'This computer (embedded)')
    expect(await embedded.textContent()).toContain('In use')
    expect(await embedded.textContent()).toContain(server.url)
    expect(await embedded.textContent()).toContain('This computer')
    // This computer's own backend can be tested and used, never edited or removed.
    expect(await embedded.getByRole('button', { name: 'Test This computer (embedded)' }).count()).toBe(1)
    expect(await embedded.getByRole('button', { name: /^(Edit|Remove) / }).count()).toBe(0)
    const help = await manager().textContent()
    expect(help).toContain('plain http is allowed only for a backend on this computer')
    expect(help).toContain('NODE_EXTRA_CA_CERTS')
    await embedded.getByRole('button', { name: 'Test This computer (embedded)' }).click()
    await expect.poll(() => embedded.textContent()).toContain('The backend answers; its database is up.')
    await shot('connections-sign-in')
    await expectAccessibleInBothThemes(page, 'connections manager at sign-in')
  })

  it('refuses a self-signed certificate plainly, with no way around it, and adds nothing', async () => {
    await manager().getByRole('button', { name: 'Add connection…' }).click()
    const form = addForm()
    await form.waitFor()
    expect(await form.textContent()).toContain(
      'Use https. Plain http is allowed only for a backend on this computer (127.0.0.1 or localhost).',
    )
    await expectAccessibleInBothThemes(page, 'add a connection')
    await fillConnection(form, 'Lab (self-signed)', selfSignedUrl)
    await form.getByRole('button', { name: 'Test', exact: true }).click()
    await expect.poll(() => form.getByRole('status').textContent()).toContain('is self-signed')
    await form.getByRole('button', { name: 'Add connection', exact: true }).click()
    const refusal = form.locator('#new-connection-url-error')
    await refusal.waitFor()
    const said = await refusal.textContent()
    expect(said).toMatch(/^Certificate not trusted\. /)
    expect(said).toContain(`The certificate of ${new URL(selfSignedUrl).host} is self-signed`)
    expect(said).toContain('NODE_EXTRA_CA_CERTS')
    expect(said).toContain('Limena never skips this check.')
    expect(await form.getByLabel('Address (URL)').getAttribute('aria-invalid')).toBe('true')
    expect(await form.getByLabel('Address (URL)').getAttribute('aria-describedby')).toContain('new-connection-url-error')
    // One message, not two: what the last test found gives way to main's answer.
    expect(await form.getByRole('status').textContent()).toBe('')
    // No way around a certificate: nothing offers to add it anyway.
    expect(await form.getByRole('button', { name: /anyway/i }).count()).toBe(0)
    await shot('connection-certificate-refused')
    await expectAccessibleInBothThemes(page, 'a certificate refused')
    await form.getByRole('button', { name: 'Cancel' }).click()
    await form.waitFor({ state: 'detached' })
    expect(await savedNames()).toEqual(['This computer (embedded)'])
    expect(await manager().getByRole('row').count()).toBe(2) // the header and this computer's
  })

  it('says nothing answers on a closed port, and only then offers "Add anyway", which adds it', async () => {
    await manager().getByRole('button', { name: 'Add connection…' }).click()
    const form = addForm()
    await fillConnection(form, 'Not running yet', closedUrl)
    await form.getByRole('button', { name: 'Test', exact: true }).click()
    await expect.poll(() => form.getByRole('status').textContent()).toContain(`Nothing answers at ${closedUrl} (connection refused)`)
    expect(await form.getByRole('button', { name: 'Add anyway' }).count()).toBe(0)
    await form.getByRole('button', { name: 'Add connection', exact: true }).click()
    await form.getByRole('button', { name: 'Add anyway' }).waitFor()
    expect(await form.locator('#new-connection-url-error').textContent()).toContain(`Nothing answers at ${closedUrl}`)
    expect(await savedNames()).toEqual(['This computer (embedded)'])
    await shot('connection-unreachable')
    await expectAccessibleInBothThemes(page, 'a backend that does not answer')
    await form.getByRole('button', { name: 'Add anyway' }).click()
    await form.waitFor({ state: 'detached' })
    await rowOf(manager(), 'Not running yet').waitFor()
    expect(await savedConnection('Not running yet')).toMatchObject({ kind: 'remote', url: closedUrl })
  })

  it('adds the second real backend, renames a connection, and removes one only after asking', async () => {
    await manager().getByRole('button', { name: 'Add connection…' }).click()
    const form = addForm()
    await fillConnection(form, 'Second backend', second.url)
    await form.getByRole('button', { name: 'Test', exact: true }).click()
    await expect.poll(() => form.getByRole('status').textContent()).toContain('The backend answers; its database is up.')
    await form.getByRole('button', { name: 'Add connection', exact: true }).click()
    await form.waitFor({ state: 'detached' })
    await rowOf(manager(), 'Second backend').waitFor()
    expect(await savedConnection('Second backend')).toMatchObject({ kind: 'remote', url: second.url })

    // Edit: a new address is said to end the session before saving; a new name alone is just saved.
    await manager().getByRole('button', { name: 'Edit Not running yet' }).click()
    const edit = page.getByRole('dialog', { name: 'Edit Not running yet' })
    await edit.waitFor()
    expect(await edit.getByLabel('Address (URL)').inputValue()).toBe(closedUrl)
    await edit.getByLabel('Address (URL)').fill(second.url)
    await expect
      .poll(() => edit.textContent())
      .toContain('A new address is another server: saving ends the session kept for Not running yet.')
    await shot('connection-edit-moved')
    await expectAccessibleInBothThemes(page, 'edit a connection')
    await edit.getByLabel('Address (URL)').fill(`${closedUrl}/`)
    await expect.poll(() => edit.textContent()).not.toContain('A new address is another server')
    await edit.getByLabel('Name').fill('Staging (not running)')
    await edit.getByRole('button', { name: 'Save', exact: true }).click()
    await edit.waitFor({ state: 'detached' })
    await rowOf(manager(), 'Staging (not running)').waitFor()
    expect(await savedConnection('Staging (not running)')).toMatchObject({ url: closedUrl })
    expect(await savedNames()).not.toContain('Not running yet')

    // Remove: asks first, naming it; Cancel keeps it.
    await manager().getByRole('button', { name: 'Remove Staging (not running)' }).click()
    const confirm = page.getByRole('dialog', { name: 'Remove the connection Staging (not running)?' })
    await confirm.waitFor()
    expect(await confirm.textContent()).toContain(closedUrl)
    await shot('connection-remove')
    await expectAccessibleInBothThemes(page, 'remove a connection')
    // Escape is Cancel: it closes the confirmation only, keeping the connection and the manager around it.
    await page.keyboard.press('Escape')
    await confirm.waitFor({ state: 'detached' })
    expect(await savedNames()).toContain('Staging (not running)')
    expect(await manager().isVisible()).toBe(true)
    await manager().getByRole('button', { name: 'Remove Staging (not running)' }).click()
    await confirm.getByRole('button', { name: 'Remove connection' }).click()
    await confirm.waitFor({ state: 'detached' })
    await rowOf(manager(), 'Staging (not running)').waitFor({ state: 'detached' })
    expect(await savedNames()).toEqual(['This computer (embedded)', 'Second backend'])
    await expect.poll(() => toasts().textContent()).toContain('Removed the connection Staging (not running).')
  })

  it('chooses the new connection at once and signs in to it', async () => {
    const secondId = (await savedConnection('Second backend'))!.id
    await manager().getByRole('button', { name: 'Use this connection: Second backend' }).click()
    await manager().waitFor({ state: 'detached' })
    const picker = page.getByRole('combobox', { name: 'Connection' })
    await expect.poll(() => picker.inputValue()).toBe(secondId)
    expect((await harness.connections.list()).activeId).toBe(secondId)
    await page.getByLabel('Email').fill(remoteEmail)
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await page.getByText(remoteEmail).waitFor()
    expect((await harness.connections.activeClient())?.baseUrl).toBe(second.url)
    expect(await page.locator('.sidebar-footer').textContent()).toContain('Second backend')
  })

  it('lists the same connections on the settings page, linked from the app', async () => {
    await page.getByRole('link', { name: 'Connections' }).click()
    await page.getByRole('heading', { level: 1, name: 'Connections' }).waitFor()
    expect(await pageUrl(page)).toMatch(/#\/settings\/connections$/)
    const list = page.getByRole('table')
    expect(await list.getByRole('row').count()).toBe(3)
    expect(await rowOf(list, 'This computer (embedded)').textContent()).toContain(server.url)
    const inUse = rowOf(list, 'Second backend')
    expect(await inUse.textContent()).toContain('In use · signed in')
    expect(await inUse.textContent()).toContain(second.url)
    expect(await inUse.getByRole('button', { name: /^Use this connection/ }).count()).toBe(0)
    // What earlier steps said is not part of this page's picture.
    const dismiss = toasts().getByRole('button', { name: 'Dismiss' })
    // A note may go by itself meanwhile (after seven seconds): then there is nothing to click.
    while ((await dismiss.count()) > 0)
      await dismiss
        .first()
        .click({ timeout: 2_000 })
        .catch(() => undefined)
    await shot('connections-settings')
    await page.emulateMedia({ colorScheme: 'dark' })
    await shot('connections-settings-dark')
    await page.emulateMedia({ colorScheme: 'light' })
    await expectAccessibleInBothThemes(page, 'connections settings')

    // Renaming the connection in use keeps the session; the app names it anew.
    await list.getByRole('button', { name: 'Edit Second backend' }).click()
    const edit = page.getByRole('dialog', { name: 'Edit Second backend' })
    await edit.getByLabel('Name').fill('Second backend (EU)')
    await edit.getByRole('button', { name: 'Save', exact: true }).click()
    await edit.waitFor({ state: 'detached' })
    await expect.poll(() => page.locator('.sidebar-footer').textContent()).toContain('Second backend (EU)')
    expect(await savedConnection('Second backend (EU)')).toMatchObject({ url: second.url })
    expect(await page.getByText(remoteEmail).count()).toBeGreaterThan(0)
  })

  it('says before saving that moving the connection in use signs out, then says so on the sign-in screen', async () => {
    const list = page.getByRole('table')
    await list.getByRole('button', { name: 'Edit Second backend (EU)' }).click()
    const edit = page.getByRole('dialog', { name: 'Edit Second backend (EU)' })
    // Another real backend (this file's first one) at a new address.
    await edit.getByLabel('Address (URL)').fill(server.url)
    await expect
      .poll(() => edit.getByRole('status').filter({ hasText: 'A new address' }).textContent())
      .toBe(
        'A new address is another server: saving ends the session kept for Second backend (EU), and signs you out now. You sign in to it again afterwards.',
      )
    await edit.getByRole('button', { name: 'Save', exact: true }).click()
    await page.getByRole('heading', { name: 'Limena Operator Console' }).waitFor()
    expect(await page.getByRole('status').filter({ hasText: 'Connection moved.' }).textContent()).toContain(
      `Second backend (EU) is now ${server.url}: sign in there to continue.`,
    )
    expect(await harness.connections.status()).toMatchObject({
      signedIn: false,
      connection: { name: 'Second backend (EU)', url: server.url },
    })
    // Signed in again at the new address, back to the settings page.
    await page.getByLabel('Email').fill(remoteEmail)
    await page.getByLabel('Password').fill(password)
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await page.getByText(remoteEmail).waitFor()
    expect((await harness.connections.activeClient())?.baseUrl).toBe(server.url)
  })

  it('says on the sign-in screen that switching away from the connection in use changed it', async () => {
    if (!(await pageUrl(page)).endsWith('#/settings/connections')) await page.getByRole('link', { name: 'Connections' }).click()
    const list = page.getByRole('table')
    // Switching away from it: the sign-in screen says the connection changed, not that the session was revoked.
    await list.getByRole('button', { name: 'Use this connection: This computer (embedded)' }).click()
    await page.getByRole('heading', { name: 'Limena Operator Console' }).waitFor()
    const notice = await page.getByRole('status').filter({ hasText: 'Connection changed.' }).textContent()
    expect(notice).toContain('The console now uses This computer (embedded). Sign in to it to continue.')
    expect((await harness.connections.list()).activeId).toBe('embedded')
    expect(await page.getByRole('combobox', { name: 'Connection' }).inputValue()).toBe('embedded')
    await shot('connection-changed')
    await expectAccessibleInBothThemes(page, 'sign-in after switching connections')
  })
})
