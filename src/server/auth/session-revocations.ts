/**
 * @module session-revocations
 * Whether the session an access token names (its `sid`, a refresh family) may still act: some
 * token of the family neither revoked nor expired, and its user not disabled. Without this an
 * access token outlives sign-out, reuse detection, an operator's revoke-sessions and a password
 * change by up to its 15 minutes — long enough to create an API key that never expires.
 *
 * Every request with an access token asks, so the answer is remembered per session and costs no
 * round trip; a LISTEN connection of its own forgets it when migration 0008's triggers announce a
 * change (NOTIFY at commit, heard by every instance on the database).
 * - Only a live listener makes a remembered answer trustworthy: while it is down, or its heartbeat
 *   goes unanswered, every check asks the database, and when it is back everything remembered is
 *   forgotten, since announcements may have been missed meanwhile.
 * - A lookup that started before an announcement can come back after it with what was true
 *   before. Every announcement bumps a generation; a lookup's answer is remembered only if the
 *   generation has not moved since it started.
 * - Remembered answers are bounded in number, and re-checked after `maxAgeMillis` regardless.
 * - Concurrent checks of one session share one lookup, so a forgotten session under load costs one
 *   query, not one per waiting request.
 */
import { PoolsClosedError, type DatabasePools, type DbPool, type NotificationListener } from '../db/pools.js'
import type { Logger } from '../platform/log.js'
import type { SessionRevocations as SessionCheck } from '../http/operation-context.js'

/** The channel of migration 0008; payloads are `session:<family id>` or `user:<user id>`. */
export const sessionRevokedChannel = 'limena_session_revoked'

export interface SessionRevocationSettings {
  /** Sessions remembered at most; the oldest is forgotten first. */
  cacheSize: number
  /** A remembered answer is checked again after this long, announced or not. */
  maxAgeMillis: number
  /** How often the quiet listening connection is asked to prove it is alive, and how long it has. */
  heartbeatMillis: number
  heartbeatTimeoutMillis: number
  /** Reconnection backoff: the first delay, doubled on each failure up to the maximum. */
  firstReconnectDelayMillis: number
  maxReconnectDelayMillis: number
}

export const defaultSessionRevocationSettings: SessionRevocationSettings = {
  cacheSize: 10_000,
  maxAgeMillis: 60_000,
  heartbeatMillis: 5_000,
  heartbeatTimeoutMillis: 2_000,
  firstReconnectDelayMillis: 100,
  maxReconnectDelayMillis: 5_000,
}

export interface SessionRevocationStats {
  /** Whether the listener is up, so remembered answers are used. */
  listening: boolean
  rememberedSessions: number
  /** Lookups sent to the database since the start. */
  databaseChecks: number
  /** Announcements heard since the start. */
  announcements: number
}

export interface SessionRevocations extends SessionCheck {
  isActive(session: { userId: string; sessionId: string }): Promise<boolean>
  stats(): SessionRevocationStats
  /** Stops listening; checks made afterwards ask the database. */
  close(): Promise<void>
}

interface RememberedSession {
  userId: string
  active: boolean
  /** Epoch millis after which the answer is looked up again. */
  recheckAt: number
}

interface PendingLookup {
  userId: string
  generation: number
  answer: Promise<boolean>
}

async function lookUpSession(pool: DbPool, sessionId: string, userId: string): Promise<Date | null> {
  const result = await pool.query<{ active_until: Date | null }>(
    `SELECT max(r.expires_at) AS active_until
       FROM refresh_tokens r JOIN users u ON u.id = r.user_id
      WHERE r.family_id = $1 AND r.user_id = $2 AND r.revoked_at IS NULL AND r.expires_at > now() AND u.disabled_at IS NULL`,
    [sessionId, userId],
  )
  return result.rows[0]?.active_until ?? null
}

export function createSessionRevocations(options: {
  pools: Pick<DatabasePools, 'app' | 'listen'>
  log: Logger
  settings?: Partial<SessionRevocationSettings>
}): SessionRevocations {
  const settings = { ...defaultSessionRevocationSettings, ...options.settings }
  const { log } = options
  const remembered = new Map<string, RememberedSession>()
  const pending = new Map<string, PendingLookup>()
  let generation = 0
  let listening = false
  let databaseChecks = 0
  let announcements = 0
  let closing = false
  let signalClosed: (reason: Error) => void = () => undefined
  const closed = new Promise<Error>((resolve) => (signalClosed = resolve))

  function forgetEverything(): void {
    generation += 1
    remembered.clear()
    pending.clear()
  }

  function forgetWhere(matches: (sessionId: string, userId: string) => boolean): void {
    generation += 1
    for (const [sessionId, entry] of remembered) if (matches(sessionId, entry.userId)) remembered.delete(sessionId)
    for (const [sessionId, lookup] of pending) if (matches(sessionId, lookup.userId)) pending.delete(sessionId)
  }

  function announced(_channel: string, payload: string): void {
    announcements += 1
    const separator = payload.indexOf(':')
    const kind = payload.slice(0, separator)
    const id = payload.slice(separator + 1)
    if (kind === 'session') forgetWhere((sessionId) => sessionId === id)
    else if (kind === 'user') forgetWhere((_sessionId, userId) => userId === id)
    else forgetEverything()
  }

  async function lookUp(sessionId: string, userId: string): Promise<{ active: boolean; recheckAt: number }> {
    const startedAt = Date.now()
    databaseChecks += 1
    const activeUntil = await lookUpSession(options.pools.app, sessionId, userId)
    const recheckAt = startedAt + settings.maxAgeMillis
    return activeUntil ? { active: true, recheckAt: Math.min(recheckAt, activeUntil.getTime()) } : { active: false, recheckAt }
  }

  function remember(sessionId: string, entry: RememberedSession): void {
    remembered.delete(sessionId)
    if (remembered.size >= settings.cacheSize) remembered.delete(remembered.keys().next().value!)
    remembered.set(sessionId, entry)
  }

  function lookUpAndRemember(sessionId: string, userId: string): Promise<boolean> {
    const startedIn = generation
    const answer = lookUp(sessionId, userId).then(({ active, recheckAt }) => {
      if (listening && generation === startedIn) remember(sessionId, { userId, active, recheckAt })
      return active
    })
    const lookup = { userId, generation: startedIn, answer }
    pending.set(sessionId, lookup)
    const settled = () => {
      if (pending.get(sessionId) === lookup) pending.delete(sessionId)
    }
    answer.then(settled, settled)
    return answer
  }

  function reconnectDelay(failures: number): number {
    const delay = Math.min(settings.maxReconnectDelayMillis, settings.firstReconnectDelayMillis * 2 ** (failures - 1))
    return delay * (0.75 + Math.random() * 0.5) // instances restarted together spread their reconnects
  }

  function pause(millis: number): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined
    return Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, millis).unref()))]).finally(() =>
      clearTimeout(timer),
    )
  }

  /** Connects, listens until the connection is lost, forgets, reconnects with backoff; until closed. */
  async function keepListening(): Promise<void> {
    let failures = 0
    while (!closing) {
      if (failures > 0) await pause(reconnectDelay(failures))
      if (closing) return
      let listener: NotificationListener
      try {
        listener = await options.pools.listen([sessionRevokedChannel], announced)
      } catch (error) {
        if (error instanceof PoolsClosedError) return
        failures += 1
        if (failures === 1)
          log.warn(
            { err: { message: (error as Error).message } },
            'cannot listen for session revocations: every access token is checked against the database until it can',
          )
        continue
      }
      if (closing) {
        await listener.close()
        return
      }
      // Announcements made before LISTEN took effect were missed: start from nothing remembered.
      forgetEverything()
      listening = true
      if (failures > 0) log.info('listening for session revocations again')
      const heartbeat = setInterval(() => {
        listener.ping(settings.heartbeatTimeoutMillis).catch(() => listener.close())
      }, settings.heartbeatMillis).unref()
      const reason = await Promise.race([listener.lost, closed])
      clearInterval(heartbeat)
      listening = false
      forgetEverything()
      await listener.close()
      if (closing) return
      log.warn(
        { err: { message: reason.message } },
        'lost the session revocation listener: every access token is checked against the database until it reconnects',
      )
      failures = 1
    }
  }

  // Should the loop ever fail, `listening` stays false: every check asks the database, which is safe.
  const running = keepListening().catch((error: Error) =>
    log.error({ err: { message: error.message } }, 'the session revocation listener stopped'),
  )

  return {
    async isActive({ userId, sessionId }) {
      if (!listening) return (await lookUp(sessionId, userId)).active
      const entry = remembered.get(sessionId)
      if (entry !== undefined && entry.userId === userId && Date.now() < entry.recheckAt) return entry.active
      const inFlight = pending.get(sessionId)
      if (inFlight !== undefined && inFlight.userId === userId && inFlight.generation === generation) return inFlight.answer
      return lookUpAndRemember(sessionId, userId)
    },
    forget(sessionIds) {
      const ended = new Set(sessionIds)
      if (ended.size > 0) forgetWhere((sessionId) => ended.has(sessionId))
    },
    stats: () => ({ listening, rememberedSessions: remembered.size, databaseChecks, announcements }),
    async close() {
      closing = true
      signalClosed(new Error('closed'))
      await running
    },
  }
}
