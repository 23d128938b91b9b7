/**
 * @module server-dependencies
 * What the HTTP app needs beyond the pools, derived from the install's secrets: token keys, the
 * CSRF key, the rate limiters; and the session-revocation listener, the one dependency that holds
 * a connection of its own, so whoever creates these closes `sessionRevocations` at shutdown.
 */
import { createSessionRevocations } from './auth/session-revocations.js'
import { createAccessTokens } from './crypto/access-tokens.js'
import { deriveKey, masterKeyBytes } from './crypto/derive-key.js'
import type { DatabasePools } from './db/pools.js'
import type { ServerDependencies } from './http/operation-context.js'
import type { Logger } from './platform/log.js'
import { createRateLimits, defaultRateLimitSettings, type RateLimitStore } from './middleware/rate-limit.js'
import type { EncryptionKey, InstallSecrets } from './secrets/install-secrets.js'
import { createEncryptionKeyring } from './crypto/encryption-keyring.js'
import { keyAges } from './secrets/key-ages.js'
import { createInFlightTracker } from './http/in-flight.js'
import { createOidcClients } from './sso/oidc-clients.js'

/** From the oldest master key, which rotation keeps: a rotation must not void every CSRF token. */
function derivedFromFirstKey(secrets: InstallSecrets, info: string): Buffer {
  return deriveKey(masterKeyBytes(secrets.encryptionKeys[0]!.key), { salt: 'limena', info })
}

export const csrfKeyFrom = (secrets: InstallSecrets): Buffer => derivedFromFirstKey(secrets, 'csrf-token v1')
export const cursorKeyFrom = (secrets: InstallSecrets): Buffer => derivedFromFirstKey(secrets, 'pagination-cursor v1')

export function createServerDependencies(options: {
  pools: DatabasePools
  secrets: InstallSecrets
  log: Logger
  tls: boolean
  requestsPerMinute?: number
  /** Where rate-limit counters live; `postgres` shares them between instances (default `memory`). */
  rateLimitStore?: RateLimitStore
  /** Re-reads the install's encryption keys (after `rotate-keys --encryption`). */
  reloadEncryptionKeys?: () => Promise<EncryptionKey[]>
  /** Where browsers reach the backend (known once it listens): see ServerDependencies.publicUrl. */
  publicUrl?: () => string
}): ServerDependencies {
  return {
    pools: options.pools,
    log: options.log,
    tls: options.tls,
    accessTokens: createAccessTokens(options.secrets.jwtSigningKeys),
    csrfKey: csrfKeyFrom(options.secrets),
    cursorKey: cursorKeyFrom(options.secrets),
    keyring: createEncryptionKeyring(options.secrets.encryptionKeys, options.reloadEncryptionKeys),
    keyAges: () => keyAges(options.secrets),
    inFlight: createInFlightTracker(),
    rateLimits: createRateLimits(
      { ...defaultRateLimitSettings, requestsPerMinute: options.requestsPerMinute ?? defaultRateLimitSettings.requestsPerMinute },
      options.rateLimitStore === 'postgres' ? { kind: 'postgres', pool: options.pools.app } : { kind: 'memory' },
    ),
    sessionRevocations: createSessionRevocations({ pools: options.pools, log: options.log }),
    publicUrl:
      options.publicUrl ??
      (() => {
        throw new Error('this backend was started without a public URL, which single sign-on needs')
      }),
    oidc: createOidcClients(),
  }
}
