/**
 * @module database
 * Where the backend's data lives: the PostgreSQL of DATABASE_URL, or the embedded cluster under
 * the data directory. An embedded cluster that another limena process already runs (postmaster.pid
 * names a live process) is attached to rather than started twice.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { LimenaConfig } from '../config.js'
import type { Logger } from '../platform/log.js'
import type { InstallSecrets } from '../secrets/install-secrets.js'
import { embeddedSuperuser, startEmbeddedPostgres } from './embedded-postgres.js'
import { ensureDatabase } from './migrate.js'
import { withDatabaseName } from './pools.js'

export const embeddedDatabaseName = 'limena'

export interface OpenDatabase {
  /** Connection with the rights to migrate (create roles and schema). */
  adminUrl: string
  kind: 'external' | 'embedded'
  /** Stops the embedded cluster if this process started it. */
  close(): Promise<void>
}

/** The port of a running embedded cluster, read from its postmaster.pid, or null. */
export async function runningEmbeddedPort(dataDir: string): Promise<number | null> {
  let lines: string[]
  try {
    lines = (await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')
  } catch {
    return null
  }
  const pid = Number(lines[0])
  const port = Number(lines[3])
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port) || port <= 0) return null
  try {
    process.kill(pid, 0)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return null
  }
  return port
}

function embeddedAdminUrl(port: number, password: string): string {
  const url = new URL(`postgresql://127.0.0.1:${port}/postgres`)
  url.username = embeddedSuperuser
  url.password = password
  return url.toString()
}

export async function openDatabase(config: LimenaConfig, secrets: InstallSecrets, log: Logger): Promise<OpenDatabase> {
  if (config.databaseUrl) {
    return { adminUrl: config.databaseUrl, kind: 'external', close: async () => undefined }
  }
  const password = secrets.databasePasswords.embeddedSuperuser
  const runningPort = await runningEmbeddedPort(config.dataDir)
  let close = async (): Promise<void> => undefined
  let serverAdminUrl: string
  if (runningPort !== null) {
    log.info({ port: runningPort }, 'attached to the running embedded PostgreSQL')
    serverAdminUrl = embeddedAdminUrl(runningPort, password)
  } else {
    const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, superuserPassword: password, log })
    log.info({ port: embedded.port }, 'embedded PostgreSQL started')
    serverAdminUrl = embedded.adminUrl
    close = () => embedded.stop()
  }
  try {
    await ensureDatabase(serverAdminUrl, embeddedDatabaseName)
  } catch (error) {
    await close()
    throw error
  }
  return { adminUrl: withDatabaseName(serverAdminUrl, embeddedDatabaseName), kind: 'embedded', close }
}
