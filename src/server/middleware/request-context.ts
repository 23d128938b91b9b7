/**
 * @module request-context
 * Gives each request an id (echoed as X-Request-Id, used in logs and problem bodies) and a
 * child logger that carries it.
 */
import { randomUUID } from 'node:crypto'
import type { Express, Request } from 'express'
import type { Logger } from '../platform/log.js'

declare module 'express-serve-static-core' {
  interface Request {
    requestId: string
    log: Logger
  }
}

const acceptableRequestId = /^[A-Za-z0-9._:-]{8,128}$/

export function installRequestContext(app: Express, log: Logger): void {
  app.use((request, response, next) => {
    const offered = request.get('x-request-id')
    request.requestId = offered && acceptableRequestId.test(offered) ? offered : randomUUID()
    request.log = log.child({ requestId: request.requestId })
    response.setHeader('X-Request-Id', request.requestId)
    const started = process.hrtime.bigint()
    response.on('finish', () => {
      const milliseconds = Number(process.hrtime.bigint() - started) / 1e6
      request.log.info(
        { method: request.method, path: request.path, status: response.statusCode, ms: Math.round(milliseconds * 10) / 10 },
        'request',
      )
    })
    next()
  })
}

export function requestIdOf(request: Request): string | undefined {
  return (request as Partial<Request>).requestId
}
