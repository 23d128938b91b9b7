/**
 * @module app
 * createApp(deps): the Express application, built from an ordered list of installs and routes.
 * No globals: everything it needs comes in `deps`, so tests build it against their own database.
 */
import express, { type Express } from 'express'
import { apiBasePath } from '@shared/contract.js'
import type { DatabasePools } from './db/pools.js'
import { healthRoutes } from './health/health-routes.js'
import type { Logger } from './log.js'
import { installErrorHandler, installNotFound } from './middleware/errors.js'
import { installRequestContext } from './middleware/request-context.js'
import { installSecurityHeaders } from './middleware/security-headers.js'

export interface AppDependencies {
  pools: DatabasePools
  log: Logger
  tls: boolean
}

export const jsonBodyLimit = '100kb'

export function createApp(deps: AppDependencies): Express {
  const app = express()
  app.set('trust proxy', false)
  installSecurityHeaders(app, { tls: deps.tls })
  installRequestContext(app, deps.log)
  app.use(express.json({ limit: jsonBodyLimit, strict: true }))
  app.use(apiBasePath, healthRoutes(deps.pools.app))
  installNotFound(app)
  installErrorHandler(app)
  return app
}
