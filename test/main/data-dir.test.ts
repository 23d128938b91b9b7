/**
 * One data directory for the desktop app and the `limena` CLI: the app's embedded backend takes
 * the CLI's (LIMENA_DATA_DIR, else the OS default), so `limena seed-demo` then `npm start` shows
 * the seeded install instead of an empty one of its own.
 */
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { embeddedDataDir } from '../../src/server/embedded.js'
import { ensureCliBuilt, runLimena } from '../support/cli.js'

beforeAll(() => ensureCliBuilt())

describe('the data directory', () => {
  it('is the one the CLI uses, by default and when LIMENA_DATA_DIR names one', async () => {
    const home = await mkdtemp(join(tmpdir(), 'limena-home-'))
    for (const env of [
      { LIMENA_DATA_DIR: '', XDG_DATA_HOME: join(home, 'xdg'), HOME: home },
      { LIMENA_DATA_DIR: join(home, 'chosen'), HOME: home },
    ]) {
      const doctor = await runLimena(['doctor'], { env })
      const dataDirCheck = `${doctor.stdout}${doctor.stderr}`.split('\n').find((line) => line.includes('data directory'))
      expect(dataDirCheck).toContain(`${embeddedDataDir({ ...process.env, ...env })} `)
    }
  })

  it("is not chosen by the app's main process itself", async () => {
    const main = await readFile(fileURLToPath(new URL('../../src/main/index.ts', import.meta.url)), 'utf8')
    expect(main).toMatch(/startEmbeddedBackend\(\{ env: process\.env, log \}\)/)
    expect(main).not.toMatch(/env\.LIMENA_DATA_DIR|getPath\('userData'\), 'data'/)
  })
})
