/**
 * @module health-routes
 * GET /healthz: whether the backend can reach its database, for load balancers and `doctor`.
 */
import { Router } from 'express'
import { operations, type Health } from '@shared/contract.js'
import type { DbPool } from '../db/pools.js'

const databaseProbeTimeoutMillis = 2_000

async function databaseIsUp(pool: DbPool): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), databaseProbeTimeoutMillis)
  })
  try {
    return await Promise.race([
      pool.query('SELECT 1').then(
        () => true,
        () => false,
      ),
      timeout,
    ])
  } finally {
    clearTimeout(timer)
  }
}

export function healthRoutes(pool: DbPool): Router {
  const router = Router()
  router.get(operations.health.path, async (_request, response) => {
    const up = await databaseIsUp(pool)
    const health: Health = operations.health.output.parse({ status: up ? 'ok' : 'unavailable', db: up ? 'up' : 'down' })
    response
      .status(up ? 200 : 503)
      .setHeader('Cache-Control', 'no-store')
      .json(health)
  })
  return router
}
