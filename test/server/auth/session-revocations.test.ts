/**
 * The session check behind every access token, against the real database and its real LISTEN
 * connection: a remembered answer costs no query; a revocation committed anywhere is heard;
 * while the listener is down every check asks the database; after it comes back nothing from
 * before is trusted; an answer looked up before a revocation but returned after its announcement
 * is not remembered; a listener that stops answering counts as down; the cache stays bounded.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  createSessionRevocations,
  type SessionRevocationSettings,
  type SessionRevocations,
} from '../../../src/server/auth/session-revocations.js'
import type { DatabasePools, DbPool } from '../../../src/server/db/pools.js'
import { silentLogger } from '../../../src/server/platform/log.js'
import { useTestDatabase } from '../../support/test-database.js'
import { createUser } from '../../support/test-server.js'

const database = useTestDatabase()
let userId: string
const started: SessionRevocations[] = []

beforeAll(async () => {
  userId = await createUser(database(), { email: 'revocations@example.test', password: 'revocations test password' })
})

afterEach(async () => {
  await Promise.all(started.splice(0).map((revocations) => revocations.close()))
})

/** A new active session (refresh family) of the test user. */
async function newSession(): Promise<{ userId: string; sessionId: string }> {
  const result = await database().pools.app.query<{ family_id: string }>(
    "INSERT INTO refresh_tokens (family_id, user_id, token_hash, expires_at) VALUES (gen_random_uuid(), $1, $2, now() + interval '1 day') RETURNING family_id",
    [userId, randomBytes(32)],
  )
  return { userId, sessionId: result.rows[0]!.family_id }
}

/** Revokes (or, with `revoked` false, restores) a session as the backend does: limena_app, committed. */
async function setRevoked(session: { sessionId: string }, revoked = true): Promise<void> {
  await database().pools.app.query(`UPDATE refresh_tokens SET revoked_at = ${revoked ? 'now()' : 'NULL'} WHERE family_id = $1`, [
    session.sessionId,
  ])
}

async function waitFor(condition: () => boolean, what: string, timeoutMillis = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMillis
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** The listener's database connection: its backend pid, from the server's side. */
async function listenerBackends(): Promise<number[]> {
  const admin = await database().admin()
  try {
    const result = await admin.query<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE application_name = 'limena:listen' AND datname = current_database()",
    )
    return result.rows.map((row) => row.pid)
  } finally {
    await admin.end()
  }
}

async function terminateListener(): Promise<void> {
  const admin = await database().admin()
  try {
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'limena:listen' AND datname = current_database()",
    )
  } finally {
    await admin.end()
  }
}

/**
 * The real app pool, except that the answer of the next query can be held back after the database
 * gave it: a lookup whose snapshot is older than what happens while it is held.
 */
function heldPool(): { pool: DbPool; holdNextAnswer(): () => void; answered(count: number): Promise<void> } {
  const realApp = database().pools.app
  let answeredCount = 0
  let handBack: Promise<void> | undefined
  const pool = Object.assign(Object.create(realApp) as DbPool, {
    query: async (...args: unknown[]) => {
      const result = await (realApp.query as (...a: unknown[]) => Promise<unknown>)(...args)
      answeredCount += 1
      const wait = handBack
      handBack = undefined
      if (wait) await wait
      return result
    },
  })
  return {
    pool,
    holdNextAnswer() {
      let release: () => void = () => undefined
      handBack = new Promise<void>((resolve) => (release = resolve))
      return release
    },
    answered: (count) => waitFor(() => answeredCount >= count, `${count} lookups have their answer`),
  }
}

interface Harness {
  revocations: SessionRevocations
  /** While false, the listener cannot connect: the database stays up, LISTEN does not. */
  allowListening(allowed: boolean): void
}

function start(settings: Partial<SessionRevocationSettings> = {}, app: DbPool = database().pools.app): Harness {
  let allowed = true
  const pools: Pick<DatabasePools, 'app' | 'listen'> = {
    app,
    listen: (channels, onNotification) =>
      allowed ? database().pools.listen(channels, onNotification) : Promise.reject(new Error('held down by the test')),
  }
  const revocations = createSessionRevocations({
    pools,
    log: silentLogger,
    settings: { firstReconnectDelayMillis: 10, maxReconnectDelayMillis: 50, ...settings },
  })
  started.push(revocations)
  return { revocations, allowListening: (value) => (allowed = value) }
}

async function startListening(settings: Partial<SessionRevocationSettings> = {}, app?: DbPool): Promise<Harness> {
  const harness = start(settings, app)
  await waitFor(() => harness.revocations.stats().listening, 'the listener is up')
  return harness
}

describe('session revocations', () => {
  it('answers a remembered session without a database round trip while the listener is up', async () => {
    const { revocations } = await startListening()
    const session = await newSession()
    expect(await revocations.isActive(session)).toBe(true)
    const checks = revocations.stats().databaseChecks
    for (let index = 0; index < 5; index += 1) expect(await revocations.isActive(session)).toBe(true)
    expect(revocations.stats().databaseChecks).toBe(checks)
    // Fifty concurrent checks of a session not remembered yet share one lookup.
    const other = await newSession()
    const answers = await Promise.all(Array.from({ length: 50 }, () => revocations.isActive(other)))
    expect(answers.every(Boolean)).toBe(true)
    expect(revocations.stats().databaseChecks).toBe(checks + 1)
  })

  it('hears a revocation committed by another connection and refuses the session at once', async () => {
    const { revocations } = await startListening()
    const session = await newSession()
    expect(await revocations.isActive(session)).toBe(true)
    const heard = revocations.stats().announcements
    await setRevoked(session)
    await waitFor(() => revocations.stats().announcements > heard, 'the revocation is announced', 1_000)
    expect(await revocations.isActive(session)).toBe(false)
  })

  it('refuses a session of another user, and one whose user is disabled', async () => {
    const { revocations } = await startListening()
    const session = await newSession()
    expect(await revocations.isActive({ ...session, userId: randomUUID() })).toBe(false)
    const disabledUser = await createUser(database(), { email: 'revocations-disabled@example.test', password: 'revocations test password' })
    const result = await database().pools.app.query<{ family_id: string }>(
      "INSERT INTO refresh_tokens (family_id, user_id, token_hash, expires_at) VALUES (gen_random_uuid(), $1, $2, now() + interval '1 day') RETURNING family_id",
      [disabledUser, randomBytes(32)],
    )
    const disabledSession = { userId: disabledUser, sessionId: result.rows[0]!.family_id }
    expect(await revocations.isActive(disabledSession)).toBe(true)
    const heard = revocations.stats().announcements
    await database().pools.app.query('UPDATE users SET disabled_at = now() WHERE id = $1', [disabledUser])
    await waitFor(() => revocations.stats().announcements > heard, 'the disabled user is announced', 1_000)
    expect(await revocations.isActive(disabledSession)).toBe(false)
  })

  it('asks the database on every check while the listener is down, so a revocation it cannot hear still counts', async () => {
    const harness = await startListening()
    const { revocations } = harness
    const session = await newSession()
    expect(await revocations.isActive(session)).toBe(true)
    harness.allowListening(false)
    await terminateListener()
    await waitFor(() => !revocations.stats().listening, 'the listener is down')
    const checks = revocations.stats().databaseChecks
    expect(await revocations.isActive(session)).toBe(true)
    expect(await revocations.isActive(session)).toBe(true)
    expect(revocations.stats().databaseChecks).toBe(checks + 2)
    await setRevoked(session) // announced, but nobody listens
    expect(await revocations.isActive(session)).toBe(false)
    await setRevoked(session, false)
    expect(await revocations.isActive(session)).toBe(true)
    expect(revocations.stats().databaseChecks).toBe(checks + 4)
    expect(revocations.stats().rememberedSessions).toBe(0)
  })

  it('trusts nothing from before the listener was lost once it is back: a revocation missed meanwhile counts', async () => {
    const harness = await startListening()
    const { revocations } = harness
    const session = await newSession()
    const untouched = await newSession()
    expect(await revocations.isActive(session)).toBe(true)
    expect(await revocations.isActive(untouched)).toBe(true)
    harness.allowListening(false)
    await terminateListener()
    await waitFor(() => !revocations.stats().listening, 'the listener is down')
    await setRevoked(session) // this announcement is lost
    harness.allowListening(true)
    await waitFor(() => revocations.stats().listening, 'the listener is back')
    expect(revocations.stats().rememberedSessions).toBe(0)
    expect(await revocations.isActive(session)).toBe(false)
    expect(await revocations.isActive(untouched)).toBe(true)
    expect(await listenerBackends()).toHaveLength(1)
  })

  it('does not remember an answer looked up before a revocation that arrives after its announcement', async () => {
    const held = heldPool()
    const { revocations } = await startListening({}, held.pool)
    const session = await newSession()
    const release = held.holdNextAnswer()
    const before = revocations.isActive(session)
    await held.answered(1) // "active", held back
    const heard = revocations.stats().announcements
    await setRevoked(session)
    await waitFor(() => revocations.stats().announcements > heard, 'the revocation is announced', 1_000)
    release()
    expect(await before).toBe(true) // it began before the revocation: either answer is fair
    expect(await revocations.isActive(session)).toBe(false)
  })

  it('does not remember an answer looked up while the listener was down that returns after it is back', async () => {
    const held = heldPool()
    const harness = await startListening({}, held.pool)
    const { revocations } = harness
    const session = await newSession()
    harness.allowListening(false)
    await terminateListener()
    await waitFor(() => !revocations.stats().listening, 'the listener is down')
    const release = held.holdNextAnswer()
    const before = revocations.isActive(session)
    await held.answered(1) // "active", held back
    await setRevoked(session) // this announcement is lost
    harness.allowListening(true)
    await waitFor(() => revocations.stats().listening, 'the listener is back')
    release()
    expect(await before).toBe(true)
    expect(await revocations.isActive(session)).toBe(false)
  })

  it.skipIf(Boolean(process.env.LIMENA_TEST_DATABASE_URL))(
    'counts a listener whose connection stops answering as down, and reconnects',
    async () => {
      const { revocations } = await startListening({ heartbeatMillis: 50, heartbeatTimeoutMillis: 100 })
      const session = await newSession()
      expect(await revocations.isActive(session)).toBe(true)
      const [backend] = await listenerBackends()
      // A frozen server process: the connection stays open and says nothing, as behind a dead network.
      process.kill(backend!, 'SIGSTOP')
      try {
        await waitFor(() => !revocations.stats().listening, 'the silent listener counts as down')
        const checks = revocations.stats().databaseChecks
        expect(await revocations.isActive(session)).toBe(true)
        expect(revocations.stats().databaseChecks).toBe(checks + 1)
      } finally {
        process.kill(backend!, 'SIGCONT')
      }
      await waitFor(() => revocations.stats().listening, 'a new listener is up')
    },
  )

  it('remembers at most cacheSize sessions', async () => {
    const { revocations } = await startListening({ cacheSize: 3 })
    const sessions = await Promise.all(Array.from({ length: 5 }, () => newSession()))
    for (const session of sessions) expect(await revocations.isActive(session)).toBe(true)
    expect(revocations.stats().rememberedSessions).toBe(3)
    // The newest are the ones remembered.
    const checks = revocations.stats().databaseChecks
    await revocations.isActive(sessions[4]!)
    expect(revocations.stats().databaseChecks).toBe(checks)
    await revocations.isActive(sessions[0]!)
    expect(revocations.stats().databaseChecks).toBe(checks + 1)
  })

  it('closes its connection, and checks after closing ask the database', async () => {
    const { revocations } = await startListening()
    const session = await newSession()
    expect(await revocations.isActive(session)).toBe(true)
    expect(await listenerBackends()).toHaveLength(1)
    await revocations.close()
    expect(revocations.stats().listening).toBe(false)
    const deadline = Date.now() + 2_000
    while ((await listenerBackends()).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(await listenerBackends()).toHaveLength(0)
    const checks = revocations.stats().databaseChecks
    expect(await revocations.isActive(session)).toBe(true)
    expect(revocations.stats().databaseChecks).toBe(checks + 1)
  })
})
