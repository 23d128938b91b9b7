/**
 * Access tokens through HTTP: each forgery of the usual catalogue is a 401 on GET /me; a genuine
 * token is a 200. Tokens signed with the install's real key but issued in the future beyond the
 * clock skew, or living longer than an access token may, are 401 too, and never remembered.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto'
import { SignJWT, UnsecuredJWT, exportJWK } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  InvalidAccessTokenError,
  passwordOrigin,
  accessTokenLifetimeSeconds,
  createAccessTokens,
  tokenAudience,
  tokenClockSkewSeconds,
  tokenIssuer,
} from '../../../src/server/crypto/access-tokens.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, useTestServer } from '../../support/test-server.js'

const database = useTestDatabase()
const server = useTestServer(database)
let userId: string
let genuine: string
let sessionId: string

beforeAll(async () => {
  userId = await createUser(database(), { email: 'jwt@example.test', password: 'correct horse battery' })
  const client = new ApiClient(server().url)
  const login = await client.login('jwt@example.test', 'correct horse battery')
  genuine = login.body.accessToken
  sessionId = JSON.parse(Buffer.from(genuine.split('.')[1]!, 'base64url').toString()).sid
})

const signingKey = () => server().secrets.jwtSigningKeys.at(-1)!
const now = () => Math.floor(Date.now() / 1000)

async function signWithServerKey(claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const key = signingKey()
  return new SignJWT({ sid: sessionId, jti: randomUUID(), ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, ...header })
    .sign(createPrivateKey(key.privateKeyPem))
}

/** A token with genuine claims, signed however the forgery under test signs it. */
function forgedToken(header: Record<string, unknown> & { alg: string }, key: Parameters<SignJWT['sign']>[0]): Promise<string> {
  return new SignJWT({ sid: sessionId, jti: randomUUID() })
    .setProtectedHeader(header)
    .setSubject(userId)
    .setIssuer(tokenIssuer)
    .setAudience(tokenAudience)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(key)
}

async function meStatus(token: string): Promise<number> {
  const answer = await new ApiClient(server().url).request('GET', '/me', { auth: `Bearer ${token}` })
  return answer.status
}

describe('access tokens', () => {
  it('a genuine token reaches /me', async () => {
    expect(await meStatus(genuine)).toBe(200)
    const header = JSON.parse(Buffer.from(genuine.split('.')[0]!, 'base64url').toString())
    expect(header).toEqual({ alg: 'RS256', kid: signingKey().kid, typ: 'JWT' })
    const payload = JSON.parse(Buffer.from(genuine.split('.')[1]!, 'base64url').toString())
    expect(payload).toMatchObject({ sub: userId, iss: tokenIssuer, aud: tokenAudience })
    expect(payload.exp - payload.iat).toBe(15 * 60)
    expect(typeof payload.jti).toBe('string')
  })

  it('a token signed the same way by the test also passes (so the forgeries below differ in one thing only)', async () => {
    expect(
      await meStatus(await signWithServerKey({ sub: userId, iss: tokenIssuer, aud: tokenAudience, iat: now(), exp: now() + 60 })),
    ).toBe(200)
  })

  it.each([
    ['expired', { sub: 'USER', iss: tokenIssuer, aud: tokenAudience, iat: 1, exp: 2 }],
    ['wrong issuer', { sub: 'USER', iss: 'someone-else', aud: tokenAudience, iat: 'NOW', exp: 'LATER' }],
    ['wrong audience', { sub: 'USER', iss: tokenIssuer, aud: 'other-api', iat: 'NOW', exp: 'LATER' }],
    ['no expiry', { sub: 'USER', iss: tokenIssuer, aud: tokenAudience, iat: 'NOW' }],
  ])('%s → 401', async (_name, template) => {
    const claims = Object.fromEntries(
      Object.entries(template).map(([key, value]) => [
        key,
        value === 'USER' ? userId : value === 'NOW' ? now() : value === 'LATER' ? now() + 600 : value,
      ]),
    )
    expect(await meStatus(await signWithServerKey(claims))).toBe(401)
  })

  it('a token issued 5 minutes in the future → 401', async () => {
    const issuedAt = now() + 5 * 60
    expect(
      await meStatus(
        await signWithServerKey({
          sub: userId,
          iss: tokenIssuer,
          aud: tokenAudience,
          iat: issuedAt,
          exp: issuedAt + accessTokenLifetimeSeconds,
        }),
      ),
    ).toBe(401)
  })

  it('a token living 2 hours (exp = iat + 2 h) → 401', async () => {
    const issuedAt = now()
    expect(
      await meStatus(
        await signWithServerKey({ sub: userId, iss: tokenIssuer, aud: tokenAudience, iat: issuedAt, exp: issuedAt + 2 * 60 * 60 }),
      ),
    ).toBe(401)
  })

  it('a token issued 30 s in the future (within the clock skew) with a normal lifetime → 200', async () => {
    const issuedAt = now() + 30
    expect(
      await meStatus(
        await signWithServerKey({
          sub: userId,
          iss: tokenIssuer,
          aud: tokenAudience,
          iat: issuedAt,
          exp: issuedAt + accessTokenLifetimeSeconds,
        }),
      ),
    ).toBe(200)
  })

  it('a tampered payload → 401', async () => {
    const [header, payload, signature] = genuine.split('.')
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString())
    claims.sub = randomUUID()
    expect(await meStatus(`${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`)).toBe(401)
  })

  it('alg: none → 401', async () => {
    const unsigned = new UnsecuredJWT({ sub: userId, sid: sessionId, jti: randomUUID() })
      .setIssuer(tokenIssuer)
      .setAudience(tokenAudience)
      .setIssuedAt()
      .setExpirationTime('10m')
      .encode()
    expect(await meStatus(unsigned)).toBe(401)
  })

  it('HS256 signed with the public key as the secret → 401', async () => {
    const publicPem = createPublicKey(createPrivateKey(signingKey().privateKeyPem)).export({ type: 'spki', format: 'pem' })
    const token = await forgedToken({ alg: 'HS256', kid: signingKey().kid }, new TextEncoder().encode(publicPem.toString()))
    expect(await meStatus(token)).toBe(401)
  })

  it("a key embedded in the token's header → 401", async () => {
    const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const jwk = await exportJWK(attacker.publicKey)
    const token = await forgedToken({ alg: 'RS256', jwk, kid: signingKey().kid }, attacker.privateKey)
    expect(await meStatus(token)).toBe(401)
  })

  it('an unknown kid → 401', async () => {
    const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const token = await forgedToken({ alg: 'RS256', kid: 'not-a-key-of-ours' }, attacker.privateKey)
    expect(await meStatus(token)).toBe(401)
  })

  it('a malformed Authorization header → 401 problem with WWW-Authenticate', async () => {
    const answer = await new ApiClient(server().url).request<{ status: number }>('GET', '/me', { auth: 'Basic dXNlcjpwYXNz' })
    expect(answer.status).toBe(401)
    expect(answer.headers.get('www-authenticate')).toBe('Bearer')
    expect(answer.headers.get('content-type')).toMatch(/application\/problem\+json/)
  })

  it('publishes the verifying keys as a JWKS with kid and no private parts', async () => {
    const answer = await new ApiClient(server().url).request<{ keys: Array<Record<string, string>> }>('GET', '/auth/jwks')
    expect(answer.status).toBe(200)
    expect(answer.body.keys).toEqual([{ kty: 'RSA', kid: signingKey().kid, alg: 'RS256', use: 'sig', n: expect.any(String), e: 'AQAB' }])
  })
})

describe('the session origin in the claims', () => {
  it('travels signed: a single sign-on origin verifies as issued, and remembered tokens keep it', async () => {
    const tokens = createAccessTokens(server().secrets.jwtSigningKeys)
    const origin = { method: 'sso' as const, sso: { issuer: 'https://idp.example.test', tenantId: randomUUID(), amr: ['pwd', 'mfa'] } }
    const { accessToken } = await tokens.issue({ userId, sessionId, origin })
    await expect(tokens.verify(accessToken)).resolves.toEqual({ userId, sessionId, origin })
    await expect(tokens.verify(accessToken)).resolves.toEqual({ userId, sessionId, origin })
  })

  it('refuses a token whose origin claims make no origin, though signed with our key', async () => {
    const tokens = createAccessTokens(server().secrets.jwtSigningKeys)
    const nowSeconds = Math.floor(Date.now() / 1000)
    const malformed = await signWithServerKey({
      sub: userId,
      sid: sessionId,
      jti: randomUUID(),
      iss: tokenIssuer,
      aud: tokenAudience,
      iat: nowSeconds,
      exp: nowSeconds + 60,
      auth_method: 'sso',
      sso_iss: 42,
    })
    await expect(tokens.verify(malformed)).rejects.toBeInstanceOf(InvalidAccessTokenError)
  })
})

describe('remembered tokens', () => {
  // Verified tokens are remembered until they expire; remembering must never outlive the expiry.
  it('a token verified before its expiry is refused after it, though it was remembered', async () => {
    let clock = new Date('2026-05-01T10:00:00Z')
    const tokens = createAccessTokens(server().secrets.jwtSigningKeys, () => clock)
    const { accessToken } = await tokens.issue({ userId, sessionId })
    await expect(tokens.verify(accessToken)).resolves.toEqual({ userId, sessionId, origin: passwordOrigin })
    clock = new Date(clock.getTime() + (accessTokenLifetimeSeconds - 1) * 1000)
    await expect(tokens.verify(accessToken)).resolves.toEqual({ userId, sessionId, origin: passwordOrigin })
    clock = new Date(clock.getTime() + 2000)
    await expect(tokens.verify(accessToken)).rejects.toBeInstanceOf(InvalidAccessTokenError)
  })

  it('a remembered token, altered by one character, is checked afresh and refused', async () => {
    const tokens = createAccessTokens(server().secrets.jwtSigningKeys)
    const { accessToken } = await tokens.issue({ userId, sessionId })
    await tokens.verify(accessToken)
    const altered = `${accessToken.slice(0, -1)}${accessToken.endsWith('A') ? 'B' : 'A'}`
    await expect(tokens.verify(altered)).rejects.toBeInstanceOf(InvalidAccessTokenError)
  })
})

describe('time bounds', () => {
  // Clock skew bounds both checks: a token may be issued at most that far ahead, and live at most 15 minutes plus that.
  it('refuses a token at the edges of the skew and lifetime bounds, and accepts one just inside them', async () => {
    const clock = new Date('2026-05-01T10:00:00Z')
    const tokens = createAccessTokens(server().secrets.jwtSigningKeys, () => clock)
    const nowSeconds = clock.getTime() / 1000
    const sign = (iat: number, exp: number) => signWithServerKey({ sub: userId, iss: tokenIssuer, aud: tokenAudience, iat, exp })
    const skew = tokenClockSkewSeconds
    await expect(tokens.verify(await sign(nowSeconds + skew, nowSeconds + skew + accessTokenLifetimeSeconds + skew))).resolves.toEqual({
      userId,
      sessionId,
      origin: passwordOrigin,
    })
    await expect(
      tokens.verify(await sign(nowSeconds + skew + 1, nowSeconds + skew + 1 + accessTokenLifetimeSeconds)),
    ).rejects.toBeInstanceOf(InvalidAccessTokenError)
    await expect(tokens.verify(await sign(nowSeconds, nowSeconds + accessTokenLifetimeSeconds + skew + 1))).rejects.toBeInstanceOf(
      InvalidAccessTokenError,
    )
  })

  it('a refused token is never remembered: refused again on every try, even after its iat has come', async () => {
    let clock = new Date('2026-05-01T10:00:00Z')
    const tokens = createAccessTokens(server().secrets.jwtSigningKeys, () => clock)
    const nowSeconds = clock.getTime() / 1000
    const longLived = await signWithServerKey({
      sub: userId,
      iss: tokenIssuer,
      aud: tokenAudience,
      iat: nowSeconds,
      exp: nowSeconds + 2 * 60 * 60,
    })
    const fromTheFuture = await signWithServerKey({
      sub: userId,
      iss: tokenIssuer,
      aud: tokenAudience,
      iat: nowSeconds + 5 * 60,
      exp: nowSeconds + 5 * 60 + accessTokenLifetimeSeconds,
    })
    for (let attempt = 0; attempt < 2; attempt += 1) {
      await expect(tokens.verify(longLived)).rejects.toThrow('lifetime')
      await expect(tokens.verify(fromTheFuture)).rejects.toThrow('future')
    }
    // Once its iat has come, the token from the future is an ordinary token: the refusal was not remembered either way.
    clock = new Date(clock.getTime() + 5 * 60 * 1000)
    await expect(tokens.verify(fromTheFuture)).resolves.toEqual({ userId, sessionId, origin: passwordOrigin })
    await expect(tokens.verify(longLived)).rejects.toThrow('lifetime')
  })
})
