/**
 * @module access-tokens
 * RS256 access tokens with jose: 15 minutes, with sub, sid (the refresh family), iat, exp, iss,
 * aud and jti, and `kid` in the header. Verification pins the algorithm, issuer and audience, and
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
import { SignJWT, createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWK } from 'jose'
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
}

export interface AccessTokens {
  issue(claims: AccessTokenClaims): Promise<{ accessToken: string; expiresIn: number }>
  verify(token: string): Promise<AccessTokenClaims>
  jwks(): JSONWebKeySet
}

export class InvalidAccessTokenError extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'InvalidAccessTokenError'
  }
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
  return {
    async issue(claims) {
      const issuedAt = Math.floor(now().getTime() / 1000)
      const accessToken = await new SignJWT({ sid: claims.sessionId })
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
        if (remembered.expiresAtSeconds > nowSeconds) return { userId: remembered.userId, sessionId: remembered.sessionId }
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
        if (verified.size >= verifiedTokenCacheSize) verified.delete(verified.keys().next().value!)
        verified.set(token, { userId: payload.sub, sessionId: payload.sid, expiresAtSeconds: payload.exp })
        return { userId: payload.sub, sessionId: payload.sid }
      } catch (error) {
        if (error instanceof InvalidAccessTokenError) throw error
        throw new InvalidAccessTokenError((error as { code?: string }).code ?? 'invalid token')
      }
    },
    jwks: () => keySet,
  }
}
