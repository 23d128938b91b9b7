/**
 * @module refresh-token-repository
 * Rows of the global `refresh_tokens` table: only SHA-256 digests, grouped in families (one
 * family per sign-in), each token used at most once.
 */
import type { DbClient } from '../db/pools.js'

export interface RefreshTokenRow {
  id: string
  family_id: string
  user_id: string
  expires_at: Date
  used_at: Date | null
  revoked_at: Date | null
}

export async function insertRefreshToken(
  client: DbClient,
  token: { familyId: string; userId: string; tokenHash: Buffer; expiresAt: Date },
): Promise<void> {
  await client.query('INSERT INTO refresh_tokens (family_id, user_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)', [
    token.familyId,
    token.userId,
    token.tokenHash,
    token.expiresAt,
  ])
}

export async function findRefreshToken(client: DbClient, tokenHash: Buffer): Promise<RefreshTokenRow | null> {
  const result = await client.query<RefreshTokenRow>(
    'SELECT id, family_id, user_id, expires_at, used_at, revoked_at FROM refresh_tokens WHERE token_hash = $1',
    [tokenHash],
  )
  return result.rows[0] ?? null
}

/** Marks a token used; false when another request used (or revoked) it first. */
export async function markRefreshTokenUsed(client: DbClient, id: string): Promise<boolean> {
  const result = await client.query('UPDATE refresh_tokens SET used_at = now() WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL', [
    id,
  ])
  return result.rowCount === 1
}

export async function revokeRefreshFamily(client: DbClient, familyId: string, reason: string): Promise<number> {
  const result = await client.query(
    'UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $2 WHERE family_id = $1 AND revoked_at IS NULL',
    [familyId, reason],
  )
  return result.rowCount ?? 0
}

/** Revokes every family of a user, except `keepFamilyId` when given. Returns the families revoked. */
export async function revokeUserRefreshFamilies(client: DbClient, userId: string, reason: string, keepFamilyId?: string): Promise<number> {
  const result = await client.query<{ family_id: string }>(
    `UPDATE refresh_tokens SET revoked_at = now(), revoked_reason = $2
      WHERE user_id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR family_id <> $3::uuid)
      RETURNING family_id`,
    [userId, reason, keepFamilyId ?? null],
  )
  return new Set(result.rows.map((row) => row.family_id)).size
}
