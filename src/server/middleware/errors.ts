/**
 * @module errors-middleware
 * Turns every failure into RFC 9457 problem+json: 404 for unknown routes, 413 for bodies over the
 * limit, 400 for malformed JSON or a path that is not valid UTF-8, 503 when the database is unreachable, and a bare 500 (with the
 * request id, never a stack) for anything unexpected.
 */
import type { ErrorRequestHandler, Express, Response } from 'express'
import { problemTypes, type Problem } from '@shared/problem.js'
import { HttpProblem } from '../http/http-problem.js'
import { requestIdOf } from './request-context.js'

export function sendProblem(response: Response, problem: Problem): void {
  response.status(problem.status).type('application/problem+json').send(JSON.stringify(problem))
}

const databaseDownCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
])

export function isDatabaseUnavailable(error: unknown): boolean {
  const candidate = error as { code?: string; message?: string } | undefined
  if (candidate?.code && databaseDownCodes.has(candidate.code)) return true
  return /timeout exceeded when trying to connect|Connection terminated|connection timeout|connection error and is not queryable|the database system is (starting up|shutting down)/i.test(
    candidate?.message ?? '',
  )
}

export function installNotFound(app: Express): void {
  app.use((request, response) => {
    sendProblem(response, {
      type: problemTypes.notFound,
      title: 'Not found',
      status: 404,
      detail: `no route for ${request.method} ${request.path}`,
      requestId: requestIdOf(request),
    })
  })
}

export function installErrorHandler(app: Express): void {
  const handler: ErrorRequestHandler = (error, request, response, _next) => {
    const requestId = requestIdOf(request)
    if (response.headersSent) {
      response.destroy()
      return
    }
    if (error instanceof HttpProblem) {
      for (const [name, value] of Object.entries(error.headers)) response.setHeader(name, value)
      sendProblem(response, { ...error.problem, requestId })
      return
    }
    const httpError = error as { type?: string; status?: number }
    if (httpError.type === 'entity.too.large') {
      sendProblem(response, {
        type: problemTypes.payloadTooLarge,
        title: 'Payload too large',
        status: 413,
        detail: 'the request body is larger than 100 KB',
        requestId,
      })
      return
    }
    if (httpError.type === 'entity.parse.failed' || httpError.type === 'encoding.unsupported' || httpError.type === 'charset.unsupported') {
      sendProblem(response, {
        type: problemTypes.badRequest,
        title: 'Bad request',
        status: 400,
        detail: 'the request body is not valid JSON',
        requestId,
      })
      return
    }
    if (error instanceof URIError) {
      // The router could not decode a path parameter: its escapes are not valid UTF-8.
      sendProblem(response, {
        type: problemTypes.badRequest,
        title: 'Bad request',
        status: 400,
        detail: 'the path holds percent-escapes that are not valid UTF-8',
        requestId,
      })
      return
    }
    if (isDatabaseUnavailable(error)) {
      request.log?.warn({ err: { message: (error as Error).message } }, 'database unavailable')
      response.setHeader('Retry-After', '5')
      sendProblem(response, {
        type: problemTypes.unavailable,
        title: 'Service unavailable',
        status: 503,
        detail: 'the database is unreachable; try again shortly',
        requestId,
      })
      return
    }
    request.log?.error({ err: error }, 'unhandled error')
    sendProblem(response, {
      type: problemTypes.internal,
      title: 'Internal server error',
      status: 500,
      detail: `quote request id ${requestId ?? 'unknown'} when reporting this`,
      requestId,
    })
  }
  app.use(handler)
}
