/**
 * The console in real Chromium for the browser tests: Debian's Chromium driven by playwright-core,
 * the built renderer served over loopback, its `window.limena` wired through page.exposeBinding
 * to the real main-process router and ConnectionManager, against a real backend and database.
 *
 * Screenshots go to a temporary folder, so a test run leaves the working tree clean; with
 * LIMENA_UPDATE_SCREENSHOTS=1 they replace docs/screenshots (what the README shows).
 */
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, stat } from 'node:fs/promises'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { ConnectionManager } from '../../src/main/connection-manager.js'
import { memoryVault, openCredentialStore, type CredentialStore } from '../../src/main/credential-store.js'
import { createRpcRouter } from '../../src/main/rpc-router.js'
import { firstRunFor } from '../../src/server/embedded.js'
import type { TestDatabase } from './test-database.js'
import type { TestServer } from './test-server.js'

export const chromiumPath = '/usr/bin/chromium'
const required = process.env.LIMENA_REQUIRE_BROWSER === '1'
export const browserAvailable = existsSync(chromiumPath)
/** True when the browser tests must be skipped (no Chromium and not required): they say why. */
export const skipBrowserTests = !browserAvailable && !required
if (skipBrowserTests) console.warn('console browser tests skipped: no Chromium at /usr/bin/chromium (npm run test:all installs it)')

const projectRoot = fileURLToPath(new URL('../..', import.meta.url))
/** The built renderer: out/renderer, or LIMENA_RENDERER_DIR (a build of one's own, e.g. `electron-vite build --outDir`). */
const rendererRoot = process.env.LIMENA_RENDERER_DIR ?? join(projectRoot, 'out/renderer')
export const updateScreenshots = process.env.LIMENA_UPDATE_SCREENSHOTS === '1'

export interface ConsoleHarness {
  browser: Browser
  context: BrowserContext
  page: Page
  origin: string
  connections: ConnectionManager
  /** Where the native save dialog "saves" exports. */
  exportPath: string
  /** Where screenshots go: docs/screenshots when updating them, else a temporary folder. */
  screenshotDir: string
  /** When true, main's requests fail as if the network were down (the fetch layer rejects). */
  setNetworkDown(down: boolean): void
  /** Emits one of main's events into the page, as main's webContents.send would. */
  emit(event: string, payload: unknown): Promise<void>
  shot(name: string): Promise<void>
  close(): Promise<void>
}

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

/** Installs `window.limena` in every page of `page`'s frame, calling `route` through a binding. */
async function installBridge(page: Page, route: ReturnType<typeof createRpcRouter>): Promise<void> {
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
}

export async function startConsole(options: {
  server: TestServer
  database: () => TestDatabase
  /** The credential store (default: an in-memory keychain). */
  credentials?: CredentialStore
  colorScheme?: 'light' | 'dark'
  viewport?: { width: number; height: number }
  /** The system browser main opens single sign-on in (Electron's shell.openExternal); the test plays it. */
  openExternal?: (url: string) => Promise<void>
  /** How long single sign-on waits for the browser (main's default: ten minutes). */
  ssoLifetimeMillis?: number
}): Promise<ConsoleHarness> {
  const screenshotDir = updateScreenshots ? join(projectRoot, 'docs/screenshots') : await mkdtemp(join(tmpdir(), 'limena-screenshots-'))
  await mkdir(screenshotDir, { recursive: true })
  const staticServer = await serveRenderer()
  const origin = `http://127.0.0.1:${(staticServer.address() as { port: number }).port}`
  const exportPath = join(await mkdtemp(join(tmpdir(), 'limena-console-')), 'audit.csv')
  const { chromium } = await import('playwright-core')
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  })
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1360, height: 860 },
    colorScheme: options.colorScheme ?? 'light',
  })
  const page = await context.newPage()
  let networkDown = false
  const emit = async (event: string, payload: unknown) => {
    await page
      .evaluate(([name, data]) => (globalThis as unknown as { __limenaEmit: (n: string, d: unknown) => void }).__limenaEmit(name, data), [
        event,
        payload,
      ] as const)
      .catch(() => undefined)
  }
  const connections: ConnectionManager = new ConnectionManager({
    settingsPath: join(await mkdtemp(join(tmpdir(), 'limena-console-settings-')), 'settings.json'),
    credentials: options.credentials ?? (await openCredentialStore(memoryVault())),
    embeddedBackend: () => ({ state: 'ready', url: options.server.url, message: null }),
    firstRun: () => firstRunFor(options.database().pools),
    fetch: (input, init) => (networkDown ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init)),
    onSessionEnded: () =>
      void connections
        .status()
        .then((status) => emit('session-changed', status))
        .catch(() => undefined),
  })
  const route = createRpcRouter({
    isTrustedSender: (url) => url.startsWith(`${origin}/`),
    connections,
    chooseSavePath: async () => exportPath,
    emit: (event, payload) => void emit(event, payload),
    openExternal: options.openExternal,
    ssoLifetimeMillis: options.ssoLifetimeMillis,
  })
  await installBridge(page, route)
  return {
    browser,
    context,
    page,
    origin,
    connections,
    exportPath,
    screenshotDir,
    setNetworkDown: (down) => {
      networkDown = down
    },
    emit,
    shot: async (name) => {
      await page.screenshot({ path: join(screenshotDir, `${name}.png`) })
    },
    close: async () => {
      await browser.close()
      staticServer.close()
    },
  }
}

/** A second page on the same browser with its own bridge (another install of the console). */
export async function openPageWithRouter(harness: ConsoleHarness, route: ReturnType<typeof createRpcRouter>): Promise<Page> {
  const other = await harness.browser.newPage({ viewport: { width: 1000, height: 760 } })
  await installBridge(other, route)
  return other
}

/**
 * axe-core over the page as it is now: fails on any serious or critical violation, naming each
 * rule and the elements it found, so the failure says what to fix.
 */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const { AxeBuilder } = await import('@axe-core/playwright')
  const results = await new AxeBuilder({ page }).analyze()
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)
  expect(serious, `axe on ${screen}`).toEqual([])
}

/** axe in the light and the dark theme of the screen on show. */
export async function expectAccessibleInBothThemes(page: Page, screen: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    await expectAccessible(page, `${screen} (${colorScheme})`)
  }
  await page.emulateMedia({ colorScheme: 'light' })
}

/** The page's URL (for filters kept in the hash). */
export const pageUrl = (page: Page) => page.evaluate(() => (globalThis as unknown as { location: { href: string } }).location.href)
