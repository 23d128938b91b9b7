/**
 * @module cookies
 * Parses the Cookie header into request.cookies (the `cookie` package does the parsing).
 */
import { parse } from 'cookie'
import type { Express, Request } from 'express'

/** One cookie of the request, parsed by installCookies. */
export function cookieOf(request: Request, name: string): string | undefined {
  return (request.cookies as Record<string, string | undefined>)[name]
}

export function installCookies(app: Express): void {
  app.use((request, _response, next) => {
    const header = request.headers.cookie
    request.cookies = header ? parse(header) : {}
    next()
  })
}
