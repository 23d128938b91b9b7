/**
 * The packaged shell end to end, through Playwright's Electron support: the hardened window opens,
 * the page sees only `window.limena.call` and `.on` (no Node), the embedded backend answers through
 * the bridge, and quitting leaves no PostgreSQL behind. Needs the Electron binary, which cannot be
 * downloaded on every machine (CI here has none): without it the test reports itself skipped.
 */
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ensureCliBuilt, postgresProcessesOf } from '../support/cli.js'

const projectRoot = fileURLToPath(new URL('../..', import.meta.url))
const pathFile = join(projectRoot, 'node_modules/electron/path.txt')
const electronBinary = existsSync(pathFile) ? join(projectRoot, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim()) : null
const available = electronBinary !== null && existsSync(electronBinary)
if (!available) {
  console.warn(
    'electron end-to-end test skipped: no Electron binary is installed (ELECTRON_SKIP_BINARY_DOWNLOAD, or no network to fetch it); run `node node_modules/electron/install.js` where it can be downloaded',
  )
}

describe.skipIf(!available)('the desktop app (Electron)', () => {
  it('opens a hardened window whose page reaches the embedded backend only through window.limena', async () => {
    ensureCliBuilt()
    const { _electron: electron } = await import('playwright-core')
    const dataDir = await mkdtemp(join(tmpdir(), 'limena-e2e-'))
    const app = await electron.launch({
      executablePath: electronBinary!,
      args: [join(projectRoot, 'out/main/index.js'), '--no-sandbox'],
      env: { ...process.env, LIMENA_DATA_DIR: dataDir, LIMENA_SECRETS_STORE: 'file' },
    })
    try {
      const page = await app.firstWindow()
      expect(await page.title()).toBe('Limena Operator Console')
      const surface = await page.evaluate(() => ({
        bridge: Object.keys((globalThis as unknown as { limena: object }).limena).sort(),
        node: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
      }))
      expect(surface).toEqual({ bridge: ['call', 'on'], node: 'undefined', process: 'undefined' })
      await expect
        .poll(
          async () =>
            page.evaluate(
              async () =>
                (
                  await (
                    globalThis as unknown as { limena: { call: (op: string, input: object) => Promise<{ ok: boolean }> } }
                  ).limena.call('health', {})
                ).ok,
            ),
          { timeout: 60_000 },
        )
        .toBe(true)
      const opened = await page.evaluate(() => {
        const page = globalThis as unknown as { location: { href: string }; open: (url: string) => unknown }
        const before = page.location.href
        page.open('https://example.com')
        return before === page.location.href
      })
      expect(opened).toBe(true)
    } finally {
      await app.close()
    }
    expect(postgresProcessesOf(dataDir)).toEqual([])
  }, 120_000)
})
