/**
 * @module app
 * createApp(deps): the Express application, built from an ordered list of installs and the
 * contract's operations. No globals: everything comes in `deps`, so tests build it against their
 * own database.
 */
import express, { type Express } from 'express'
import { apiBasePath } from '@shared/contract.js'
import { apiKeyHandlers } from './api-keys/api-key-routes.js'
import { adminAuditHandlers } from './admin/admin-audit-routes.js'
import { adminPlatformAuditHandlers } from './admin/admin-platform-audit-routes.js'
import { adminPostureHandlers } from './admin/admin-posture-routes.js'
import { adminQuotaHandlers } from './admin/admin-quota-routes.js'
import { adminTenantLifecycleHandlers } from './admin/admin-tenant-lifecycle.js'
import { adminTenantHandlers } from './admin/admin-tenant-routes.js'
import { adminUsageHandlers } from './admin/admin-usage-routes.js'
import { adminUserHandlers } from './admin/admin-user-routes.js'
import { auditHandlers } from './audit/audit-routes.js'
import { authHandlers, sessionResolver } from './auth/auth-routes.js'
import { mySessionHandlers } from './auth/my-sessions.js'
import { healthRoutes } from './health/health-routes.js'
import { createOperationRouter } from './http/operation-router.js'
import type { OperationHandlers, ServerDependencies } from './http/operation-context.js'
import { integrationHandlers } from './integrations/integration-routes.js'
import { memberHandlers } from './members/member-routes.js'
import { installAuthenticate } from './auth/authenticate.js'
import { installCookies } from './middleware/cookies.js'
import { installErrorHandler, installNotFound } from './middleware/errors.js'
import { installHostCheck } from './middleware/host-check.js'
import { installIpRateLimit } from './middleware/rate-limit.js'
import { installRequestContext } from './middleware/request-context.js'
import { installSecurityHeaders } from './middleware/security-headers.js'
import { openApiHandlers } from './openapi/openapi-routes.js'
import { quotaHandlers } from './quotas/quota-routes.js'
import { ssoHandlers } from './sso/sso-routes.js'
import { tenantSsoHandlers } from './sso/tenant-sso-routes.js'
import { tenantLookupHandlers } from './tenants/tenant-lookup.js'
import { tenantHandlers } from './tenants/tenant-routes.js'

export type AppDependencies = ServerDependencies

export const jsonBodyLimit = '100kb'

/** Every routed operation's handler: a contract operation without one does not compile. */
export const operationHandlers = {
  ...authHandlers,
  ...mySessionHandlers,
  ...ssoHandlers,
  ...tenantSsoHandlers,
  ...tenantHandlers,
  ...tenantLookupHandlers,
  ...memberHandlers,
  ...apiKeyHandlers,
  ...integrationHandlers,
  ...auditHandlers,
  ...quotaHandlers,
  ...adminTenantHandlers,
  ...adminTenantLifecycleHandlers,
  ...adminAuditHandlers,
  ...adminPlatformAuditHandlers,
  ...adminUsageHandlers,
  ...adminQuotaHandlers,
  ...adminUserHandlers,
  ...adminPostureHandlers,
  ...openApiHandlers,
} satisfies OperationHandlers

export interface AppOptions {
  /** Serve only requests whose Host is one of these (the desktop app's embedded backend). */
  allowedHosts?: () => readonly string[]
}

export function createApp(deps: AppDependencies, options: AppOptions = {}): Express {
  const app = express()
  app.set('trust proxy', false)
  app.set('etag', false)
  installSecurityHeaders(app, { tls: deps.tls })
  if (options.allowedHosts) installHostCheck(app, options.allowedHosts)
  installRequestContext(app, deps.log)
  installIpRateLimit(app, deps.rateLimits)
  app.use(apiBasePath, healthRoutes(deps.pools.app))
  app.use(express.json({ limit: jsonBodyLimit, strict: true, type: ['application/json', 'application/*+json'] }))
  installCookies(app)
  installAuthenticate(app, deps)
  app.use(apiBasePath, createOperationRouter({ deps, handlers: operationHandlers, resolveSession: sessionResolver(deps) }))
  installNotFound(app)
  installErrorHandler(app)
  return app
}
