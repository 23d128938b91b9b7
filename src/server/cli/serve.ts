/**
 * @module serve
 * `limena serve`: the backend headless, until SIGINT or SIGTERM, then a clean stop that leaves
 * no PostgreSQL process behind.
 */
import { startBackend } from '../backend.js'
import type { LimenaConfig } from '../config.js'
import type { Logger } from '../platform/log.js'
import { onShutdownSignal } from '../platform/shutdown.js'

export async function serveCommand(config: LimenaConfig, log: Logger, print: (line: string) => void): Promise<void> {
  const backend = await startBackend(config, log)
  onShutdownSignal(async (signal) => {
    log.info({ signal }, 'shutting down')
    await backend.close()
    log.info('stopped')
  })
  if (config.host !== '127.0.0.1' && config.host !== '::1' && config.host !== 'localhost' && !config.tlsCertFile) {
    log.warn({ host: config.host }, 'listening beyond loopback without TLS: put a TLS terminator in front or pass --tls-cert/--tls-key')
  }
  print(`limena: listening on ${backend.url} (database ${backend.databaseName})`)
}
