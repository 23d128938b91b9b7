/**
 * @module cookies
 * Parses the Cookie header into request.cookies (the `cookie` package does the parsing).
 */
import { parse } from 'cookie'
import type { Express } from 'express'

export function installCookies(app: Express): void {
  app.use((request, _response, next) => {
    const header = request.headers.cookie
    request.cookies = header ? parse(header) : {}
    next()
  })
}
