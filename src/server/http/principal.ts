/**
 * @module principal
 * Who is calling: a signed-in user (access token), an API key, or nobody.
 */
import type { ApiKeyScope } from '@shared/permissions.js'

export type Principal =
  | { kind: 'anonymous' }
  | { kind: 'user'; userId: string; sessionId: string }
  | { kind: 'api_key'; keyId: string; tenantId: string; name: string; scopes: ApiKeyScope[] }

declare module 'express-serve-static-core' {
  interface Request {
    principal: Principal
  }
}
