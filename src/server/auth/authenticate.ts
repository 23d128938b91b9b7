/**
 * @module authenticate
 * Reads `Authorization: Bearer …` into request.principal: an access token (RS256 JWT) or an API
 * key (`lmn_…`, looked up by its SHA-256). A credential that is present but not valid is a 401
 * at once; no credential makes the caller anonymous, and the route decides. A genuine access
 * token whose session has ended (signed out, revoked, user disabled) is a 401 too: its signature
 * outlives the session by up to 15 minutes, so session-revocations is asked on every request.
 * An API key past its expiry (or past a roll's grace period) is a 401 that says it expired and
 * when, and nothing more: the caller holds the key, so that tells them nothing new.
 */
import type { Express, Request } from 'express'
import { apiKeyScopes, type ApiKeyScope } from '@shared/permissions.js'
import { findApiKeyByHash, hasExpired, touchApiKey } from '../api-keys/api-key-repository.js'
import { isWellFormedApiKey, looksLikeApiKey } from '../api-keys/api-key-format.js'
import type { Principal } from '../http/principal.js'
import type { SessionRevocations } from '../http/operation-context.js'
import type { AccessTokenClaims, AccessTokens } from '../crypto/access-tokens.js'
import { sha256 } from '../crypto/random-token.js'
import type { DatabasePools } from '../db/pools.js'
import { inTransaction, withTenant } from '../db/with-tenant.js'
import { problems } from '../http/http-problem.js'
import type { InFlightTracker } from '../http/in-flight.js'

async function apiKeyPrincipal(pools: DatabasePools, presented: string): Promise<Principal> {
  if (!isWellFormedApiKey(presented)) throw problems.unauthorized('the API key is not valid')
  const keyHash = sha256(presented)
  const row = await inTransaction(pools.app, { apiKeyHash: keyHash.toString('hex'), readOnly: true }, (client) =>
    findApiKeyByHash(client, keyHash),
  )
  if (!row || row.revoked_at) throw problems.unauthorized('the API key is not valid')
  if (hasExpired(row)) throw problems.unauthorized(`this API key expired at ${row.expires_at!.toISOString()}`)
  await withTenant(pools.app, row.tenant_id, (client) => touchApiKey(client, row.tenant_id, row.id))
  const scopes = row.scopes.filter((scope): scope is ApiKeyScope => (apiKeyScopes as readonly string[]).includes(scope))
  return { kind: 'api_key', keyId: row.id, tenantId: row.tenant_id, name: row.name, scopes }
}

interface AuthenticateDependencies {
  pools: DatabasePools
  accessTokens: AccessTokens
  sessionRevocations: SessionRevocations
}

export async function principalOf(request: Request, deps: AuthenticateDependencies): Promise<Principal> {
  const header = request.get('authorization')
  if (!header) return { kind: 'anonymous' }
  const match = /^Bearer\s+(\S+)$/i.exec(header)
  if (!match) throw problems.unauthorized('use Authorization: Bearer <token>')
  const credential = match[1]!
  if (looksLikeApiKey(credential)) return apiKeyPrincipal(deps.pools, credential)
  let claims: AccessTokenClaims
  try {
    claims = await deps.accessTokens.verify(credential)
  } catch {
    throw problems.unauthorized('the access token is not valid or has expired')
  }
  // Outside the try: a database that cannot answer is a 503, not a 401 that signs the client out.
  if (!(await deps.sessionRevocations.isActive(claims)))
    throw problems.unauthorized('this session has ended (signed out or revoked): sign in again')
  return { kind: 'user', userId: claims.userId, sessionId: claims.sessionId, origin: claims.origin }
}

export function installAuthenticate(app: Express, deps: AuthenticateDependencies & { inFlight: InFlightTracker }): void {
  app.use((request, _response, next) => {
    const finished = deps.inFlight.begin()
    principalOf(request, deps)
      .finally(finished)
      .then((principal) => {
        request.principal = principal
        next()
      }, next)
  })
}
