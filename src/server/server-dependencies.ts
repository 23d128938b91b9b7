/**
 * @module server-dependencies
 * What the HTTP app needs beyond the pools, derived from the install's secrets: token keys, the
 * CSRF key, the rate limiters.
 */
import { createAccessTokens } from './crypto/access-tokens.js'
import { deriveKey, masterKeyBytes } from './crypto/derive-key.js'
import type { DatabasePools } from './db/pools.js'
import type { ServerDependencies } from './http/operation-router.js'
import type { Logger } from './log.js'
import { createRateLimits, defaultRateLimitSettings } from './middleware/rate-limit.js'
import type { InstallSecrets } from './secrets/install-secrets.js'

export function csrfKeyFrom(secrets: InstallSecrets): Buffer {
  return deriveKey(masterKeyBytes(secrets.encryptionKeys.at(-1)!.key), { salt: 'limena', info: 'csrf-token v1' })
}

export function createServerDependencies(options: {
  pools: DatabasePools
  secrets: InstallSecrets
  log: Logger
  tls: boolean
  requestsPerMinute?: number
}): ServerDependencies {
  return {
    pools: options.pools,
    log: options.log,
    tls: options.tls,
    accessTokens: createAccessTokens(options.secrets.jwtSigningKeys),
    csrfKey: csrfKeyFrom(options.secrets),
    rateLimits: createRateLimits({ ...defaultRateLimitSettings, requestsPerMinute: options.requestsPerMinute ?? defaultRateLimitSettings.requestsPerMinute }),
  }
}
