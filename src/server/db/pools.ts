/**
 * @module pools
 * The only module that imports `pg`. One pool per database role, so every query runs with the
 * privileges of the role meant for it: `limena_app` (tenant work, under RLS), `limena_readonly`
 * (audited operator reads) and `limena_maintenance` (the few audited operator writes).
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
} as const

export const schemaName = 'limena'

export interface DatabasePools {
  app: DbPool
  readonly: DbPool
  maintenance: DbPool
  close(): Promise<void>
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

export function createDatabasePools(databaseUrl: string, passwords: DatabasePasswords, options: PoolOptions = {}): DatabasePools {
  const max = options.maxConnections ?? 10
  const operatorMax = Math.max(2, Math.floor(max / 4))
  const app = createRolePool(roleUrl(databaseUrl, roleNames.app, passwords.app), roleNames.app, max, options)
  const readonly = createRolePool(roleUrl(databaseUrl, roleNames.readonly, passwords.readonly), roleNames.readonly, operatorMax, options)
  const maintenance = createRolePool(
    roleUrl(databaseUrl, roleNames.maintenance, passwords.maintenance),
    roleNames.maintenance,
    operatorMax,
    options,
  )
  return {
    app,
    readonly,
    maintenance,
    async close() {
      await Promise.all([app.end(), readonly.end(), maintenance.end()])
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
