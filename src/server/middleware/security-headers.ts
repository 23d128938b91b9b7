/**
 * @module security-headers
 * Exactly the headers of DESIGN.md §4 through helmet, installed first so every answer carries
 * them, errors and 404s included. HSTS only means something over TLS, so it is sent there.
 */
import type { Express } from 'express'
import helmet from 'helmet'

export function installSecurityHeaders(app: Express, options: { tls: boolean }): void {
  app.disable('x-powered-by')
  app.use(
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'self'"], frameAncestors: ["'none'"] } },
      strictTransportSecurity: options.tls ? { maxAge: 31_536_000, includeSubDomains: true, preload: true } : false,
      xFrameOptions: { action: 'deny' },
      xContentTypeOptions: true,
      referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
      crossOriginEmbedderPolicy: false,
      crossOriginOpenerPolicy: false,
      crossOriginResourcePolicy: false,
      originAgentCluster: false,
      xDnsPrefetchControl: false,
      xDownloadOptions: false,
      xPermittedCrossDomainPolicies: false,
      xXssProtection: false,
    }),
  )
  app.use((_request, response, next) => {
    response.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()')
    next()
  })
}
