/**
 * @module backend
 * The composition root of the security backend, shared by `limena serve` and the desktop app's
 * main process: data directory → secrets → database (embedded or DATABASE_URL) → migrations →
 * role pools → HTTP(S) server. `close()` undoes it in reverse order.
 */
import { createApp } from './app.js'
import type { LimenaConfig } from './config.js'
import { ensureDataDir } from './data-dir.js'
import { openDatabase } from './db/database.js'
import { migrate } from './db/migrate.js'
import { createDatabasePools, databaseNameOf, type DatabasePools } from './db/pools.js'
import { listen, loadTlsCredentials, type ListeningServer } from './http-server.js'
import { isLoopbackAddress, loopbackHosts } from './middleware/host-check.js'
import type { ServerDependencies } from './http/operation-context.js'
import type { Logger } from './platform/log.js'
import { createServerDependencies } from './server-dependencies.js'
import { resolveInstallSecrets, type InstallSecrets, type VaultFactories } from './secrets/install-secrets.js'

export interface RunningBackend {
  url: string
  port: number
  databaseName: string
  pools: DatabasePools
  secrets: InstallSecrets
  close(): Promise<void>
}

export interface PreparedDatabase {
  secrets: InstallSecrets
  adminUrl: string
  pools: DatabasePools
  close(): Promise<void>
}

/** Everything but the HTTP server: what `migrate`, `create-operator` and `doctor` need too. */
export async function prepareDatabase(config: LimenaConfig, log: Logger, factories?: VaultFactories): Promise<PreparedDatabase> {
  await ensureDataDir(config.dataDir)
  const { secrets } = await resolveInstallSecrets({ dataDir: config.dataDir, store: config.secretsStore, factories })
  const database = await openDatabase(config, secrets, log)
  try {
    await migrate({ adminUrl: database.adminUrl, passwords: secrets.databasePasswords, log })
  } catch (error) {
    await database.close()
    throw error
  }
  const pools = createDatabasePools(database.adminUrl, secrets.databasePasswords, {
    onError: (error) => log.warn({ err: { message: error.message } }, 'idle database connection failed'),
  })
  return {
    secrets,
    adminUrl: database.adminUrl,
    pools,
    async close() {
      await pools.close().catch((error: Error) => log.warn({ err: { message: error.message } }, 'closing pools failed'))
      await database.close()
    },
  }
}

export interface BackendOptions {
  factories?: VaultFactories
  /** Answer only requests addressed to the loopback address and port listened on (desktop app). */
  loopbackHostOnly?: boolean
}

/**
 * Which Host names the server answers: the desktop app's backend only its loopback address;
 * `serve` bound to loopback its loopback names plus the configured ones (a reverse proxy's);
 * bound beyond loopback, every name unless some are configured.
 */
function allowedHostsOf(config: LimenaConfig, options: BackendOptions, port: () => number): (() => string[]) | undefined {
  if (options.loopbackHostOnly) return () => loopbackHosts(port())
  if (!isLoopbackAddress(config.host) && config.allowedHosts.length === 0) return undefined
  return () => [...loopbackHosts(port(), config.host), ...config.allowedHosts]
}

export async function startBackend(config: LimenaConfig, log: Logger, options: BackendOptions = {}): Promise<RunningBackend> {
  const { factories } = options
  const tls =
    config.tlsCertFile && config.tlsKeyFile
      ? await loadTlsCredentials({ certFile: config.tlsCertFile, keyFile: config.tlsKeyFile })
      : undefined
  const prepared = await prepareDatabase(config, log, factories)
  let listening: ListeningServer | undefined
  let deps: ServerDependencies | undefined
  try {
    deps = createServerDependencies({
      pools: prepared.pools,
      secrets: prepared.secrets,
      log,
      tls: Boolean(tls),
      requestsPerMinute: config.requestsPerMinute,
      rateLimitStore: config.rateLimitStore,
      reloadEncryptionKeys: async () =>
        (await resolveInstallSecrets({ dataDir: config.dataDir, store: config.secretsStore, factories })).secrets.encryptionKeys,
      publicUrl: () => config.publicUrl ?? listening?.url ?? '',
    })
    let port = 0
    const app = createApp(deps, { allowedHosts: allowedHostsOf(config, options, () => port) })
    listening = await listen(app, { host: config.host, port: config.port, tls })
    port = listening.port
  } catch (error) {
    await deps?.sessionRevocations.close()
    await prepared.close()
    throw error
  }
  const { inFlight, sessionRevocations } = deps
  const server = listening
  return {
    url: server.url,
    port: server.port,
    databaseName: databaseNameOf(prepared.adminUrl),
    pools: prepared.pools,
    secrets: prepared.secrets,
    async close() {
      await server.close()
      await inFlight.drained(5_000)
      await sessionRevocations.close()
      await prepared.close()
    },
  }
}
