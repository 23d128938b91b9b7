/**
 * @module with-tenant
 * Runs tenant work in one transaction on one client, after a transaction-local
 * `set_config('app.current_tenant_id', $1, true)`: the setting ends with the transaction, so a
 * pooled connection never carries one tenant's identity into the next request. Row-level
 * security does the rest; repositories still filter by tenant, so isolation has two walls.
 */
import { quoteLiteral, type DbClient, type DbPool, type QueryResult, type QueryResultRow } from './pools.js'

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export class InvalidTenantIdError extends Error {
  constructor(value: string) {
    super(`not a tenant id: ${JSON.stringify(value.slice(0, 80))}`)
    this.name = 'InvalidTenantIdError'
  }
}

export interface TransactionSettings {
  /** `app.current_tenant_id`: the tenant whose rows are visible and writable. */
  tenantId?: string
  /** `app.current_user_id`: lets a user see their own memberships and tenants across tenants. */
  userId?: string
  /** `app.api_key_hash`: hex SHA-256 of a presented API key, to find that key's row only. */
  apiKeyHash?: string
  /** `app.invite_token_hash`: hex SHA-256 of a presented invitation token. */
  inviteTokenHash?: string
  /** `app.sso_state_hash`: hex SHA-256 of the state a single sign-on callback presents. */
  ssoStateHash?: string
  /** `app.sso_code_hash`: hex SHA-256 of the one-time code an app presents after single sign-on. */
  ssoCodeHash?: string
  readOnly?: boolean
  /**
   * A statement sent in the transaction's opening round trip, after the settings, so it already
   * runs under them; its rows are handed to the work. Values must be inlined with `quoteLiteral`.
   */
  firstStatement?: string
}

const settingNames = {
  tenantId: 'app.current_tenant_id',
  userId: 'app.current_user_id',
  apiKeyHash: 'app.api_key_hash',
  inviteTokenHash: 'app.invite_token_hash',
  ssoStateHash: 'app.sso_state_hash',
  ssoCodeHash: 'app.sso_code_hash',
} as const

/**
 * Thrown from transaction work whose writes must stand although the caller is answered with an
 * error (a refused AI call records its trip): the transaction commits, then `reason` is thrown.
 */
export class CommitThenReject extends Error {
  constructor(readonly reason: unknown) {
    super('commit, then reject')
    this.name = 'CommitThenReject'
  }
}

/**
 * One transaction with transaction-local settings; commits on success, rolls back on any other
 * throw. BEGIN, the settings and `firstStatement` travel in one simple-protocol round trip — this
 * runs on every request — so the values are inlined as quoted literals, never as SQL text.
 */
export async function inTransaction<T>(
  pool: DbPool,
  settings: TransactionSettings,
  work: (client: DbClient, firstRows: QueryResultRow[]) => Promise<T>,
): Promise<T> {
  for (const key of ['tenantId', 'userId'] as const) {
    const value = settings[key]
    if (value !== undefined && !uuidPattern.test(value)) throw new InvalidTenantIdError(value)
  }
  const opening = [settings.readOnly ? 'BEGIN READ ONLY' : 'BEGIN']
  const calls: string[] = []
  for (const [key, name] of Object.entries(settingNames) as Array<[keyof typeof settingNames, string]>) {
    const value = settings[key]
    if (value !== undefined) calls.push(`set_config('${name}', ${quoteLiteral(value)}, true)`)
  }
  if (calls.length > 0) opening.push(`SELECT ${calls.join(', ')}`)
  if (settings.firstStatement !== undefined) opening.push(settings.firstStatement)
  const client = await pool.connect()
  let broken = false
  try {
    const results = (await client.query(opening.join('; '))) as QueryResult | QueryResult[]
    const firstRows =
      settings.firstStatement === undefined ? [] : ((Array.isArray(results) ? results.at(-1)! : results).rows as QueryResultRow[])
    const result = await work(client, firstRows)
    await client.query('COMMIT')
    return result
  } catch (error) {
    if (error instanceof CommitThenReject) {
      await client.query('COMMIT')
      throw error.reason
    }
    try {
      await client.query('ROLLBACK')
    } catch {
      broken = true
    }
    throw error
  } finally {
    // A client whose rollback failed is in an unknown state: destroy it rather than reuse it.
    client.release(broken)
  }
}

export function withTenant<T>(
  pool: DbPool,
  tenantId: string,
  work: (client: DbClient, firstRows: QueryResultRow[]) => Promise<T>,
  settings: Omit<TransactionSettings, 'tenantId'> = {},
): Promise<T> {
  return inTransaction(pool, { ...settings, tenantId }, work)
}
