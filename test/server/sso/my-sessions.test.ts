/**
 * A user's own sessions through HTTP: each listed with how it was opened, when, from where and its
 * last use; ending one, or every other, revokes it at once (the next call with its access token is
 * 401, its refresh cookie too), writes `auth.session_ended` in the user's tenants' logs, and
 * leaves the caller's own session working. Nobody reaches another user's session.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { withOperatorRead } from '../../../src/server/db/with-operator.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, useTestServer } from '../../support/test-server.js'

const database = useTestDatabase()
const server = useTestServer(database)
const password = 'a password for the sessions test'
let tenantId: string

interface Listed {
  id: string
  current: boolean
  origin: { method: string; sso: null }
  createdAt: string
  lastUsedAt: string
  expiresAt: string
  ip: string | null
  userAgent: string | null
}

async function signIn(email: string, userAgent: string): Promise<ApiClient> {
  const client = new ApiClient(server().url)
  const answer = await client.request<{ accessToken: string }>('POST', '/auth/login', {
    body: { email, password },
    auth: null,
    headers: { 'user-agent': userAgent },
  })
  expect(answer.status).toBe(200)
  client.accessToken = answer.body.accessToken
  return client
}

async function sessionsOf(client: ApiClient): Promise<Listed[]> {
  const answer = await client.request<{ items: Listed[] }>('GET', '/me/sessions')
  expect(answer.status).toBe(200)
  return answer.body.items
}

async function endedRows(): Promise<Array<{ target_id: string; metadata: Record<string, unknown> }>> {
  return withOperatorRead(
    database().pools,
    async (client) =>
      (
        await client.query<{ target_id: string; metadata: Record<string, unknown> }>(
          "SELECT target_id, metadata FROM audit_logs WHERE tenant_id = $1 AND action = 'auth.session_ended' ORDER BY seq",
          [tenantId],
        )
      ).rows,
  )
}

beforeAll(async () => {
  await createUser(database(), { email: 'sessions@example.test', password })
  await createUser(database(), { email: 'someone-else@example.test', password })
  const first = await signIn('sessions@example.test', 'first device')
  tenantId = (await first.request<{ id: string }>('POST', '/tenants', { body: { name: 'Sessions', slug: 'sessions' } })).body.id
})

describe("a user's own sessions", () => {
  let laptop: ApiClient
  let phone: ApiClient
  let tablet: ApiClient

  it('are listed with their origin, times, address and device, the current one marked', async () => {
    laptop = await signIn('sessions@example.test', 'laptop browser')
    phone = await signIn('sessions@example.test', 'phone app')
    const listed = await sessionsOf(laptop)
    expect(listed.length).toBe(3)
    const current = listed.filter((session) => session.current)
    expect(current).toHaveLength(1)
    expect(current[0]).toMatchObject({ origin: { method: 'password', sso: null }, ip: '127.0.0.1', userAgent: 'laptop browser' })
    expect(listed.map((session) => session.userAgent).sort()).toEqual(['first device', 'laptop browser', 'phone app'])
    for (const session of listed) expect(Date.parse(session.expiresAt)).toBeGreaterThan(Date.parse(session.lastUsedAt))
    expect(await sessionsOf(await signIn('someone-else@example.test', 'other'))).toHaveLength(1)
  })

  it('end one: its access token and refresh cookie are refused from the next call, and the end is audited', async () => {
    const phoneSession = (await sessionsOf(phone)).find((session) => session.current)!
    expect((await laptop.request('DELETE', `/me/sessions/${phoneSession.id}`)).status).toBe(204)
    expect((await phone.request('GET', '/me')).status).toBe(401)
    expect((await phone.request('POST', '/auth/refresh', { auth: null })).status).toBe(401)
    expect((await laptop.request('GET', '/me')).status).toBe(200)
    expect((await endedRows()).at(-1)).toMatchObject({
      target_id: phoneSession.id,
      metadata: { sessionId: phoneSession.id, current: false, method: 'password' },
    })
    expect((await sessionsOf(laptop)).map((session) => session.id)).not.toContain(phoneSession.id)
  })

  it("cannot end a session that is not the caller's, or one already ended", async () => {
    const other = await signIn('someone-else@example.test', 'other')
    const [othersSession] = await sessionsOf(other)
    expect((await laptop.request('DELETE', `/me/sessions/${othersSession!.id}`)).status).toBe(404)
    expect((await other.request('GET', '/me')).status).toBe(200)
    expect((await laptop.request('DELETE', `/me/sessions/${crypto.randomUUID()}`)).status).toBe(404)
  })

  it('end every other: all but the current are refused from the next call', async () => {
    tablet = await signIn('sessions@example.test', 'tablet')
    const before = await endedRows()
    const answer = await laptop.request<{ endedSessions: number }>('POST', '/me/sessions/end-others')
    expect(answer.status).toBe(200)
    expect(answer.body.endedSessions).toBe(2)
    expect((await tablet.request('GET', '/me')).status).toBe(401)
    expect((await laptop.request('GET', '/me')).status).toBe(200)
    expect(await sessionsOf(laptop)).toEqual([expect.objectContaining({ current: true, userAgent: 'laptop browser' })])
    expect((await endedRows()).length - before.length).toBe(2)
  })

  it('end the current one: that signs out', async () => {
    const [current] = await sessionsOf(laptop)
    expect((await laptop.request('DELETE', `/me/sessions/${current!.id}`)).status).toBe(204)
    expect((await laptop.request('GET', '/me')).status).toBe(401)
    expect((await endedRows()).at(-1)?.metadata).toMatchObject({ current: true })
  })
})
