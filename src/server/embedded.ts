/**
 * @module embedded
 * The backend as the desktop app embeds it: the one module Electron main imports from the
 * backend (besides the platform services in platform/), so main never reaches pools,
 * repositories or password hashing. It starts the backend on a random loopback port that
 * answers only its own Host, offers the first run, and stops it.
 */
import { startBackend } from './backend.js'
import { loadConfig } from './config.js'
import type { DatabasePools } from './db/pools.js'
import type { Logger } from './platform/log.js'
import type { VaultFactories } from './secrets/install-secrets.js'
import { hasPlatformOperator, savePlatformOperator } from './users/platform-operators.js'

/** An embedded install starts with no one to sign in as: the console offers to create the first operator. */
export interface FirstRun {
  needed(): Promise<boolean>
  createOperator(email: string, password: string): Promise<{ ok: true } | { ok: false; reason: string }>
}

export function firstRunFor(pools: Pick<DatabasePools, 'maintenance'>): FirstRun {
  return {
    needed: async () => !(await hasPlatformOperator(pools)),
    async createOperator(email, password) {
      const saved = await savePlatformOperator(pools, { email, password }, { onlyTheFirst: true })
      return saved.ok ? { ok: true } : { ok: false, reason: saved.reason }
    },
  }
}

export interface EmbeddedBackend {
  url: string
  firstRun: FirstRun
  close(): Promise<void>
}

/**
 * The data directory of the desktop app's embedded backend: the `limena` CLI's (LIMENA_DATA_DIR,
 * else the OS default of src/server/data-dir.ts), so `limena seed-demo` then `npm start` shows the seeded data.
 */
export function embeddedDataDir(env: NodeJS.ProcessEnv): string {
  return loadConfig(env, { port: 0, host: '127.0.0.1' }).dataDir
}

export async function startEmbeddedBackend(options: {
  env: NodeJS.ProcessEnv
  /** Default: embeddedDataDir(env), the CLI's. */
  dataDir?: string
  log: Logger
  factories?: VaultFactories
}): Promise<EmbeddedBackend> {
  const config = loadConfig(options.env, { dataDir: options.dataDir ?? embeddedDataDir(options.env), port: 0, host: '127.0.0.1' })
  const backend = await startBackend(config, options.log, { loopbackHostOnly: true, factories: options.factories })
  return { url: backend.url, firstRun: firstRunFor(backend.pools), close: () => backend.close() }
}
