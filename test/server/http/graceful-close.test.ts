/**
 * Shutdown waits for handlers still at work before it ends the database pools, even when a busy
 * socket had to be forced shut: the handler finishes its query instead of meeting an ended pool.
 */
import express from 'express'
import { describe, expect, it } from 'vitest'
import { createDatabasePools } from '../../../src/server/db/pools.js'
import { listen } from '../../../src/server/http-server.js'
import { createOperationRouter } from '../../../src/server/http/operation-router.js'
import { silentLogger } from '../../../src/server/platform/log.js'
import { generateInstallSecrets } from '../../../src/server/secrets/install-secrets.js'
import { createServerDependencies } from '../../../src/server/server-dependencies.js'
import { useTestDatabase } from '../../support/test-database.js'
import { testPasswords } from '../../support/test-settings.js'

const database = useTestDatabase()

describe('graceful close', () => {
  it('lets a handler whose socket was forced shut finish its query before the pools end', async () => {
    const pools = createDatabasePools(database().adminUrl, testPasswords, { maxConnections: 2 })
    const deps = createServerDependencies({
      pools,
      secrets: await generateInstallSecrets(),
      log: silentLogger,
      tls: false,
      requestsPerMinute: 0,
    })
    const outcome: string[] = []
    const app = express()
    app.use((request, _response, next) => {
      request.principal = { kind: 'anonymous' }
      next()
    })
    app.use(
      '/api/v1',
      createOperationRouter({
        deps,
        resolveSession: async () => null,
        handlers: {
          async jwks() {
            await new Promise((resolve) => setTimeout(resolve, 400))
            try {
              await pools.app.query('SELECT 1')
              outcome.push('query done')
            } catch (error) {
              outcome.push(`query failed: ${(error as Error).message}`)
            }
            return deps.accessTokens.jwks() as never
          },
        },
      }),
    )
    const server = await listen(app, { host: '127.0.0.1', port: 0, forceCloseAfterMillis: 100 })
    void fetch(`${server.url}/api/v1/auth/jwks`).catch(() => undefined)
    while (deps.inFlight.count === 0) await new Promise((resolve) => setTimeout(resolve, 10))
    // The backend's shutdown order: stop listening, let handlers finish, then end the pools.
    await server.close()
    await deps.inFlight.drained(5_000)
    await pools.close()
    expect(outcome).toEqual(['query done'])
  })
})
