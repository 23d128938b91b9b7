/**
 * The `limena` command as a self-hoster uses it: serve on a fresh data directory with the
 * embedded PostgreSQL, stop with SIGTERM, and one readable line (exit 1) for each way a start
 * can go wrong.
 */
import { once } from 'node:events'
import { chmod, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundledMigrations } from '../../../src/server/db/migrate.js'
import { ensureCliBuilt, postgresProcessesOf, runLimena, startServe, type ServingProcess } from '../../support/cli.js'

const fileStore = { LIMENA_SECRETS_STORE: 'file', LIMENA_LOG_LEVEL: 'warn' }

beforeAll(() => {
  ensureCliBuilt()
})

function expectOneReadableLine(result: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(result.code).toBe(1)
  const lines = result.stderr.trim().split('\n')
  expect(lines, result.stderr).toHaveLength(1)
  expect(lines[0]).toMatch(/^limena: /)
  expect(lines[0]).toMatch(pattern)
  expect(result.stderr).not.toMatch(/\n\s+at /)
}

describe('limena serve on the embedded database', () => {
  let dataDir: string
  let serving: ServingProcess

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'limena-serve-'))
    serving = await startServe(['--data-dir', dataDir, '--port', '0'], fileStore)
  })

  afterAll(() => {
    if (serving.child.exitCode === null) serving.child.kill('SIGKILL')
  })

  it('binds 127.0.0.1 by default and answers healthz 200 with the database up', async () => {
    expect(serving.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const response = await fetch(`${serving.url}/api/v1/healthz`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ok', db: 'up' })
  })

  it('runs a real PostgreSQL under the data directory', () => {
    expect(postgresProcessesOf(dataDir).length).toBeGreaterThan(0)
  })

  it('never prints or logs its secrets', async () => {
    const stored = JSON.parse(await readFile(join(dataDir, 'secrets.json'), 'utf8')) as Record<string, string>
    const secrets = JSON.parse(Object.values(stored)[0]!) as {
      databasePasswords: Record<string, string>
      encryptionKeys: Array<{ key: string }>
    }
    for (const secret of [...Object.values(secrets.databasePasswords), secrets.encryptionKeys[0]!.key]) {
      expect(serving.stderr()).not.toContain(secret)
    }
  })

  it('creates a platform operator from a password on stdin, while serve runs', async () => {
    const result = await runLimena(['create-operator', '--data-dir', dataDir, '--email', 'Ops@Example.test', '--password-stdin'], {
      env: fileStore,
      stdin: 'a long operator password\n',
    })
    expect(result.stderr).toBe('')
    expect(result.stdout).toMatch(/^limena: created platform operator ops@example\.test \([0-9a-f-]{36}\)\n$/)
  })

  it('refuses a short operator password with one line', async () => {
    const result = await runLimena(['create-operator', '--data-dir', dataDir, '--email', 'ops2@example.test', '--password-stdin'], {
      env: fileStore,
      stdin: 'short\n',
    })
    expectOneReadableLine(result, /a password needs at least 12 characters/)
  })

  it('passes doctor while serve runs', async () => {
    const result = await runLimena(['doctor', '--data-dir', dataDir], { env: fileStore })
    expect(result.code, result.stdout + result.stderr).toBe(0)
    for (const check of [
      'data directory',
      'secrets file mode',
      'encryption key age',
      'JWT signing key age',
      'database',
      'migrations',
      'database roles',
      'app role login',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`^ok\\s+${check}\\s`, 'm'))
    }
  })

  it('stops on SIGTERM and leaves no postgres process behind', async () => {
    serving.child.kill('SIGTERM')
    const [code] = await once(serving.child, 'exit')
    expect(code).toBe(0)
    expect(postgresProcessesOf(dataDir)).toEqual([])
  })

  it('starts again on the same data directory with the same secrets', async () => {
    const again = await startServe(['--data-dir', dataDir, '--port', '0'], fileStore)
    try {
      expect((await fetch(`${again.url}/api/v1/healthz`)).status).toBe(200)
    } finally {
      again.child.kill('SIGINT')
      await once(again.child, 'exit')
    }
    expect(postgresProcessesOf(dataDir)).toEqual([])
  })
})

describe('limena failures as one readable line', () => {
  it('an unreachable DATABASE_URL', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'limena-unreachable-'))
    const result = await runLimena(['serve', '--data-dir', dataDir, '--port', '0'], {
      env: { ...fileStore, DATABASE_URL: 'postgresql://owner:secret-password@127.0.0.1:1/limena' },
    })
    expectOneReadableLine(result, /cannot reach PostgreSQL at 127\.0\.0\.1:1\/limena/)
    expect(result.stderr).not.toContain('secret-password')
  })

  it('a DATABASE_URL that is not a URL', async () => {
    const result = await runLimena(['migrate'], { env: { ...fileStore, DATABASE_URL: 'mysql://nope' } })
    expectOneReadableLine(result, /invalid DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/)
  })

  it('an unwritable data directory', async () => {
    const parent = await mkdtemp(join(tmpdir(), 'limena-unwritable-'))
    const blocker = join(parent, 'a-file')
    await writeFile(blocker, '')
    const result = await runLimena(['serve', '--data-dir', join(blocker, 'data'), '--port', '0'], { env: fileStore })
    expectOneReadableLine(result, /cannot use data directory .*a-file\/data .*set LIMENA_DATA_DIR to a writable directory/)
  })

  it('doctor on a directory that holds no install: a failing check, exit 1, nothing created', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'limena-doctor-empty-'))
    const result = await runLimena(['doctor', '--data-dir', dataDir], { env: fileStore })
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/^fail\s+install\s+.* holds no install yet: run limena serve or limena migrate$/m)
    expect(await readdir(dataDir)).toEqual([])
  })

  it('a secrets file that others can read', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'limena-loose-'))
    const first = await runLimena(['migrate', '--data-dir', dataDir], { env: fileStore })
    expect(first.code, first.stderr).toBe(0)
    const last = bundledMigrations.at(-1)!.name
    expect(first.stdout).toContain(`limena: database is at migration ${last} (${bundledMigrations.length} applied, 0 pending)`)
    expect(postgresProcessesOf(dataDir)).toEqual([])
    await chmod(join(dataDir, 'secrets.json'), 0o644)
    const result = await runLimena(['serve', '--data-dir', dataDir, '--port', '0'], { env: fileStore })
    expectOneReadableLine(
      result,
      /refusing to use secrets file .*secrets\.json: its mode 0644 lets group or others read it; run: chmod 600/,
    )
    expect(postgresProcessesOf(dataDir)).toEqual([])
  })

  it('an env file that others can read', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'limena-envfile-'))
    const envFile = join(dataDir, '.env.production')
    await writeFile(envFile, 'LIMENA_PORT=0\n', { mode: 0o644 })
    await chmod(envFile, 0o644)
    const result = await runLimena(['serve', '--data-dir', dataDir, '--env-file', envFile], { env: fileStore })
    expectOneReadableLine(result, /refusing to use env file .*\.env\.production: its mode 0644/)
  })

  it('TLS files that do not exist', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'limena-tls-'))
    const result = await runLimena(
      ['serve', '--data-dir', dataDir, '--port', '0', '--tls-cert', '/nonexistent/cert.pem', '--tls-key', '/nonexistent/key.pem'],
      { env: fileStore },
    )
    expectOneReadableLine(result, /cannot read the TLS certificate \/nonexistent\/cert\.pem: ENOENT/)
    expect(postgresProcessesOf(dataDir)).toEqual([])
  })
})
