/**
 * @module user-repository
 * Rows of the global `users` table. Only the maintenance role may set `is_platform_admin`.
 */
import type { DbClient } from '../db/pools.js'

export interface UserRow {
  id: string
  email: string
  display_name: string | null
  password_hash: string
  is_platform_admin: boolean
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase()
}

export async function insertUser(client: DbClient, user: { email: string; passwordHash: string; displayName?: string }): Promise<UserRow> {
  const result = await client.query<UserRow>(
    'INSERT INTO users (email, password_hash, display_name) VALUES ($1, $2, $3) RETURNING id, email, display_name, password_hash, is_platform_admin',
    [normaliseEmail(user.email), user.passwordHash, user.displayName ?? null],
  )
  return result.rows[0]!
}

/** Creates a platform operator, or makes an existing user one and sets their password. */
export async function upsertPlatformOperator(
  client: DbClient,
  operator: { email: string; passwordHash: string },
): Promise<{ id: string; created: boolean }> {
  const email = normaliseEmail(operator.email)
  const existing = await client.query<{ id: string }>('SELECT id FROM users WHERE email = $1', [email])
  const existingId = existing.rows[0]?.id
  if (existingId) {
    await client.query('UPDATE users SET is_platform_admin = true, password_hash = $2, updated_at = now() WHERE id = $1', [
      existingId,
      operator.passwordHash,
    ])
    return { id: existingId, created: false }
  }
  const inserted = await client.query<{ id: string }>(
    'INSERT INTO users (id, email, password_hash, is_platform_admin) VALUES (gen_random_uuid(), $1, $2, true) RETURNING id',
    [email, operator.passwordHash],
  )
  return { id: inserted.rows[0]!.id, created: true }
}

export async function findUserByEmail(client: DbClient, email: string): Promise<UserRow | null> {
  const result = await client.query<UserRow>(
    'SELECT id, email, display_name, password_hash, is_platform_admin FROM users WHERE email = $1 AND disabled_at IS NULL',
    [normaliseEmail(email)],
  )
  return result.rows[0] ?? null
}

export async function findUserById(client: DbClient, userId: string): Promise<UserRow | null> {
  const result = await client.query<UserRow>(
    'SELECT id, email, display_name, password_hash, is_platform_admin FROM users WHERE id = $1 AND disabled_at IS NULL',
    [userId],
  )
  return result.rows[0] ?? null
}

export async function updatePasswordHash(client: DbClient, userId: string, passwordHash: string): Promise<void> {
  await client.query('UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1', [userId, passwordHash])
}
