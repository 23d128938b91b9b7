/**
 * @module oidc-clients
 * OpenID providers as openid-client configurations. An issuer's `.well-known` document is fetched
 * once and kept for a few minutes (as are the signing keys its exchanges fetched), so a burst of
 * sign-ins costs the identity provider one discovery, not one each.
 * - An issuer must be https, or http on a loopback address (an identity provider on this machine,
 *   as the tests run one), the rule the desktop app applies to connections.
 * - Every configuration checks the ID token's signature against the issuer's published keys
 *   (`enableNonRepudiationChecks`): openid-client otherwise trusts a token from the token endpoint
 *   on the strength of TLS alone, and an issuer on plain loopback http has none.
 * - Requests to the identity provider time out after 10 seconds; a failed discovery is not kept.
 */
import {
  ClientSecretBasic,
  ClientSecretPost,
  Configuration,
  None,
  allowInsecureRequests,
  discovery,
  enableNonRepudiationChecks,
  getJwksCache,
  setJwksCache,
  type ClientAuth,
  type ExportedJWKSCache,
  type ServerMetadata,
} from 'openid-client'
import type { OidcClients } from '../http/operation-context.js'
import { isLoopbackAddress } from '../middleware/host-check.js'

export const discoveryLifetimeMillis = 5 * 60 * 1000
export const identityProviderTimeoutSeconds = 10

/** Why an issuer cannot be used, in words for the person who typed it; the caller names the issuer. */
export class IssuerDiscoveryError extends Error {
  constructor(readonly reason: string) {
    super(reason)
    this.name = 'IssuerDiscoveryError'
  }
}

function isLoopbackUrl(url: URL): boolean {
  return isLoopbackAddress(url.hostname.replace(/^\[|\]$/g, ''))
}

/** What is wrong with an issuer URL before anything is fetched from it, or null. */
export function issuerUrlProblem(issuer: string): string | null {
  if (!URL.canParse(issuer)) return 'is not a URL'
  const url = new URL(issuer)
  if (url.username || url.password || url.search || url.hash) return 'must have no credentials, query or fragment'
  if (url.protocol === 'https:') return null
  if (url.protocol === 'http:' && isLoopbackUrl(url)) return null
  return 'must use https (plain http only on 127.0.0.1, [::1] or localhost)'
}

/** Words for a failed discovery: what the issuer did, never a stack. */
function discoveryFailure(error: unknown): string {
  const failure = error as { code?: string; message?: string; cause?: { status?: number; attribute?: string; expected?: string } }
  switch (failure.code) {
    case 'OAUTH_RESPONSE_IS_NOT_CONFORM':
      return `did not answer its discovery document (/.well-known/openid-configuration answered HTTP ${failure.cause?.status ?? '?'})`
    case 'OAUTH_RESPONSE_IS_NOT_JSON':
      return 'answered its discovery address with something that is not JSON'
    case 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED':
      return 'publishes a discovery document that names another issuer: use the exact issuer of the document\'s "issuer"'
    case 'OAUTH_INVALID_RESPONSE':
    case 'OAUTH_PARSE_ERROR':
      return 'answered a discovery document that is not valid'
    default:
      return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
        ? `did not answer within ${identityProviderTimeoutSeconds} seconds`
        : 'could not be reached'
  }
}

function clientAuthenticationFor(metadata: ServerMetadata, clientSecret: string | null): ClientAuth {
  if (clientSecret === null) return None()
  const supported = metadata.token_endpoint_auth_methods_supported
  // client_secret_basic is OpenID Connect's default when a provider lists none.
  if (!supported || supported.includes('client_secret_basic')) return ClientSecretBasic(clientSecret)
  if (supported.includes('client_secret_post')) return ClientSecretPost(clientSecret)
  throw new IssuerDiscoveryError(
    `accepts neither client_secret_basic nor client_secret_post at its token endpoint (it lists ${supported.join(', ')})`,
  )
}

interface Discovered {
  metadata: ServerMetadata
  at: number
  keys?: ExportedJWKSCache
}

export function createOidcClients(options: { lifetimeMillis?: number; now?: () => number } = {}): OidcClients {
  const lifetime = options.lifetimeMillis ?? discoveryLifetimeMillis
  const now = options.now ?? Date.now
  const discovered = new Map<string, Discovered>()

  async function metadataOf(issuer: string): Promise<Discovered> {
    const kept = discovered.get(issuer)
    if (kept && now() - kept.at < lifetime) return kept
    const problem = issuerUrlProblem(issuer)
    if (problem) throw new IssuerDiscoveryError(problem)
    const insecure = new URL(issuer).protocol === 'http:'
    let configuration: Configuration
    try {
      configuration = await discovery(new URL(issuer), 'discovery', undefined, None(), {
        execute: insecure ? [allowInsecureRequests] : [],
        timeout: identityProviderTimeoutSeconds,
      })
    } catch (error) {
      throw new IssuerDiscoveryError(discoveryFailure(error))
    }
    const entry: Discovered = { metadata: { ...configuration.serverMetadata() }, at: now() }
    if (!entry.metadata.authorization_endpoint || !entry.metadata.token_endpoint || !entry.metadata.jwks_uri)
      throw new IssuerDiscoveryError(
        'publishes no authorization endpoint, token endpoint or key set (jwks_uri): it is not an OpenID provider',
      )
    discovered.set(issuer, entry)
    return entry
  }

  return {
    async issuerOf(issuer) {
      return (await metadataOf(issuer)).metadata.issuer
    },

    async configuration(issuer, client) {
      const { metadata, keys } = await metadataOf(issuer)
      const configuration = new Configuration(metadata, client.clientId, undefined, clientAuthenticationFor(metadata, client.clientSecret))
      if (new URL(issuer).protocol === 'http:') allowInsecureRequests(configuration)
      enableNonRepudiationChecks(configuration)
      configuration.timeout = identityProviderTimeoutSeconds
      if (keys) setJwksCache(configuration, keys)
      return configuration
    },

    keepKeys(issuer, configuration) {
      const entry = discovered.get(issuer)
      const keys = getJwksCache(configuration)
      if (entry && keys) entry.keys = keys
    },
  }
}
