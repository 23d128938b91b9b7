/**
 * @module user-session-repository
 * Rows of the global `user_sessions` table (migration 0013): one per session, that is per
 * refresh-token family, with how it was opened (its origin), when and from where, and when it was
 * last refreshed. Whether a session is still active is refresh_tokens' answer (a token of the
 * family neither revoked nor expired), which the revocation triggers and caches already follow.
 */
import type { SessionOrigin } from '@shared/contract.js'
import type { DbClient } from '../db/pools.js'

export interface UserSessionRow {
  id: string
  user_id: string
  method: SessionOrigin['method']
  sso_issuer: string | null
  sso_tenant_id: string | null
  sso_amr: string[]
  created_at: Date
  last_used_at: Date
  expires_at: Date
  created_ip: string | null
  created_user_agent: string | null
  last_ip: string | null
  last_user_agent: string | null
}

const columns = `id, user_id, method, sso_issuer, sso_tenant_id, sso_amr, created_at, last_used_at, expires_at,
  host(created_ip) AS created_ip, created_user_agent, host(last_ip) AS last_ip, last_user_agent`

/** How a stored session was opened. */
export function originOfRow(row: Pick<UserSessionRow, 'method' | 'sso_issuer' | 'sso_tenant_id' | 'sso_amr'>): SessionOrigin {
  return {
    method: row.method,
    sso: row.sso_issuer === null ? null : { issuer: row.sso_issuer, tenantId: row.sso_tenant_id, amr: row.sso_amr },
  }
}

interface Seen {
  ip: string | null
  userAgent: string | null
}

export async function insertUserSession(
  client: DbClient,
  session: { id: string; userId: string; origin: SessionOrigin; expiresAt: Date; seen: Seen },
): Promise<void> {
  await client.query(
    `INSERT INTO user_sessions (id, user_id, method, sso_issuer, sso_tenant_id, sso_amr, expires_at, created_ip, created_user_agent, last_ip, last_user_agent)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $9)`,
    [
      session.id,
      session.userId,
      session.origin.method,
      session.origin.sso?.issuer ?? null,
      session.origin.sso?.tenantId ?? null,
      session.origin.sso?.amr ?? [],
      session.expiresAt,
      session.seen.ip,
      session.seen.userAgent?.slice(0, 512) ?? null,
    ],
  )
}

/**
 * Records a refresh: last use, the new expiry, where from. A session opened before migration
 * 0013 has no row yet; it gets one, as a password session. Returns the session's origin.
 */
export async function touchUserSession(
  client: DbClient,
  session: { id: string; userId: string; expiresAt: Date; seen: Seen },
): Promise<SessionOrigin> {
  const userAgent = session.seen.userAgent?.slice(0, 512) ?? null
  const result = await client.query<UserSessionRow>(
    `INSERT INTO user_sessions (id, user_id, method, expires_at, created_ip, created_user_agent, last_ip, last_user_agent)
     VALUES ($1, $2, 'password', $3, $4, $5, $4, $5)
     ON CONFLICT (id) DO UPDATE SET last_used_at = now(), expires_at = EXCLUDED.expires_at,
                                    last_ip = EXCLUDED.last_ip, last_user_agent = EXCLUDED.last_user_agent
     RETURNING ${columns}`,
    [session.id, session.userId, session.expiresAt, session.seen.ip, userAgent],
  )
  return originOfRow(result.rows[0]!)
}

/**
 * The user's sessions that are still active (some refresh token of the family neither revoked nor
 * expired), newest first; only those from `ssoTenantId`'s provider when given.
 */
export async function listActiveUserSessions(client: DbClient, userId: string, ssoTenantId: string | null): Promise<UserSessionRow[]> {
  const result = await client.query<UserSessionRow>(
    `SELECT ${columns} FROM user_sessions s
      WHERE s.user_id = $1 AND ($2::uuid IS NULL OR s.sso_tenant_id = $2::uuid)
        AND EXISTS (SELECT 1 FROM refresh_tokens r
                     WHERE r.family_id = s.id AND r.user_id = s.user_id AND r.revoked_at IS NULL AND r.expires_at > now())
      ORDER BY s.created_at DESC, s.id`,
    [userId, ssoTenantId],
  )
  return result.rows
}

/** Ids of the active sessions a tenant's single sign-on opened: they end when it is removed. */
export async function activeSessionsFromTenantSso(client: DbClient, tenantId: string): Promise<Array<{ id: string; user_id: string }>> {
  const result = await client.query<{ id: string; user_id: string }>(
    `SELECT s.id, s.user_id FROM user_sessions s
      WHERE s.sso_tenant_id = $1
        AND EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.family_id = s.id AND r.revoked_at IS NULL AND r.expires_at > now())`,
    [tenantId],
  )
  return result.rows
}

export function userSessionToApi(row: UserSessionRow, currentSessionId: string) {
  return {
    id: row.id,
    current: row.id === currentSessionId,
    origin: originOfRow(row),
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    ip: row.last_ip ?? row.created_ip,
    userAgent: row.last_user_agent ?? row.created_user_agent,
  }
}
