/**
 * @module security-headers
 * Exactly the security headers of docs/security.md (HTTP hardening) through helmet, installed first so every answer carries
 * them, errors and 404s included. HSTS only means something over TLS, so it is sent there.
 * `Cache-Control: no-store` by default on every answer (issue 11).
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
    // Answers carry tenants' data and credentials: no cache may keep one. The few public,
    // unchanging answers (the key set) say otherwise themselves.
    response.setHeader('Cache-Control', 'no-store')
    next()
  })
}
