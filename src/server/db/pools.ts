/**
 * @module pools
 * The only module that imports `pg`. One pool per database role, so every query runs with the
 * privileges of the role meant for it: `limena_app` (tenant work, under RLS), `limena_readonly`
 * (audited operator reads) and `limena_maintenance` (the few audited operator writes); and, for
 * LISTEN, dedicated limena_app connections outside the pools, which the pools' `close()` ends too.
 * Migrations connect with the admin URL (the owner of DATABASE_URL, or the embedded superuser).
 */
import { createHash } from 'node:crypto'
import pg from 'pg'
import type { DatabasePasswords } from '../secrets/install-secrets.js'

export type DbClient = pg.PoolClient
export type DbPool = pg.Pool
export type AdminClient = pg.Client
export type QueryResultRow = pg.QueryResultRow
export type QueryResult = pg.QueryResult

export const roleNames = {
  owner: 'limena_owner',
  app: 'limena_app',
  readonly: 'limena_readonly',
  maintenance: 'limena_maintenance',
  /** NOLOGIN owner of append_audit (migration 0009): the only role that may write audit rows. */
  auditWriter: 'limena_audit_writer',
  /** NOLOGIN owner of sso_provider_of (migration 0013): finds a provider by email domain or tenant slug before sign-in. */
  ssoDirectory: 'limena_sso_directory',
} as const

export const schemaName = 'limena'

export interface DatabasePools {
  app: DbPool
  readonly: DbPool
  maintenance: DbPool
  /**
   * A connection of its own (not from a pool: LISTEN lasts as long as the connection) as limena_app,
   * listening on `channels`. `close()` of the pools ends it too.
   */
  listen(channels: readonly string[], onNotification: NotificationHandler): Promise<NotificationListener>
  close(): Promise<void>
}

export type NotificationHandler = (channel: string, payload: string) => void

export interface NotificationListener {
  /** Settles once the connection is gone: lost (with the error), or closed. Never rejects. */
  readonly lost: Promise<Error>
  /** One round trip, to prove that a quiet connection is still alive; rejects after `timeoutMillis`. */
  ping(timeoutMillis: number): Promise<void>
  close(): Promise<void>
}

/** Thrown by `listen` once the pools are closed: whoever reconnects should stop. */
export class PoolsClosedError extends Error {
  constructor() {
    super('the database pools are closed')
    this.name = 'PoolsClosedError'
  }
}

export interface PoolOptions {
  /** Connections per pool; app gets this many, the operator pools a quarter (at least 2). */
  maxConnections?: number
  connectionTimeoutMillis?: number
  statementTimeoutMillis?: number
  onError?: (error: Error) => void
}

function roleUrl(databaseUrl: string, role: string, password: string): string {
  const url = new URL(databaseUrl)
  url.username = role
  url.password = password
  return url.toString()
}

/** Named statements one connection keeps; queries past the limit run unnamed. */
export const preparedStatementsPerConnection = 256

const statementNames = new Map<string, string>()

function statementNameOf(text: string): string {
  let name = statementNames.get(text)
  if (name === undefined) {
    name = `lmn_${createHash('sha256').update(text).digest('base64url').slice(0, 22)}`
    if (statementNames.size < 4 * preparedStatementsPerConnection) statementNames.set(text, name)
  }
  return name
}

/**
 * Runs each parameterised query as a named prepared statement of its connection, so PostgreSQL
 * plans it once per connection rather than on every call; under RLS, planning a short query can
 * cost more than running it. The name is a hash of the text, so one name never means two queries.
 */
function prepareParameterisedQueries(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown
  const prepared = new Set<string>()
  ;(client as { query: (...args: unknown[]) => unknown }).query = (config: unknown, values?: unknown, callback?: unknown) => {
    if (typeof config === 'string' && Array.isArray(values) && callback === undefined) {
      const name = statementNameOf(config)
      if (prepared.has(name) || prepared.size < preparedStatementsPerConnection) {
        prepared.add(name)
        return query({ name, text: config, values })
      }
    }
    return query(config, values, callback)
  }
}

function createRolePool(connectionString: string, role: string, max: number, options: PoolOptions): DbPool {
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: options.statementTimeoutMillis ?? 30_000,
    application_name: `limena:${role}`,
    options: `-c search_path=${schemaName}`,
  })
  // A client whose server went away emits 'error', idle or checked out; unheard, that would crash the
  // process (a database restart must not take the backend down). The query in flight still fails.
  pool.on('error', (error) => options.onError?.(error))
  pool.on('connect', (client) => {
    client.on('error', (error) => options.onError?.(error))
    prepareParameterisedQueries(client)
  })
  return pool
}

/** How long a closing listener waits for the server's goodbye before it cuts the socket. */
const listenerCloseMillis = 1_000

function cutConnection(client: pg.Client): void {
  const connection = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection
  connection?.stream?.destroy()
}

async function openListener(
  connectionString: string,
  channels: readonly string[],
  onNotification: NotificationHandler,
  options: PoolOptions,
): Promise<NotificationListener> {
  const client = new pg.Client({
    connectionString,
    connectionTimeoutMillis: options.connectionTimeoutMillis ?? 5_000,
    application_name: 'limena:listen',
    keepAlive: true,
    options: `-c search_path=${schemaName}`,
  })
  let reportLost: (error: Error) => void = () => undefined
  const lost = new Promise<Error>((resolve) => (reportLost = resolve))
  client.on('error', (error) => reportLost(error))
  client.on('end', () => reportLost(new Error('the listening connection ended')))
  client.on('notification', (message) => onNotification(message.channel, message.payload ?? ''))
  try {
    await client.connect()
    for (const channel of channels) await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`)
  } catch (error) {
    cutConnection(client)
    throw error
  }
  return {
    lost,
    async ping(timeoutMillis) {
      let timer: NodeJS.Timeout | undefined
      const timedOut = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`the listening connection did not answer in ${timeoutMillis} ms`)), timeoutMillis)
      })
      try {
        await Promise.race([client.query('SELECT 1'), timedOut])
      } finally {
        clearTimeout(timer)
      }
    },
    async close() {
      let timer: NodeJS.Timeout | undefined
      const ended = client.end().catch(() => undefined)
      await Promise.race([ended, new Promise<void>((resolve) => (timer = setTimeout(resolve, listenerCloseMillis)))])
      clearTimeout(timer)
      cutConnection(client)
    },
  }
}

export function createDatabasePools(databaseUrl: string, passwords: DatabasePasswords, options: PoolOptions = {}): DatabasePools {
  const max = options.maxConnections ?? 10
  const operatorMax = Math.max(2, Math.floor(max / 4))
  const appUrl = roleUrl(databaseUrl, roleNames.app, passwords.app)
  const app = createRolePool(appUrl, roleNames.app, max, options)
  const readonly = createRolePool(roleUrl(databaseUrl, roleNames.readonly, passwords.readonly), roleNames.readonly, operatorMax, options)
  const maintenance = createRolePool(
    roleUrl(databaseUrl, roleNames.maintenance, passwords.maintenance),
    roleNames.maintenance,
    operatorMax,
    options,
  )
  const listeners = new Set<NotificationListener>()
  let closed = false
  return {
    app,
    readonly,
    maintenance,
    async listen(channels, onNotification) {
      if (closed) throw new PoolsClosedError()
      const listener = await openListener(appUrl, channels, onNotification, options)
      if (closed) {
        await listener.close()
        throw new PoolsClosedError()
      }
      listeners.add(listener)
      void listener.lost.then(() => listeners.delete(listener))
      return listener
    },
    async close() {
      closed = true
      await Promise.all([app.end(), readonly.end(), maintenance.end(), ...[...listeners].map((listener) => listener.close())])
    },
  }
}

export async function connectAdmin(databaseUrl: string, connectionTimeoutMillis = 5_000): Promise<AdminClient> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis, application_name: 'limena:migrate' })
  client.on('error', () => undefined)
  await client.connect()
  return client
}

export function quoteIdentifier(name: string): string {
  return pg.escapeIdentifier(name)
}

export function quoteLiteral(value: string): string {
  return pg.escapeLiteral(value)
}

/** The database named by a connection URL. */
export function databaseNameOf(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, '')) || 'postgres'
}

export function withDatabaseName(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl)
  url.pathname = `/${encodeURIComponent(database)}`
  return url.toString()
}

/**
 * Cuts a client's connection (the server then rolls its transaction back). For a COPY TO that a
 * reader abandoned half-way: pg has no way to cancel it in-band, and the connection must not be
 * reused.
 */
export function abandonConnection(client: DbClient): void {
  // The client reports the cut as an error event; it is expected here, and unhandled it would crash the process.
  client.on('error', () => undefined)
  const connection = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection
  connection?.stream?.destroy()
}
