/**
 * @module api-key-repository
 * Rows of `api_keys`. Lookup by hash runs without a tenant, under the `app.api_key_hash` setting
 * that lets exactly the matching row through RLS; everything else names the tenant. Times of
 * expiry and rolling come from the database's clock, like every other time of the row.
 */
import type { DbClient } from '../db/pools.js'

export interface ApiKeyRow {
  id: string
  tenant_id: string
  name: string
  prefix: string
  scopes: string[]
  created_at: Date
  last_used_at: Date | null
  revoked_at: Date | null
  expires_at: Date | null
  lifetime_days: 30 | 90 | 365 | null
  rolled_at: Date | null
  successor_id: string | null
  created_by: string | null
}

const columns =
  'id, tenant_id, name, prefix, scopes, created_at, last_used_at, revoked_at, expires_at, lifetime_days, rolled_at, successor_id, created_by'

/** Whether the key's expiry has passed at `now`. */
export function hasExpired(row: Pick<ApiKeyRow, 'expires_at'>, now: Date = new Date()): boolean {
  return row.expires_at !== null && row.expires_at.getTime() <= now.getTime()
}

export async function findApiKeyByHash(client: DbClient, keyHash: Buffer): Promise<ApiKeyRow | null> {
  const result = await client.query<ApiKeyRow>(`SELECT ${columns} FROM api_keys WHERE key_hash = $1`, [keyHash])
  return result.rows[0] ?? null
}

export async function touchApiKey(client: DbClient, tenantId: string, keyId: string): Promise<void> {
  await client.query(
    `UPDATE api_keys SET last_used_at = now()
      WHERE tenant_id = $1 AND id = $2 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
    [tenantId, keyId],
  )
}

export async function insertApiKey(
  client: DbClient,
  key: {
    tenantId: string
    name: string
    prefix: string
    hash: Buffer
    scopes: string[]
    createdBy: string | null
    /** Days until it expires, counted from now; null: never. */
    lifetimeDays: 30 | 90 | 365 | null
  },
): Promise<ApiKeyRow> {
  const result = await client.query<ApiKeyRow>(
    `INSERT INTO api_keys (tenant_id, name, prefix, key_hash, scopes, created_by, lifetime_days, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(days => $7)) RETURNING ${columns}`,
    [key.tenantId, key.name, key.prefix, key.hash, key.scopes, key.createdBy, key.lifetimeDays],
  )
  return result.rows[0]!
}

/**
 * A tenant's keys as its listing shows them: not revoked; an expired key stays (its owner sees
 * that it expired) unless it was rolled, when its successor stands in for it.
 */
export async function listApiKeys(client: DbClient, tenantId: string): Promise<ApiKeyRow[]> {
  const result = await client.query<ApiKeyRow>(
    `SELECT ${columns} FROM api_keys
      WHERE tenant_id = $1 AND revoked_at IS NULL AND NOT (rolled_at IS NOT NULL AND expires_at <= now())
      ORDER BY created_at DESC`,
    [tenantId],
  )
  return result.rows
}

/** A key that is not revoked, locked for a change (a roll); null if there is none. */
export async function lockApiKey(client: DbClient, tenantId: string, keyId: string): Promise<ApiKeyRow | null> {
  const result = await client.query<ApiKeyRow>(
    `SELECT ${columns} FROM api_keys WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL FOR UPDATE`,
    [tenantId, keyId],
  )
  return result.rows[0] ?? null
}

/**
 * Records that `keyId` was rolled into `successorId`: it stays valid for `graceHours` more, and
 * never beyond the expiry it had.
 */
export async function markApiKeyRolled(
  client: DbClient,
  tenantId: string,
  keyId: string,
  successorId: string,
  graceHours: number,
): Promise<ApiKeyRow> {
  const result = await client.query<ApiKeyRow>(
    `UPDATE api_keys
        SET rolled_at = now(), successor_id = $3,
            expires_at = least(coalesce(expires_at, 'infinity'), now() + make_interval(hours => $4))
      WHERE tenant_id = $1 AND id = $2 RETURNING ${columns}`,
    [tenantId, keyId, successorId, graceHours],
  )
  return result.rows[0]!
}

export async function revokeApiKey(client: DbClient, tenantId: string, keyId: string): Promise<ApiKeyRow | null> {
  const result = await client.query<ApiKeyRow>(
    `UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL RETURNING ${columns}`,
    [tenantId, keyId],
  )
  return result.rows[0] ?? null
}

/** The live keys a user created in a tenant: they go with the user's membership. */
export async function listKeysCreatedBy(client: DbClient, tenantId: string, userId: string): Promise<ApiKeyRow[]> {
  const result = await client.query<ApiKeyRow>(
    `SELECT ${columns} FROM api_keys WHERE tenant_id = $1 AND created_by = $2 AND revoked_at IS NULL ORDER BY created_at`,
    [tenantId, userId],
  )
  return result.rows
}

export async function setApiKeyScopes(client: DbClient, tenantId: string, keyId: string, scopes: string[]): Promise<void> {
  await client.query('UPDATE api_keys SET scopes = $3 WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL', [tenantId, keyId, scopes])
}
