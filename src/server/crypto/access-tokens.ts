/**
 * @module access-tokens
 * RS256 access tokens with jose: 15 minutes, with sub, sid (the refresh family), iat, exp, iss,
 * aud and jti, and `kid` in the header. How the session was opened travels signed with it
 * (`auth_method`; after single sign-on also `sso_iss`, `sso_tid` and `amr`), so every request knows
 * it without a lookup: a session from a tenant's identity provider reaches that tenant only. A token
 * without `auth_method` (issued before single sign-on) is a password session. Verification pins the algorithm, issuer and audience, and
 * looks keys up only in our own key set by `kid`, so a key offered inside a token (jwk, jku,
 * x5c) is never used. The newest signing key signs; older ones still verify until retired.
 * A validly signed token is still refused when issued in the future beyond the clock skew, or
 * when it would live longer than an access token may (plus the skew): a leaked signing key or a
 * bug elsewhere must not mint tokens that outlive the 15 minutes a stolen token is worth.
 * A token that verified is remembered until it expires, so a client's next requests with the
 * same token skip the RSA check; only a token that passed every check is remembered, and the key
 * set is fixed for the instance's life, so no key change can make a remembered answer stale.
 */
import { randomUUID, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import { SignJWT, createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWK, type JWTPayload } from 'jose'
import { sessionOriginSchema, type SessionOrigin } from '@shared/contract.js'
import type { JwtSigningKey } from '../secrets/install-secrets.js'

export const accessTokenLifetimeSeconds = 15 * 60
/** How far our clock and the issuer's may disagree: bounds a future `iat` and the lifetime. */
export const tokenClockSkewSeconds = 60
export const tokenIssuer = 'limena'
export const tokenAudience = 'limena-api'
/** Verified tokens remembered at most; the oldest is forgotten first. */
export const verifiedTokenCacheSize = 10_000

export interface AccessTokenClaims {
  userId: string
  sessionId: string
  origin: SessionOrigin
}

export const passwordOrigin: SessionOrigin = { method: 'password', sso: null }

export interface AccessTokens {
  /** `origin` defaults to a password session. */
  issue(claims: Omit<AccessTokenClaims, 'origin'> & { origin?: SessionOrigin }): Promise<{ accessToken: string; expiresIn: number }>
  verify(token: string): Promise<AccessTokenClaims>
  jwks(): JSONWebKeySet
}

export class InvalidAccessTokenError extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'InvalidAccessTokenError'
  }
}

function originClaims(origin: SessionOrigin): Record<string, unknown> {
  if (!origin.sso) return { auth_method: origin.method }
  return { auth_method: origin.method, sso_iss: origin.sso.issuer, sso_tid: origin.sso.tenantId, amr: origin.sso.amr }
}

/** The origin a verified token carries; throws when its claims do not make one. */
function originOf(payload: JWTPayload): SessionOrigin {
  if (payload.auth_method === undefined) return passwordOrigin
  return sessionOriginSchema.parse({
    method: payload.auth_method,
    sso: payload.auth_method === 'sso' ? { issuer: payload.sso_iss, tenantId: payload.sso_tid, amr: payload.amr } : null,
  })
}

export function publicJwk(privateKeyPem: string, kid: string): JWK {
  const jwk = createPublicKey(createPrivateKey(privateKeyPem)).export({ format: 'jwk' }) as JWK
  return { kty: 'RSA', n: jwk.n, e: jwk.e, kid, alg: 'RS256', use: 'sig' }
}

export function createAccessTokens(signingKeys: JwtSigningKey[], now: () => Date = () => new Date()): AccessTokens {
  const newest = signingKeys.at(-1)
  if (!newest) throw new Error('no JWT signing key')
  const signingKey: KeyObject = createPrivateKey(newest.privateKeyPem)
  const keySet: JSONWebKeySet = { keys: signingKeys.map((key) => publicJwk(key.privateKeyPem, key.kid)) }
  const resolveKey = createLocalJWKSet(keySet)
  const verified = new Map<string, AccessTokenClaims & { expiresAtSeconds: number }>()
  const claimsOf = (entry: AccessTokenClaims): AccessTokenClaims => ({
    userId: entry.userId,
    sessionId: entry.sessionId,
    origin: entry.origin,
  })
  return {
    async issue(claims) {
      const issuedAt = Math.floor(now().getTime() / 1000)
      const accessToken = await new SignJWT({ sid: claims.sessionId, ...originClaims(claims.origin ?? passwordOrigin) })
        .setProtectedHeader({ alg: 'RS256', kid: newest.kid, typ: 'JWT' })
        .setSubject(claims.userId)
        .setIssuer(tokenIssuer)
        .setAudience(tokenAudience)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + accessTokenLifetimeSeconds)
        .setJti(randomUUID())
        .sign(signingKey)
      return { accessToken, expiresIn: accessTokenLifetimeSeconds }
    },
    async verify(token) {
      const currentDate = now()
      const nowSeconds = currentDate.getTime() / 1000
      const remembered = verified.get(token)
      if (remembered) {
        if (remembered.expiresAtSeconds > nowSeconds) return claimsOf(remembered)
        verified.delete(token)
        throw new InvalidAccessTokenError('ERR_JWT_EXPIRED')
      }
      try {
        const { payload } = await jwtVerify(token, resolveKey, {
          algorithms: ['RS256'],
          issuer: tokenIssuer,
          audience: tokenAudience,
          requiredClaims: ['sub', 'sid', 'iat', 'exp', 'jti'],
          currentDate,
        })
        if (
          typeof payload.sub !== 'string' ||
          typeof payload.sid !== 'string' ||
          typeof payload.exp !== 'number' ||
          typeof payload.iat !== 'number'
        ) {
          throw new Error('malformed claims')
        }
        if (payload.iat > nowSeconds + tokenClockSkewSeconds) throw new InvalidAccessTokenError('token issued in the future')
        if (payload.exp - payload.iat > accessTokenLifetimeSeconds + tokenClockSkewSeconds)
          throw new InvalidAccessTokenError('token lifetime too long')
        const claims = { userId: payload.sub, sessionId: payload.sid, origin: originOf(payload) }
        if (verified.size >= verifiedTokenCacheSize) verified.delete(verified.keys().next().value!)
        verified.set(token, { ...claims, expiresAtSeconds: payload.exp })
        return claims
      } catch (error) {
        if (error instanceof InvalidAccessTokenError) throw error
        throw new InvalidAccessTokenError((error as { code?: string }).code ?? 'invalid token')
      }
    },
    jwks: () => keySet,
  }
}
