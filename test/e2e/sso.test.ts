/**
 * Single sign-on in the console, in real Chromium (test/support/console-harness.ts) against a
 * seeded real backend and database and a real OpenID provider (test/support/oidc-provider.ts):
 * an owner configures the tenant's single sign-on in its "Single sign-on" tab (a discovery
 * failure said plainly, then saved, with a toast); a new person signs in from the sign-in screen
 * ("Continue with <provider> for <tenant>"): main's opener hands the provider's address to a
 * second Chromium page playing the system browser, which signs in at the provider's own login
 * form and is sent back through the backend's callback to main's loopback listener; main trades
 * the code and the console shows the tenant. A refused sign-in (a domain not allowed) says why
 * and what to do; cancel goes back; the audit log reads the SSO sign-in and the refusal in
 * words; the owner removes single sign-on after typing the slug. axe on every new screen, in both
 * themes; screenshots (docs/screenshots with LIMENA_UPDATE_SCREENSHOTS=1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Locator, Page } from 'playwright-core'
import { seedDemo } from '../../src/server/demo/seed-demo.js'
import { expectAccessibleInBothThemes, skipBrowserTests, startConsole, type ConsoleHarness } from '../support/console-harness.js'
import { startTestProvider, type TestProvider } from '../support/oidc-provider.js'
import { ssoCallbackPath } from '../support/sso-app.js'
import { useTestDatabase } from '../support/test-database.js'
import { ApiClient, createUser, startTestServer, type TestServer } from '../support/test-server.js'

const database = useTestDatabase({ maxConnections: 8 })
const ownerEmail = 'olivia@northwind.test'
const ownerPassword = 'northwind owner password'
let server: TestServer
let provider: TestProvider
let harness: ConsoleHarness
let page: Page
let tenantId: string
/** Every address main asked the OS to open in the system browser. */
const opened: string[] = []

const shot = (name: string) => harness.shot(name)
const providerHost = () => new URL(provider.issuer).host

async function signInWithPassword(email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
}

async function signOut(): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByRole('heading', { name: 'Limena Operator Console' }).waitFor()
}

const ssoTab = () => page.getByRole('tabpanel', { name: 'Single sign-on' })
const toasts = () => page.getByRole('status', { name: 'Notifications' })

/** Dismisses the notes on show and scrolls to the top (or to `focus`), for a screenshot of the screen itself. */
async function settle(focus?: Locator): Promise<void> {
  for (const dismiss of await toasts().getByRole('button', { name: 'Dismiss' }).all()) await dismiss.click()
  if (focus)
    await focus.evaluate((element) =>
      (element as unknown as { scrollIntoView: (options: object) => void }).scrollIntoView({ block: 'center' }),
    )
  else await page.evaluate(() => (globalThis as unknown as { scrollTo: (x: number, y: number) => void }).scrollTo(0, 0))
}

async function openTenantTab(tab: string): Promise<void> {
  await page.evaluate(
    ([id, name]) => void ((globalThis as unknown as { location: { hash: string } }).location.hash = `#/tenants/${id}?tab=${name}`),
    [tenantId, tab] as const,
  )
}

/**
 * The system browser: a second Chromium page (its own context, as another application would be)
 * opens the address main handed over, signs in at the provider's login form as `login`, agrees to
 * its consent page, and ends on main's loopback page, which it returns.
 */
async function browserSignsIn(authorizationUrl: string, login: string): Promise<Page> {
  const browserPage = await harness.browser.newPage({ viewport: { width: 900, height: 600 } })
  await browserPage.goto(authorizationUrl)
  for (let step = 0; step < 4 && !/\/sso\/callback\?/.test(browserPage.url()); step += 1) {
    const loginField = browserPage.locator('input[name="login"]')
    if (await loginField.count()) {
      await loginField.fill(login)
      await browserPage.locator('input[name="password"]').fill('anything: the test provider checks no password')
      await Promise.all([browserPage.waitForNavigation(), browserPage.getByRole('button', { name: 'Sign-in' }).click()])
    } else {
      await Promise.all([browserPage.waitForNavigation(), browserPage.getByRole('button', { name: 'Continue' }).click()])
    }
  }
  expect(browserPage.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sso\/callback\?code=/)
  return browserPage
}

/** Waits until main has opened the browser once more, and gives that address. */
async function nextOpened(count: number): Promise<string> {
  await expect.poll(() => opened.length, { timeout: 15_000 }).toBe(count)
  return opened[count - 1]!
}

describe.skipIf(skipBrowserTests)('single sign-on in the console', () => {
  beforeAll(async () => {
    server = await startTestServer(database())
    await seedDemo({ adminUrl: database().adminUrl, tenants: 6, auditRows: 300, encryptionKeys: server.secrets.encryptionKeys })
    provider = await startTestProvider({
      redirectUri: `${server.url}${ssoCallbackPath}`,
      accounts: {
        dana: { email: 'dana@northwind.test', emailVerified: true, amr: ['pwd', 'mfa'] },
        mallory: { email: 'mallory@elsewhere.test', emailVerified: true },
        olivia: { email: ownerEmail, emailVerified: true },
      },
    })
    // An install with an operator already: the console opens on the sign-in screen, not the first run.
    await createUser(database(), { email: 'operator@northwind.test', password: ownerPassword, platformAdmin: true })
    await createUser(database(), { email: ownerEmail, password: ownerPassword })
    const owner = new ApiClient(server.url)
    await owner.login(ownerEmail, ownerPassword)
    tenantId = (await owner.request<{ id: string }>('POST', '/tenants', { body: { name: 'Northwind Traders', slug: 'northwind' } })).body.id
    harness = await startConsole({ server, database, openExternal: async (url) => void opened.push(url) })
    page = harness.page
    await page.goto(`${harness.origin}/index.html#/tenants`)
  }, 180_000)

  afterAll(async () => {
    await harness?.close()
    await provider?.close()
    await server?.close()
  })

  it('lets an owner configure single sign-on in the tenant’s tab, saying a discovery failure plainly', async () => {
    await signInWithPassword(ownerEmail, ownerPassword)
    await page.getByRole('grid', { name: 'Tenants' }).waitFor()
    await openTenantTab('overview')
    await page.getByRole('tab', { name: 'Single sign-on' }).click()
    await ssoTab().waitFor()
    await ssoTab().getByText('Nobody signs in to Northwind Traders through an identity provider yet.').waitFor()
    // The address to register at the provider is the backend's callback, ready to copy.
    expect(await ssoTab().getByLabel('Redirect URI').inputValue()).toBe(`${server.url}${ssoCallbackPath}`)
    await expectAccessibleInBothThemes(page, 'single sign-on settings, empty')

    // An issuer nothing answers at: the backend's discovery error, as it says it.
    await ssoTab().getByLabel('Issuer URL').fill('http://127.0.0.1:9/no-provider-here')
    await ssoTab().getByLabel('Client ID').fill(provider.clientId)
    await ssoTab().getByLabel('Client secret').fill(provider.clientSecret)
    await ssoTab().getByLabel('Allowed email domains').fill('northwind.test')
    await ssoTab().getByLabel('Role for new arrivals').selectOption('member')
    await ssoTab().getByRole('button', { name: 'Turn on single sign-on' }).click()
    const refusal = ssoTab().getByRole('alert')
    await refusal.waitFor()
    expect(await refusal.textContent()).toMatch(/127\.0\.0\.1:9|discover|issuer/i)

    // "Require SSO" waits for a session that came through the tenant's own provider (none can exist yet).
    const requireSwitch = ssoTab().getByRole('switch', { name: 'Require single sign-on for Northwind Traders' })
    expect(await requireSwitch.isDisabled()).toBe(true)
    expect(await ssoTab().textContent()).toContain('To require it, save it first, then sign out and sign in through')

    await ssoTab().getByLabel('Issuer URL').fill(provider.issuer)
    await ssoTab().getByRole('button', { name: 'Turn on single sign-on' }).click()
    await expect.poll(() => toasts().textContent(), { timeout: 15_000 }).toContain('Single sign-on saved for Northwind Traders')
    await ssoTab().getByText(`People of Northwind Traders sign in through ${providerHost()}, or with a password.`).waitFor()
    // The secret is write-only: stored, never shown, kept when left empty.
    expect(await ssoTab().getByLabel('Client secret').inputValue()).toBe('')
    expect(await ssoTab().getByLabel('Client secret').getAttribute('placeholder')).toBe('Stored: leave empty to keep it')
    await settle()
    await shot('tenant-sso')
    await expectAccessibleInBothThemes(page, 'single sign-on settings, configured')
    expect(await requireSwitch.isDisabled()).toBe(true)
    await signOut()
  })

  it('tells a person when their domain has no single sign-on, and where they will sign in when it has', async () => {
    await page.getByRole('button', { name: 'Use single sign-on (SSO)' }).click()
    const field = page.getByLabel('Work email or tenant')
    await field.fill('someone@no-sso.test')
    await page.getByRole('button', { name: 'Find my sign-in' }).click()
    await page.getByText('No single sign-on for that domain.').waitFor()
    await field.fill('dana@northwind.test')
    await page.getByRole('button', { name: 'Find my sign-in' }).click()
    await page.getByRole('button', { name: `Continue with ${providerHost()} for Northwind Traders` }).waitFor()
    await settle()
    await shot('sso-sign-in')
    await expectAccessibleInBothThemes(page, 'sign in with SSO, provider found')
  })

  it('signs a new person in through the system browser and the loopback redirect, and shows their tenant', async () => {
    await page.getByRole('button', { name: `Continue with ${providerHost()} for Northwind Traders` }).click()
    await page.getByRole('heading', { name: 'Finish signing in in your browser…' }).waitFor()
    const authorizationUrl = await nextOpened(1)
    expect(new URL(authorizationUrl).origin).toBe(provider.issuer)
    await shot('sso-waiting')
    await expectAccessibleInBothThemes(page, 'sign in with SSO, waiting for the browser')

    const browserPage = await browserSignsIn(authorizationUrl, 'dana')
    await browserPage.getByRole('heading', { name: 'Signed in' }).waitFor()
    expect(await browserPage.textContent('body')).toContain('You are signed in to Limena as dana@northwind.test.')
    await browserPage.close()

    // The console is signed in as the new person, a member of the tenant, which it shows.
    await page.getByText('dana@northwind.test').waitFor()
    await page.getByText(`Signed in with SSO · ${providerHost()}`).waitFor()
    await page.getByRole('link', { name: 'Tenants', exact: true }).click()
    await page.getByRole('grid', { name: 'Tenants' }).getByText('Northwind Traders').waitFor()
    // A member: the tenant's single sign-on tab is its owners' only, even asked for by address.
    await openTenantTab('sso')
    await page.getByText('You are member').waitFor()
    expect(await page.getByRole('tab', { name: 'Single sign-on' }).count()).toBe(0)
    expect(await page.getByRole('tab', { name: 'Overview' }).getAttribute('aria-selected')).toBe('true')
    await signOut()
  })

  it('says why a refused sign-in was refused, and what to do', async () => {
    await page.getByRole('button', { name: 'Use single sign-on (SSO)' }).click()
    await page.getByLabel('Work email or tenant').fill('northwind')
    await page.getByRole('button', { name: 'Find my sign-in' }).click()
    await page.getByRole('button', { name: `Continue with ${providerHost()} for Northwind Traders` }).click()
    const browserPage = await browserSignsIn(await nextOpened(2), 'mallory')
    await browserPage.getByRole('heading', { name: 'Sign-in refused' }).waitFor()
    expect(await browserPage.textContent('body')).toContain('not in a domain allowed')
    await browserPage.close()

    const refusal = page.getByRole('alert')
    await refusal.waitFor()
    expect(await refusal.textContent()).toContain(
      'Your email address is not in a domain this tenant allows. Ask your tenant owner to add your domain to its single sign-on.',
    )
    expect(await refusal.textContent()).toContain('single sign-on refused (domain)')
    await shot('sso-refused')
    await expectAccessibleInBothThemes(page, 'sign in with SSO, refused')
  })

  it('cancels a sign-in waiting for the browser', async () => {
    await page.getByRole('button', { name: `Continue with ${providerHost()} for Northwind Traders` }).click()
    await page.getByRole('heading', { name: 'Finish signing in in your browser…' }).waitFor()
    await nextOpened(3)
    await page.getByRole('button', { name: 'Cancel' }).click()
    await page.getByText('Sign-in cancelled.').waitFor()
    expect(await page.getByRole('heading', { name: 'Finish signing in in your browser…' }).count()).toBe(0)
    await page.getByRole('button', { name: 'Sign in with a password instead' }).click()
  })

  it('shows the SSO sign-in and the refusal in the tenant’s audit log, in words', async () => {
    await signInWithPassword(ownerEmail, ownerPassword)
    await page.getByText(ownerEmail).waitFor()
    await openTenantTab('audit')
    const grid = page.getByRole('grid', { name: 'Audit events' })
    await grid.waitFor()
    const drawer = page.getByRole('complementary', { name: 'Audit event' })

    // Opened from the keyboard: a click in the row's middle may land on one of its copy buttons.
    const open = async (row: ReturnType<typeof grid.getByRole>) => {
      await row.focus()
      await page.keyboard.press('Enter')
    }
    await open(grid.getByRole('row').filter({ hasText: 'Single sign-on refused' }).first())
    await drawer.waitFor()
    await expect.poll(() => drawer.textContent()).toContain('auth.sso_failed')
    const refusedText = (await drawer.textContent())!
    expect(refusedText).toContain('mallory@elsewhere.test')
    expect(refusedText).toContain(provider.issuer)
    await shot('sso-audit-refused')

    await open(grid.getByRole('row').filter({ hasText: 'Signed in' }).filter({ hasText: 'dana@northwind.test' }).first())
    await expect.poll(() => drawer.textContent()).toContain('auth.login')
    const signedInText = (await drawer.textContent())!
    expect(signedInText).toContain(provider.issuer)
    expect(signedInText).toMatch(/methodsso/)
    // The session was opened by main (the console), which the backend names by its user agent.
    expect(signedInText).toContain('LimenaConsole')
    await expectAccessibleInBothThemes(page, 'audit drawer of an SSO sign-in')
    await page.getByRole('button', { name: 'Close event details' }).click()
  })

  /** The owner signs in through the tenant's provider from the sign-in screen (the console is signed out). */
  async function ownerSignsInWithSso(opening: number): Promise<void> {
    await page.getByRole('button', { name: 'Use single sign-on (SSO)' }).click()
    await page.getByLabel('Work email or tenant').fill(ownerEmail)
    await page.getByRole('button', { name: 'Find my sign-in' }).click()
    await page.getByRole('button', { name: `Continue with ${providerHost()} for Northwind Traders` }).click()
    const browserPage = await browserSignsIn(await nextOpened(opening), 'olivia')
    await browserPage.getByRole('heading', { name: 'Signed in' }).waitFor()
    await browserPage.close()
    await page.getByText(`Signed in with SSO · ${providerHost()}`).waitFor()
  }

  it('requires single sign-on from the owner’s own SSO session, and then refuses the tenant to a password session', async () => {
    await signOut()
    await ownerSignsInWithSso(4)
    await openTenantTab('sso')
    const requireSwitch = ssoTab().getByRole('switch', { name: 'Require single sign-on for Northwind Traders' })
    await requireSwitch.check()
    // It says what it does before anything is saved; this session came through the provider, so it stays.
    await ssoTab().getByText('Password sessions lose access.').waitFor()
    expect(await ssoTab().textContent()).not.toContain('That includes this console’s session')
    await settle(ssoTab().getByText('Password sessions lose access.'))
    await shot('tenant-sso-require')
    await expectAccessibleInBothThemes(page, 'single sign-on settings, require SSO warning')
    await ssoTab().getByRole('button', { name: 'Save changes' }).click()
    await expect.poll(() => toasts().textContent(), { timeout: 15_000 }).toContain('and only that way')
    await ssoTab().getByText(`People of Northwind Traders sign in through ${providerHost()}, and only that way.`).waitFor()
    await signOut()

    // The owner's password still signs in, but the tenant refuses that session, and the page says why.
    await signInWithPassword(ownerEmail, ownerPassword)
    await openTenantTab('overview')
    await page.getByText('This tenant admits its members through single sign-on only.').waitFor({ timeout: 15_000 })
    await settle()
    await shot('sso-required')
    await expectAccessibleInBothThemes(page, 'a tenant that requires single sign-on')
    await signOut()
  })

  it('removes single sign-on only after the tenant’s slug is typed, ending the sessions it opened', async () => {
    await ownerSignsInWithSso(5)
    await openTenantTab('sso')
    await ssoTab().getByRole('button', { name: 'Remove single sign-on…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Remove single sign-on from Northwind Traders?' })
    await dialog.waitFor()
    expect(await dialog.textContent()).toContain('This console’s session came through it too: you will be signed out.')
    const confirm = dialog.getByRole('button', { name: 'Remove single sign-on' })
    expect(await confirm.isDisabled()).toBe(true)
    await dialog.getByLabel('Type northwind to confirm').fill('northwin')
    expect(await confirm.isDisabled()).toBe(true)
    await expectAccessibleInBothThemes(page, 'remove single sign-on dialog')
    await dialog.getByLabel('Type northwind to confirm').fill('northwind')
    await confirm.click()
    await expect.poll(() => toasts().textContent(), { timeout: 15_000 }).toContain('Single sign-on removed from Northwind Traders')
    // The sessions it opened have ended, this one too: back at the sign-in, told so.
    await page.getByText('Your session ended (it was revoked or expired). Sign in again to continue.').waitFor({ timeout: 15_000 })
    expect((await new ApiClient(server.url).request('GET', '/auth/sso/discover?email=dana@northwind.test')).status).toBe(404)
    // The owner's password reaches the tenant again, which has no single sign-on now.
    await signInWithPassword(ownerEmail, ownerPassword)
    await openTenantTab('sso')
    await ssoTab().getByText('Nobody signs in to Northwind Traders through an identity provider yet.').waitFor()
  })
})
