/**
 * Revocation reaches access tokens, across two `limena serve` processes on one database. A session
 * signs in on instance A and its access token works on both instances (so both remember it);
 * then the session ends — sign-out, a replayed refresh token, an operator's revoke-sessions, a
 * password change elsewhere, a disabled account — and within a second the old access token is
 * refused with 401 problem+json on both instances, creating an API key included.
 */
import { once } from 'node:events'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureCliBuilt, startServe, type ServingProcess } from '../../support/cli.js'
import { cliEnvironmentFor } from '../../support/cli-environment.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, type ApiAnswer } from '../../support/test-server.js'

const database = useTestDatabase()
const servers: ServingProcess[] = []
const password = 'revocation test password'
const operatorEmail = 'revocation-ops@example.test'
/** How long a revocation may take to reach every instance. */
const propagationBudgetMillis = 1_000
const userIds = new Map<string, string>()

beforeAll(async () => {
  ensureCliBuilt()
  const dataDir = await mkdtemp(join(tmpdir(), 'limena-revocation-'))
  const env = { ...cliEnvironmentFor(database()), LIMENA_RATE_LIMIT_PER_MINUTE: '0' }
  servers.push(await startServe(['--data-dir', dataDir, '--port', '0'], env))
  servers.push(await startServe(['--data-dir', dataDir, '--port', '0'], env))
  for (const name of ['logout', 'reuse', 'operator', 'password', 'disabled']) {
    userIds.set(name, await createUser(database(), { email: `${name}@example.test`, password }))
  }
  await createUser(database(), { email: operatorEmail, password, platformAdmin: true })
})

afterAll(async () => {
  for (const server of servers) {
    server.child.kill('SIGTERM')
    await once(server.child, 'exit')
  }
})

const instanceA = () => servers[0]!.url
const instanceB = () => servers[1]!.url

/** A client on `baseUrl` that carries `client`'s access token and CSRF cookie (not its refresh cookie). */
function sameSessionOn(baseUrl: string, client: ApiClient): ApiClient {
  const copy = new ApiClient(baseUrl)
  copy.accessToken = client.accessToken
  copy.cookies.set('csrf', client.cookies.get('csrf')!)
  return copy
}

interface SignedInSession {
  /** Signed in on instance A; holds the refresh cookie, so it can sign out or refresh. */
  owner: ApiClient
  /** The same access token and CSRF cookie on A and on B: what must stop working. */
  holders: ApiClient[]
  tenantId: string
}

function createKey(client: ApiClient, tenantId: string): Promise<ApiAnswer> {
  return client.request('POST', `/tenants/${tenantId}/api-keys`, { body: { name: 'never-expiring key', scopes: ['tenant:read'] } })
}

/** Signs in on A, and proves the access token works on both instances, API-key creation included. */
async function signInOnBothInstances(name: string, tenantId?: string): Promise<SignedInSession> {
  const owner = new ApiClient(instanceA())
  expect((await owner.login(`${name}@example.test`, password)).status).toBe(200)
  const tenant =
    tenantId ??
    (await owner.request<{ id: string }>('POST', '/tenants', { body: { name: `Revocation ${name}`, slug: `revocation-${name}` } })).body.id
  const holders = [sameSessionOn(instanceA(), owner), sameSessionOn(instanceB(), owner)]
  for (const holder of holders) {
    expect((await holder.request('GET', '/me')).status).toBe(200)
    expect((await createKey(holder, tenant)).status).toBe(201)
  }
  return { owner, holders, tenantId: tenant }
}

/**
 * Polls both instances from `revokedAt` until GET /me and POST api-keys with the session's token
 * are all refused; fails if that takes longer than the budget.
 */
async function expectRefusedEverywhere(session: SignedInSession, revokedAt: number): Promise<void> {
  let answers: ApiAnswer[]
  for (;;) {
    answers = (
      await Promise.all(session.holders.map((holder) => Promise.all([holder.request('GET', '/me'), createKey(holder, session.tenantId)])))
    ).flat()
    if (answers.every((answer) => answer.status === 401) || Date.now() - revokedAt > propagationBudgetMillis) break
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const elapsed = Date.now() - revokedAt
  expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 401))
  for (const answer of answers) expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/)
  expect(elapsed).toBeLessThanOrEqual(propagationBudgetMillis)
}

describe('a revoked session’s access token', () => {
  it('is refused on both instances within a second of signing out', async () => {
    const session = await signInOnBothInstances('logout')
    const signedOut = await session.owner.request('POST', '/auth/logout', { auth: null })
    expect(signedOut.status).toBe(204)
    await expectRefusedEverywhere(session, Date.now())
  })

  it('is refused on both instances within a second of a replayed refresh token revoking its family', async () => {
    const session = await signInOnBothInstances('reuse')
    const stolen = session.owner.cookies.get('refresh_token')!.value
    const rotated = await session.owner.request<{ accessToken: string }>('POST', '/auth/refresh', { auth: null })
    expect(rotated.status).toBe(200)
    const attacker = new ApiClient(instanceB())
    attacker.cookies.set('refresh_token', { value: stolen, path: '/api/v1/auth/' })
    attacker.cookies.set('csrf', session.owner.cookies.get('csrf')!)
    expect((await attacker.request('POST', '/auth/refresh', { auth: null })).status).toBe(401)
    const revokedAt = Date.now()
    // The token the rotation issued belongs to the same family: it dies with the older one.
    const rotatedHolder = sameSessionOn(instanceB(), session.owner)
    rotatedHolder.accessToken = rotated.body.accessToken
    await expectRefusedEverywhere({ ...session, holders: [...session.holders, rotatedHolder] }, revokedAt)
  })

  it("is refused on both instances within a second of an operator's revoke-sessions", async () => {
    const session = await signInOnBothInstances('operator')
    const operator = new ApiClient(instanceB())
    expect((await operator.login(operatorEmail, password)).status).toBe(200)
    const revoked = await operator.request<{ revokedSessions: number }>('POST', `/admin/users/${userIds.get('operator')}/sessions/revoke`, {
      headers: { 'x-access-reason': 'TICKET-7 stolen laptop' },
    })
    expect(revoked.status).toBe(200)
    expect(revoked.body.revokedSessions).toBe(1)
    await expectRefusedEverywhere(session, Date.now())
  })

  it('is refused on both instances within a second of a password change in another session, which keeps working', async () => {
    const elsewhere = await signInOnBothInstances('password')
    const here = await signInOnBothInstances('password', elsewhere.tenantId)
    const changed = await here.owner.request('POST', '/auth/password', {
      body: { currentPassword: password, newPassword: 'a brand new revocation password' },
    })
    expect(changed.status).toBe(204)
    await expectRefusedEverywhere(elsewhere, Date.now())
    for (const holder of here.holders) expect((await holder.request('GET', '/me')).status).toBe(200)
  })

  it('is refused on both instances within a second of the account being disabled', async () => {
    const session = await signInOnBothInstances('disabled')
    const admin = await database().admin()
    try {
      await admin.query('UPDATE limena.users SET disabled_at = now() WHERE id = $1', [userIds.get('disabled')])
    } finally {
      await admin.end()
    }
    await expectRefusedEverywhere(session, Date.now())
  })
})
