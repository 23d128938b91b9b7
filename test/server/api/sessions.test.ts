/**
 * Refresh-token sessions through HTTP: the cookies' exact attributes, rotation, reuse detection
 * (the whole family dies), CSRF on refresh, logout, and password change revoking other sessions.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { inTransaction } from '../../../src/server/db/with-tenant.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, useTestServer } from '../../support/test-server.js'

const database = useTestDatabase()
const server = useTestServer(database)
const password = 'a sufficiently long password'

beforeAll(async () => {
  for (const name of ['cookie', 'rotate', 'reuse', 'csrf', 'logout', 'password']) {
    await createUser(database(), { email: `${name}@example.test`, password })
  }
})

async function signedIn(email: string): Promise<ApiClient> {
  const client = new ApiClient(server().url)
  const answer = await client.login(email, password)
  expect(answer.status).toBe(200)
  return client
}

describe('sessions', () => {
  it('sign-in sets refresh_token (HttpOnly, SameSite=Lax, Path=/api/v1/auth/, 7 days) and csrf cookies', async () => {
    const answer = await new ApiClient(server().url).request('POST', '/auth/login', { body: { email: 'cookie@example.test', password } })
    expect(answer.status).toBe(200)
    const cookies = answer.headers.getSetCookie()
    const refresh = cookies.find((line) => line.startsWith('refresh_token='))!
    expect(refresh).toMatch(/^refresh_token=[A-Za-z0-9_-]{43}; /)
    expect(refresh).toContain('Max-Age=604800')
    expect(refresh).toContain('Path=/api/v1/auth/')
    expect(refresh).toContain('HttpOnly')
    expect(refresh).toContain('SameSite=Lax')
    expect(refresh).not.toContain('Secure')
    const csrf = cookies.find((line) => line.startsWith('csrf='))!
    expect(csrf).toContain('Path=/')
    expect(csrf).toContain('SameSite=Lax')
    expect(csrf).not.toContain('HttpOnly')
    expect(answer.headers.get('cache-control')).toBe('no-store')
    expect(answer.body).toMatchObject({ expiresIn: 900, user: { email: 'cookie@example.test', isPlatformAdmin: false }, memberships: [] })
  })

  it('stores refresh tokens only as hashes', async () => {
    const client = await signedIn('cookie@example.test')
    const token = client.cookies.get('refresh_token')!.value
    const admin = await database().admin()
    try {
      const found = await admin.query(
        "SELECT count(*)::int AS n FROM limena.refresh_tokens WHERE encode(token_hash, 'escape') LIKE '%' || $1 || '%' OR encode(token_hash, 'base64') = $1",
        [token],
      )
      expect(found.rows[0].n).toBe(0)
      const hashed = await admin.query(
        "SELECT count(*)::int AS n FROM limena.refresh_tokens WHERE token_hash = sha256(convert_to($1, 'UTF8'))",
        [token],
      )
      expect(hashed.rows[0].n).toBe(1)
    } finally {
      await admin.end()
    }
  })

  it('rotates the refresh token on every use and issues a working access token', async () => {
    const client = await signedIn('rotate@example.test')
    const first = client.cookies.get('refresh_token')!.value
    const refreshed = await client.request<{ accessToken: string; expiresIn: number }>('POST', '/auth/refresh', { auth: null })
    expect(refreshed.status).toBe(200)
    expect(refreshed.body.expiresIn).toBe(900)
    const second = client.cookies.get('refresh_token')!.value
    expect(second).not.toBe(first)
    client.accessToken = refreshed.body.accessToken
    expect((await client.request('GET', '/me')).status).toBe(200)
  })

  it('a replayed refresh token → 401, and the newer token of its family dies too', async () => {
    const client = await signedIn('reuse@example.test')
    const stolen = client.cookies.get('refresh_token')!.value
    expect((await client.request('POST', '/auth/refresh', { auth: null })).status).toBe(200)
    const current = client.cookies.get('refresh_token')!.value

    const attacker = new ApiClient(server().url)
    attacker.cookies.set('refresh_token', { value: stolen, path: '/api/v1/auth/' })
    attacker.cookies.set('csrf', client.cookies.get('csrf')!)
    const replay = await attacker.request('POST', '/auth/refresh', { auth: null })
    expect(replay.status).toBe(401)

    client.cookies.set('refresh_token', { value: current, path: '/api/v1/auth/' })
    expect((await client.request('POST', '/auth/refresh', { auth: null })).status).toBe(401)
    const rows = await inTransaction(
      database().pools.readonly,
      {},
      async (c) =>
        (
          await c.query(
            "SELECT count(*)::int AS n FROM refresh_tokens r JOIN users u ON u.id = r.user_id WHERE u.email = 'reuse@example.test' AND r.revoked_at IS NULL",
          )
        ).rows[0].n,
    )
    expect(rows).toBe(0)
  })

  it('refresh without the CSRF header → 403, and the token is not spent', async () => {
    const client = await signedIn('csrf@example.test')
    client.sendCsrf = false
    expect((await client.request('POST', '/auth/refresh', { auth: null })).status).toBe(403)
    client.sendCsrf = true
    expect((await client.request('POST', '/auth/refresh', { auth: null })).status).toBe(200)
  })

  it('refresh with a CSRF token of another session → 403', async () => {
    const victim = await signedIn('csrf@example.test')
    const other = await signedIn('csrf@example.test')
    victim.cookies.set('csrf', other.cookies.get('csrf')!)
    expect((await victim.request('POST', '/auth/refresh', { auth: null })).status).toBe(403)
  })

  it('logout revokes the family and clears both cookies', async () => {
    const client = await signedIn('logout@example.test')
    const token = client.cookies.get('refresh_token')!.value
    const answer = await client.request('POST', '/auth/logout', { auth: null })
    expect(answer.status).toBe(204)
    const cleared = answer.headers.getSetCookie()
    expect(cleared.some((line) => line.startsWith('refresh_token=;') && line.includes('Path=/api/v1/auth/'))).toBe(true)
    expect(cleared.some((line) => line.startsWith('csrf=;'))).toBe(true)
    const again = new ApiClient(server().url)
    again.cookies.set('refresh_token', { value: token, path: '/api/v1/auth/' })
    expect((await again.request('POST', '/auth/refresh', { auth: null })).status).toBe(401)
  })

  it('a password change keeps this session, revokes the others, and the new password works', async () => {
    const here = await signedIn('password@example.test')
    const elsewhere = await signedIn('password@example.test')
    const wrong = await here.request('POST', '/auth/password', {
      body: { currentPassword: 'not it at all', newPassword: 'a brand new long password' },
    })
    expect(wrong.status).toBe(403)
    const short = await here.request('POST', '/auth/password', { body: { currentPassword: password, newPassword: 'short' } })
    expect(short.status).toBe(400)
    const changed = await here.request('POST', '/auth/password', {
      body: { currentPassword: password, newPassword: 'a brand new long password' },
    })
    expect(changed.status).toBe(204)
    expect((await elsewhere.request('POST', '/auth/refresh', { auth: null })).status).toBe(401)
    expect((await here.request('POST', '/auth/refresh', { auth: null })).status).toBe(200)
    expect((await new ApiClient(server().url).login('password@example.test', password)).status).toBe(401)
    expect((await new ApiClient(server().url).login('password@example.test', 'a brand new long password')).status).toBe(200)
  })
})
