/**
 * The backend's layers and the seam between Electron main and the backend hold, and the checks
 * that enforce them are real: ESLint refuses a deliberately upward import in each layer and a
 * main module reaching past the seam, and the cycle check finds a deliberate cycle, while the
 * real tree has none.
 */
import { fileURLToPath } from 'node:url'
import { ESLint } from 'eslint'
import madge from 'madge'
import tseslint from 'typescript-eslint'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
// The fixtures are virtual files outside every tsconfig, so the type-checked rules (not under test) are off.
const eslint = new ESLint({ cwd: root, overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }] })

async function restrictedImports(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport {}\n`, { filePath: `${root}/${filePath}` })
  return result!.messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message)
}

describe('layers, enforced by lint', () => {
  const upward: Array<[string, string]> = [
    ['src/server/platform/fixture.ts', "import { x } from '../db/pools.js'"],
    ['src/server/config.ts', "import { x } from './backend.js'"],
    ['src/server/crypto/fixture.ts', "import { x } from '../db/pools.js'"],
    ['src/server/secrets/fixture.ts', "import { x } from '../http/operation-router.js'"],
    ['src/server/db/fixture.ts', "import { x } from '../middleware/rate-limit.js'"],
    ['src/server/db/fixture.ts', "import { x } from '../auth/auth-service.js'"],
    ['src/server/http/fixture.ts', "import { x } from '../auth/principal.js'"],
    ['src/server/middleware/fixture.ts', "import { x } from '../members/member-service.js'"],
    ['src/server/members/fixture.ts', "import { x } from '../app.js'"],
    ['src/server/audit/fixture.ts', "import { x } from '../cli/index.js'"],
    ['src/server/backend-fixture.ts', "import { x } from './cli/serve.js'"],
  ]
  for (const [file, source] of upward) {
    it(`refuses ${source} in ${file}`, async () => {
      expect(await restrictedImports(file, source)).toEqual([expect.stringMatching(/layer may import only from its own layer or below/)])
    })
  }

  const downward: Array<[string, string]> = [
    ['src/server/http/fixture.ts', "import { x } from '../db/pools.js'"],
    ['src/server/members/fixture.ts', "import { x } from '../api-keys/member-keys.js'"],
    ['src/server/backend-fixture.ts', "import { x } from './app.js'"],
    ['src/server/cli/fixture.ts', "import { x } from '../backend.js'"],
  ]
  for (const [file, source] of downward) {
    it(`allows ${source} in ${file}`, async () => {
      expect(await restrictedImports(file, source)).toEqual([])
    })
  }
})

describe('raw IPC', () => {
  it('stays in the two wrappers, in every layer', async () => {
    for (const file of ['src/server/db/fixture.ts', 'src/server/members/fixture.ts', 'src/main/fixture.ts']) {
      expect(await restrictedImports(file, "import { ipcMain } from 'electron'"), file).toEqual([
        expect.stringMatching(/IPC goes through the preload bridge/),
      ])
    }
  })
})

describe('the seam between Electron main and the backend', () => {
  it('lets main import the embedded backend and the platform services only', async () => {
    expect(await restrictedImports('src/main/fixture.ts', "import { x } from '../server/embedded.js'")).toEqual([])
    expect(await restrictedImports('src/main/fixture.ts', "import { x } from '../server/platform/log.js'")).toEqual([])
    for (const reachingPast of [
      '../server/db/pools.js',
      '../server/users/user-repository.js',
      '../server/crypto/passwords.js',
      '../server/backend.js',
    ]) {
      expect(await restrictedImports('src/main/fixture.ts', `import { x } from '${reachingPast}'`), reachingPast).toEqual([
        expect.stringMatching(/only through server\/embedded\.ts/),
      ])
      expect(await restrictedImports('src/main/index.ts', `import { x } from '${reachingPast}'`), reachingPast).toHaveLength(1)
    }
  })
})

describe("the renderer's features", () => {
  it('meet in app/: no feature imports another, and lib/ and components/ import none', async () => {
    const refused = /features meet in app\//
    expect(
      await restrictedImports(
        'src/renderer/src/features/audit/api/fixture.ts',
        "import { x } from '@renderer/features/tenants/api/tenant-queries'",
      ),
    ).toEqual([expect.stringMatching(refused)])
    expect(
      await restrictedImports(
        'src/renderer/src/features/audit/components/fixture.ts',
        "import { x } from '../../tenants/api/tenant-queries'",
      ),
    ).toEqual([expect.stringMatching(refused)])
    expect(
      await restrictedImports('src/renderer/src/lib/fixture.ts', "import { x } from '@renderer/features/session/api/session'"),
    ).toEqual([expect.stringMatching(refused)])
    expect(
      await restrictedImports('src/renderer/src/features/audit/components/fixture.ts', "import { x } from '../api/audit-queries'"),
    ).toEqual([])
    expect(
      await restrictedImports('src/renderer/src/app/fixture.ts', "import { x } from '@renderer/features/audit/components/audit-explorer'"),
    ).toEqual([])
  })
})

describe('import cycles', () => {
  it('are found by the check when there is one', async () => {
    const result = await madge(`${root}/test/fixtures/import-cycle`, { fileExtensions: ['ts'] })
    expect(result.circular()).toEqual([['first.ts', 'second.ts']])
  })

  it('are absent from src', async () => {
    const result = await madge(`${root}/src`, { fileExtensions: ['ts', 'tsx'], tsConfig: `${root}/tsconfig.node.json` })
    expect(result.circular()).toEqual([])
  }, 60_000)
})
