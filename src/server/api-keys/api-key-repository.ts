/**
 * @module api-key-repository
 * Rows of `api_keys`. Lookup by hash runs without a tenant, under the `app.api_key_hash` setting
 * that lets exactly the matching row through RLS; everything else names the tenant.
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
}

const columns = 'id, tenant_id, name, prefix, scopes, created_at, last_used_at, revoked_at'

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
  key: { tenantId: string; name: string; prefix: string; hash: Buffer; scopes: string[]; createdBy: string | null },
): Promise<ApiKeyRow> {
  const result = await client.query<ApiKeyRow>(
    `INSERT INTO api_keys (tenant_id, name, prefix, key_hash, scopes, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${columns}`,
    [key.tenantId, key.name, key.prefix, key.hash, key.scopes, key.createdBy],
  )
  return result.rows[0]!
}

export async function listApiKeys(client: DbClient, tenantId: string): Promise<ApiKeyRow[]> {
  const result = await client.query<ApiKeyRow>(
    `SELECT ${columns} FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC`,
    [tenantId],
  )
  return result.rows
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
