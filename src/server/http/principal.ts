/**
 * @module principal
 * Who is calling: a signed-in user (access token), an API key, or nobody.
 */
import type { SessionOrigin } from '@shared/contract.js'
import type { ApiKeyScope } from '@shared/permissions.js'

export type Principal =
  | { kind: 'anonymous' }
  /** `origin`: how the session was opened, from the access token's signed claims. */
  | { kind: 'user'; userId: string; sessionId: string; origin: SessionOrigin }
  | { kind: 'api_key'; keyId: string; tenantId: string; name: string; scopes: ApiKeyScope[] }

declare module 'express-serve-static-core' {
  interface Request {
    principal: Principal
  }
}
