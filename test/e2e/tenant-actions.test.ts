/**
 * Operators and tenant owners act from the console, in real Chromium against a real backend and
 * database filled by seed-demo (test/support/console-harness.ts): an operator creates a tenant
 * with its first owner (the invitation link shown once, then accepted), suspends it (its members
 * are refused with the suspended problem and their console says so), restores it, and deletes one
 * only once its slug is typed. An owner lists pending invitations, makes a new link for one (the
 * old link is refused, the new one works) and revokes one; removing a member, changing a role,
 * disconnecting an integration and declining an invitation each ask first: Cancel changes
 * nothing (read back through the API), Confirm does it and says so in a toast. Every dialog takes
 * focus on its first field (or its question), never on Cancel, closes on Escape and gives focus
 * back to the button that opened it. Each screen passes axe in both themes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { problemTypes } from '../../src/shared/problem.js'
import { seedDemo } from '../../src/server/demo/seed-demo.js'
import { expectAccessibleInBothThemes, pageUrl, skipBrowserTests, startConsole, type ConsoleHarness } from '../support/console-harness.js'
import { useTestDatabase } from '../support/test-database.js'
import { ApiClient, createUser, startTestServer, type TestServer } from '../support/test-server.js'

const database = useTestDatabase({ maxConnections: 8 })
const password = 'tenant actions password'
const operatorEmail = 'ops@tenant-actions.test'
const ownerEmail = 'owner@harbor.test'
const reason = 'OPS-314 customer contract change'

let server: TestServer
let harness: ConsoleHarness
let otherHarness: ConsoleHarness
/** The operator's console. */
let page: Page
/** Another install of the console, for the tenants' own people. */
let other: Page
let owner: ApiClient
let harborId: string
const crew: Record<'crew' | 'deck' | 'mate', ApiClient> = {} as never

const shot = (name: string) => harness.shot(name)
const api = () => new ApiClient(server.url)

async function signIn(target: Page, email: string, secret = password): Promise<void> {
  await target.getByLabel('Email').fill(email)
  await target.getByLabel('Password', { exact: true }).fill(secret)
  await target.getByRole('button', { name: 'Sign in', exact: true }).click()
}

async function signOut(target: Page): Promise<void> {
  await target.getByRole('button', { name: 'Sign out' }).click()
  await target.getByRole('button', { name: 'Sign in', exact: true }).waitFor()
}

async function giveReason(text = reason): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Why are you looking?' })
  await dialog.waitFor()
  await dialog.getByLabel('Reason (ticket or short note)').fill(text)
  await dialog.getByRole('button', { name: 'Continue' }).click()
  await dialog.waitFor({ state: 'hidden' })
}

const goTo = (target: Page, route: string) =>
  target.evaluate((hash) => void ((globalThis as unknown as { location: { hash: string } }).location.hash = hash), `#${route}`)

/** What has keyboard focus: its tag, id, class and accessible text, to say where focus went. */
const focused = (target: Page) =>
  target.evaluate(() => {
    const element = (
      globalThis as unknown as {
        document: {
          activeElement: {
            tagName: string
            id: string
            className: string
            textContent: string | null
            getAttribute(name: string): string | null
          } | null
        }
      }
    ).document.activeElement
    return {
      tag: element?.tagName ?? null,
      id: element?.id ?? '',
      className: typeof element?.className === 'string' ? element.className : '',
      name: element?.getAttribute('aria-label') ?? element?.textContent?.trim() ?? '',
    }
  })

const toasts = (target: Page) => target.getByRole('status', { name: 'Notifications' })

/** An invitation answered with a new account's password: the API's accept-invite, as a new person would. */
async function acceptWithToken(token: string, email: string): Promise<{ status: number; client: ApiClient; type?: string }> {
  const client = api()
  const answer = await client.request<{ accessToken?: string; type?: string }>('POST', '/auth/accept-invite', {
    body: { token, password },
    auth: null,
  })
  if (answer.status === 200) client.accessToken = answer.body.accessToken!
  else expect(answer.body.type, `accept-invite for ${email}`).toBeDefined()
  return { status: answer.status, client, type: answer.body.type }
}

async function invite(email: string, role: 'owner' | 'admin' | 'member' | 'viewer'): Promise<string> {
  const answer = await owner.request<{ inviteToken: string }>('POST', `/tenants/${harborId}/members`, { body: { email, role } })
  expect(answer.status, answer.text).toBe(201)
  return answer.body.inviteToken
}

const members = async () =>
  (await owner.request<{ items: Array<{ email: string; role: string }> }>('GET', `/tenants/${harborId}/members`)).body.items
const pendingInvitations = async () =>
  (await owner.request<{ items: Array<{ email: string }> }>('GET', `/tenants/${harborId}/invitations`)).body.items.map((item) => item.email)

async function auditReasons(tenantId: string, action: string): Promise<Array<string | null>> {
  const admin = await database().admin()
  try {
    return (
      await admin.query<{ reason: string | null }>(
        'SELECT reason FROM limena.audit_logs WHERE tenant_id = $1 AND action = $2 ORDER BY seq',
        [tenantId, action],
      )
    ).rows.map((row) => row.reason)
  } finally {
    await admin.end()
  }
}

describe.skipIf(skipBrowserTests)('acting on tenants from the console', () => {
  beforeAll(async () => {
    server = await startTestServer(database())
    await seedDemo({ adminUrl: database().adminUrl, tenants: 6, auditRows: 300, encryptionKeys: server.secrets.encryptionKeys })
    await createUser(database(), { email: operatorEmail, password, platformAdmin: true })
    await createUser(database(), { email: ownerEmail, password })
    owner = api()
    expect((await owner.login(ownerEmail, password)).status).toBe(200)
    const created = await owner.request<{ id: string }>('POST', '/tenants', { body: { name: 'Harbor Logistics', slug: 'harbor' } })
    expect(created.status, created.text).toBe(201)
    harborId = created.body.id
    // Its people join the way everyone does: invited, then accepting with their own password.
    for (const [name, role] of [
      ['crew', 'member'],
      ['deck', 'member'],
      ['mate', 'admin'],
    ] as const) {
      const accepted = await acceptWithToken(await invite(`${name}@harbor.test`, role), name)
      expect(accepted.status).toBe(200)
      crew[name] = accepted.client
    }
    const integration = await owner.request('POST', `/tenants/${harborId}/integrations`, {
      body: { provider: 'slack', label: 'Ops alerts', secret: 'xoxb-harbor-ops' },
    })
    expect(integration.status, integration.text).toBe(201)

    harness = await startConsole({ server, database })
    page = harness.page
    await page.goto(`${harness.origin}/index.html#/tenants`)
    await signIn(page, operatorEmail)
    await giveReason()
    await page.getByRole('grid', { name: 'Tenants' }).waitFor()

    // Another install of the console (its own browser, bridge and keychain) for the tenants' own people.
    otherHarness = await startConsole({ server, database })
    other = otherHarness.page
    await other.goto(`${otherHarness.origin}/index.html#/tenants`)
  }, 180_000)

  afterAll(async () => {
    await otherHarness?.close()
    await harness?.close()
    await server?.close()
  })

  it('creates a tenant with its first owner; the invitation link is shown once, and once accepted the owner sees the tenant', async () => {
    const opener = page.getByRole('button', { name: 'New tenant…' })
    await opener.click()
    const form = page.getByRole('dialog', { name: 'New tenant' })
    await form.waitFor()
    expect(await focused(page)).toMatchObject({ tag: 'INPUT', id: 'new-tenant-name' })
    // Escape closes it, and focus is back on the button.
    await page.keyboard.press('Escape')
    await expect.poll(() => form.isVisible()).toBe(false)
    expect((await focused(page)).name).toBe('New tenant…')

    await opener.click()
    await form.getByLabel('Name').fill('Northwind Freight')
    // The slug follows the name until it is edited; the contract's rule is checked before sending.
    expect(await form.getByLabel('Slug').inputValue()).toBe('northwind-freight')
    await form.getByLabel('Slug').fill('Northwind Freight')
    await form.getByLabel("Owner's email").fill('founder@northwind.test')
    await form.getByRole('button', { name: 'Create tenant' }).click()
    await form.getByText('Use lowercase letters, digits and inner hyphens').waitFor()
    expect(await form.getByLabel('Slug').getAttribute('aria-invalid')).toBe('true')
    await form.getByLabel('Slug').fill('northwind-freight')
    expect(await form.textContent()).toContain(reason)
    await shot('tenant-create')
    await expectAccessibleInBothThemes(page, 'new tenant dialog')
    await form.getByRole('button', { name: 'Create tenant' }).click()

    const shown = page.getByRole('dialog', { name: 'Invitation link for founder@northwind.test' })
    await shown.waitFor()
    const token = (await shown.getByTestId('invitation-link').textContent())!
    expect(token).toMatch(/^lmi_[A-Za-z0-9_-]{43}$/)
    expect(await shown.textContent()).toContain('shown only this once')
    await shot('tenant-create-invitation')
    await expectAccessibleInBothThemes(page, 'new tenant invitation link')
    // It cannot close before the copy is confirmed.
    await page.keyboard.press('Escape')
    expect(await shown.isVisible()).toBe(true)
    expect(await shown.getByRole('button', { name: 'Done' }).isDisabled()).toBe(true)
    await shown.getByLabel('I copied the link to send it to the owner').check()
    await shown.getByRole('button', { name: 'Done' }).click()
    await expect.poll(() => shown.isVisible()).toBe(false)
    await expect.poll(() => toasts(page).textContent()).toContain('Created Northwind Freight. founder@northwind.test becomes its owner')
    await page.getByRole('row').filter({ hasText: 'Northwind Freight' }).waitFor()
    await shot('tenant-created-toast')
    await expectAccessibleInBothThemes(page, 'tenants with a toast')

    // The link works: the owner accepts it, with a password, and owns the tenant.
    const accepted = await acceptWithToken(token, 'founder@northwind.test')
    expect(accepted.status).toBe(200)
    const theirs = await accepted.client.request<{ items: Array<{ id: string; slug: string; role: string }> }>('GET', '/tenants')
    const northwind = theirs.body.items.find((item) => item.slug === 'northwind-freight')
    expect(northwind?.role).toBe('owner')
    // Its creation is in its own log with the operator's reason.
    expect(await auditReasons(northwind!.id, 'tenant.created')).toEqual([reason])
    // And in their own console they see it, as its owner.
    await signIn(other, 'founder@northwind.test')
    const row = other.getByRole('row').filter({ hasText: 'Northwind Freight' })
    await row.waitFor()
    expect(await row.textContent()).toContain('owner')
    await signOut(other)
  })

  it('suspends a tenant only after asking; its members are refused with the suspended problem and every view says it is suspended', async () => {
    await goTo(page, `/tenants/${harborId}`)
    await giveReason()
    await page.getByRole('heading', { name: 'Harbor Logistics' }).waitFor()
    const suspendButton = page.getByRole('button', { name: 'Suspend tenant…' })
    await suspendButton.click()
    const dialog = page.getByRole('dialog', { name: 'Suspend Harbor Logistics?' })
    await dialog.waitFor()
    // Focus on the question, not on Cancel, and not on the button that acts.
    expect((await focused(page)).className).toContain('confirm-question')
    expect(await dialog.textContent()).toContain(`Recorded in Harbor Logistics's audit log with your reason: ${reason}`)
    await shot('tenant-suspend')
    await expectAccessibleInBothThemes(page, 'suspend dialog')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => dialog.isVisible()).toBe(false)
    expect((await focused(page)).name).toBe('Suspend tenant…')
    expect((await crew.crew.request('GET', `/tenants/${harborId}`)).status).toBe(200)

    await suspendButton.click()
    await dialog.getByRole('button', { name: 'Suspend tenant' }).click()
    await expect
      .poll(() => toasts(page).textContent())
      .toContain('Suspended Harbor Logistics: its members and API keys are refused until it is restored.')
    await page.getByText(/^Suspended since /).waitFor()
    await page.getByRole('button', { name: 'Restore tenant…' }).waitFor()
    await shot('tenant-suspended')
    await page.emulateMedia({ colorScheme: 'dark' })
    await shot('tenant-suspended-dark')
    await page.emulateMedia({ colorScheme: 'light' })
    await expectAccessibleInBothThemes(page, 'suspended tenant, operator view')

    // A member is refused, with the problem that says why.
    const refused = await crew.crew.request<{ type: string }>('GET', `/tenants/${harborId}`)
    expect(refused.status).toBe(403)
    expect(refused.body.type).toBe(problemTypes.tenantSuspended)
    expect(await auditReasons(harborId, 'tenant.suspended')).toEqual([reason])

    // The directory marks it.
    await page.getByRole('link', { name: '← Tenants' }).click()
    const harborRow = page.getByRole('row').filter({ hasText: 'Harbor Logistics' })
    await expect.poll(() => harborRow.textContent()).toContain('Suspended')

    // Its owner's console: marked in their list, and the tenant's page says what happened, not an error.
    await signIn(other, ownerEmail)
    const theirRow = other.getByRole('row').filter({ hasText: 'Harbor Logistics' })
    await expect.poll(() => theirRow.textContent()).toContain('Suspended')
    await theirRow.click()
    const state = other.getByRole('status').filter({ hasText: 'Harbor Logistics is suspended.' })
    await state.waitFor()
    expect(await state.textContent()).toContain('its members (you too) and its API keys cannot reach it')
    expect(await other.getByRole('alert').count()).toBe(0)
    await otherHarness.shot('tenant-suspended-member')
    await expectAccessibleInBothThemes(other, 'suspended tenant, member view')
  })

  it('restores it after asking: its members reach it again', async () => {
    await goTo(page, `/tenants/${harborId}`)
    await page.getByRole('button', { name: 'Restore tenant…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Restore Harbor Logistics?' })
    await dialog.waitFor()
    await expectAccessibleInBothThemes(page, 'restore dialog')
    await dialog.getByRole('button', { name: 'Restore tenant' }).click()
    await expect.poll(() => toasts(page).textContent()).toContain('Restored Harbor Logistics: its members and API keys reach it again.')
    await page.getByRole('button', { name: 'Suspend tenant…' }).waitFor()
    expect(await page.getByText(/^Suspended since /).count()).toBe(0)
    expect((await crew.crew.request('GET', `/tenants/${harborId}`)).status).toBe(200)

    await other.getByRole('button', { name: 'Check again' }).click()
    await other.getByText('You are owner').waitFor()
  })

  it('deletes a tenant only once its slug is typed exactly', async () => {
    const operatorApi = api()
    await operatorApi.login(operatorEmail, password)
    const created = await operatorApi.request<{ tenant: { id: string } }>('POST', '/admin/tenants', {
      body: { name: 'Old Pier', slug: 'old-pier', ownerEmail: 'pier@harbor.test' },
      headers: { 'x-access-reason': reason },
    })
    expect(created.status, created.text).toBe(201)
    const oldPier = created.body.tenant.id
    await goTo(page, `/tenants/${oldPier}`)
    await giveReason()
    await page.getByRole('heading', { name: 'Old Pier' }).waitFor()
    await page.getByRole('button', { name: 'Delete tenant…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Delete Old Pier?' })
    await dialog.waitFor()
    // Focus is in the field to type the slug into.
    expect((await focused(page)).tag).toBe('INPUT')
    const confirm = dialog.getByRole('button', { name: 'Delete tenant' })
    expect(await confirm.isDisabled()).toBe(true)
    for (const wrong of ['old-pie', 'Old Pier', 'old-pier ', 'OLD-PIER']) {
      await dialog.getByLabel('Type old-pier to confirm').fill(wrong)
      expect(await confirm.isDisabled(), wrong).toBe(true)
    }
    await shot('tenant-delete')
    await expectAccessibleInBothThemes(page, 'delete dialog')
    await page.keyboard.press('Escape')
    await expect.poll(() => dialog.isVisible()).toBe(false)
    expect((await focused(page)).name).toBe('Delete tenant…')
    expect((await operatorApi.request('GET', `/admin/tenants/${oldPier}`, { headers: { 'x-access-reason': reason } })).status).toBe(200)

    await page.getByRole('button', { name: 'Delete tenant…' }).click()
    expect(await dialog.getByLabel('Type old-pier to confirm').inputValue()).toBe('')
    await dialog.getByLabel('Type old-pier to confirm').fill('old-pier')
    await confirm.click()
    await expect.poll(() => toasts(page).textContent()).toContain('Deleted Old Pier (old-pier).')
    await expect.poll(() => pageUrl(page)).toMatch(/#\/tenants$/)
    await page.getByRole('grid', { name: 'Tenants' }).waitFor()
    await expect.poll(() => page.getByRole('row').filter({ hasText: 'Old Pier' }).count()).toBe(0)
    expect((await operatorApi.request('GET', `/admin/tenants/${oldPier}`, { headers: { 'x-access-reason': reason } })).status).toBe(404)
    expect(await auditReasons(oldPier, 'tenant.deleted')).toEqual([reason])
  })

  it('lists pending invitations; a new link is asked first and shown once, after which the old link is refused and the new one works', async () => {
    const oldToken = await invite('newhand@harbor.test', 'member')
    await invite('stowaway@harbor.test', 'viewer')
    await goTo(other, `/tenants/${harborId}?tab=members`)
    const pending = other.getByRole('region', { name: 'Pending invitations' })
    await expect.poll(() => pending.getByRole('listitem').count()).toBe(2)
    expect(await pending.textContent()).toMatch(/newhand@harbor\.test invited as member by owner@harbor\.test/)
    await otherHarness.shot('tenant-invitations')
    await expectAccessibleInBothThemes(other, 'pending invitations')

    await pending.getByRole('button', { name: 'Resend link to newhand@harbor.test' }).click()
    const ask = other.getByRole('dialog', { name: 'Make a new link for newhand@harbor.test?' })
    await ask.waitFor()
    expect(await ask.textContent()).toContain('stops working at once')
    expect((await focused(other)).name).not.toBe('Cancel')
    await ask.getByRole('button', { name: 'Make a new link' }).click()
    const shown = other.getByRole('dialog', { name: 'New invitation link for newhand@harbor.test' })
    await shown.waitFor()
    expect(await shown.textContent()).toContain('The link sent before no longer works.')
    const newToken = (await shown.getByTestId('invitation-link').textContent())!
    expect(newToken).toMatch(/^lmi_[A-Za-z0-9_-]{43}$/)
    expect(newToken).not.toBe(oldToken)
    await otherHarness.shot('invitation-new-link')
    await expectAccessibleInBothThemes(other, 'new invitation link')
    await other.keyboard.press('Escape')
    expect(await shown.isVisible()).toBe(true)
    await shown.getByLabel('I copied the new link to send it').check()
    await shown.getByRole('button', { name: 'Done' }).click()
    await expect.poll(() => toasts(other).textContent()).toContain('New link for newhand@harbor.test made: the old one no longer works.')
    expect((await focused(other)).name).toBe('Resend link to newhand@harbor.test')

    const withOld = await acceptWithToken(oldToken, 'newhand@harbor.test')
    expect(withOld.status).toBe(400)
    const withNew = await acceptWithToken(newToken, 'newhand@harbor.test')
    expect(withNew.status).toBe(200)
    expect((await members()).find((member) => member.email === 'newhand@harbor.test')?.role).toBe('member')
  })

  it('revokes an invitation only after asking, naming its email', async () => {
    const pending = other.getByRole('region', { name: 'Pending invitations' })
    const revoke = pending.getByRole('button', { name: 'Revoke invitation of stowaway@harbor.test' })
    await revoke.click()
    const dialog = other.getByRole('dialog', { name: 'Revoke the invitation of stowaway@harbor.test?' })
    await dialog.waitFor()
    expect((await focused(other)).className).toContain('confirm-question')
    await expectAccessibleInBothThemes(other, 'revoke invitation dialog')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => dialog.isVisible()).toBe(false)
    expect(await pendingInvitations()).toContain('stowaway@harbor.test')

    await revoke.click()
    await dialog.getByRole('button', { name: 'Revoke invitation' }).click()
    await expect
      .poll(() => toasts(other).textContent())
      .toContain('Revoked the invitation of stowaway@harbor.test: its link no longer works.')
    await expect.poll(() => pending.textContent()).toContain('No pending invitations.')
    expect(await pendingInvitations()).not.toContain('stowaway@harbor.test')
  })

  it('removes a member only after asking, naming them; Escape and Cancel change nothing', async () => {
    const table = other.getByRole('tabpanel', { name: 'Members' }).getByRole('table')
    const remove = table.getByRole('button', { name: 'Remove deck@harbor.test' })
    await remove.click()
    const dialog = other.getByRole('dialog', { name: 'Remove deck@harbor.test from this tenant?' })
    await dialog.waitFor()
    expect((await focused(other)).className).toContain('confirm-question')
    await otherHarness.shot('member-remove')
    await expectAccessibleInBothThemes(other, 'remove member dialog')
    await other.keyboard.press('Escape')
    await expect.poll(() => dialog.isVisible()).toBe(false)
    expect((await focused(other)).name).toBe('Remove deck@harbor.test')
    await remove.click()
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    expect((await members()).map((member) => member.email)).toContain('deck@harbor.test')
    expect((await crew.deck.request('GET', `/tenants/${harborId}`)).status).toBe(200)

    await remove.click()
    await dialog.getByRole('button', { name: 'Remove member' }).click()
    await expect.poll(() => toasts(other).textContent()).toContain('Removed deck@harbor.test from this tenant.')
    // Its row went with it: focus is on the page, not lost at the document's start.
    await expect.poll(async () => (await focused(other)).tag).toBe('MAIN')
    await expect.poll(() => table.getByRole('button', { name: 'Remove deck@harbor.test' }).count()).toBe(0)
    expect((await members()).map((member) => member.email)).not.toContain('deck@harbor.test')
    expect((await crew.deck.request('GET', `/tenants/${harborId}`)).status).toBe(404)
  })

  it('changes a role only after asking, naming the person and both roles', async () => {
    const select = other.getByLabel('Role of mate@harbor.test')
    // As a person does it: the select has focus (clicked or tabbed to) when the choice is made.
    await select.focus()
    await select.selectOption('viewer')
    const dialog = other.getByRole('dialog', { name: 'Change mate@harbor.test from admin to viewer?' })
    await dialog.waitFor()
    expect(await dialog.textContent()).toContain('Viewers only read the tenant.')
    expect((await focused(other)).className).toContain('confirm-question')
    await otherHarness.shot('member-role-change')
    await expectAccessibleInBothThemes(other, 'role change dialog')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => dialog.isVisible()).toBe(false)
    // Nothing changed: the select shows the role as it is, and so does the API.
    expect(await select.inputValue()).toBe('admin')
    expect((await members()).find((member) => member.email === 'mate@harbor.test')?.role).toBe('admin')
    expect((await focused(other)).name).toBe('Role of mate@harbor.test')

    await select.focus()
    await select.selectOption('viewer')
    await dialog.getByRole('button', { name: 'Change role' }).click()
    await expect.poll(() => toasts(other).textContent()).toContain('mate@harbor.test is now viewer (was admin).')
    await expect.poll(() => select.inputValue()).toBe('viewer')
    expect((await members()).find((member) => member.email === 'mate@harbor.test')?.role).toBe('viewer')
  })

  it('disconnects an integration only after asking, naming it', async () => {
    const integrations = async () =>
      (await owner.request<{ items: Array<{ label: string }> }>('GET', `/tenants/${harborId}/integrations`)).body.items.map(
        (item) => item.label,
      )
    await other.getByRole('tab', { name: 'Integrations' }).click()
    const disconnect = other.getByRole('button', { name: 'Disconnect Slack “Ops alerts”' })
    await disconnect.click()
    const dialog = other.getByRole('dialog', { name: 'Disconnect Slack “Ops alerts”?' })
    await dialog.waitFor()
    expect((await focused(other)).className).toContain('confirm-question')
    await otherHarness.shot('integration-disconnect')
    await expectAccessibleInBothThemes(other, 'disconnect integration dialog')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    await expect.poll(() => dialog.isVisible()).toBe(false)
    expect((await focused(other)).name).toBe('Disconnect Slack “Ops alerts”')
    expect(await integrations()).toEqual(['Ops alerts'])

    await disconnect.click()
    await dialog.getByRole('button', { name: 'Disconnect' }).click()
    await expect.poll(() => toasts(other).textContent()).toContain('Disconnected Slack “Ops alerts”.')
    expect(await integrations()).toEqual([])
    await other.getByText('No integrations connected.').waitFor()
  })

  it('declines an invitation only after asking', async () => {
    await invite('founder@northwind.test', 'viewer')
    await signOut(other)
    await signIn(other, 'founder@northwind.test')
    const mine = other.getByRole('region', { name: 'Invitations for you' })
    await mine.waitFor()
    await mine.getByRole('button', { name: 'Decline…' }).click()
    const dialog = other.getByRole('dialog', { name: 'Decline the invitation to Harbor Logistics?' })
    await dialog.waitFor()
    await expectAccessibleInBothThemes(other, 'decline invitation dialog')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    const founder = api()
    await founder.login('founder@northwind.test', password)
    const myInvitations = async () => (await founder.request<{ items: unknown[] }>('GET', '/me/invitations')).body.items.length
    expect(await myInvitations()).toBe(1)

    await mine.getByRole('button', { name: 'Decline…' }).click()
    await dialog.getByRole('button', { name: 'Decline invitation' }).click()
    await expect.poll(() => toasts(other).textContent()).toContain('Declined the invitation to Harbor Logistics.')
    await expect.poll(() => mine.count()).toBe(0)
    expect(await myInvitations()).toBe(0)
  })
})
