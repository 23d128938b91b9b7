/**
 * @module member-repository
 * Rows of `memberships` joined with their users. Every query names the tenant as well as relying on RLS.
 */
import type { DbClient } from '../db/pools.js'

import type { TenantRole } from '@shared/permissions.js'

export type { TenantRole }

export interface MemberRow {
  tenant_id: string
  user_id: string
  email: string
  display_name: string | null
  role: TenantRole
  created_at: Date
}

export async function insertMembership(
  client: DbClient,
  membership: { tenantId: string; userId: string; role: TenantRole },
): Promise<void> {
  await client.query('INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)', [
    membership.tenantId,
    membership.userId,
    membership.role,
  ])
}

export async function listMembers(client: DbClient, tenantId: string): Promise<MemberRow[]> {
  const result = await client.query<MemberRow>(
    `SELECT m.tenant_id, m.user_id, u.email, u.display_name, m.role, m.created_at
       FROM memberships m JOIN users u ON u.id = m.user_id
      WHERE m.tenant_id = $1
      ORDER BY u.email`,
    [tenantId],
  )
  return result.rows
}

export interface UserMembershipRow {
  tenant_id: string
  tenant_slug: string
  role: TenantRole
}

/** The caller's own memberships across tenants: needs the transaction's `app.current_user_id`. */
export async function listUserMemberships(client: DbClient, userId: string): Promise<UserMembershipRow[]> {
  const result = await client.query<UserMembershipRow>(
    `SELECT m.tenant_id, t.slug AS tenant_slug, m.role
       FROM memberships m JOIN tenants t ON t.id = m.tenant_id
      WHERE m.user_id = $1 AND t.deleted_at IS NULL
      ORDER BY t.slug`,
    [userId],
  )
  return result.rows
}

export interface MembershipRow {
  user_id: string
  role: TenantRole
}

/** Every membership of the tenant, locked: role changes serialise, so the last owner cannot vanish in a race. */
export async function lockMemberships(client: DbClient, tenantId: string): Promise<MembershipRow[]> {
  const result = await client.query<MembershipRow>(
    'SELECT user_id, role FROM memberships WHERE tenant_id = $1 ORDER BY user_id FOR UPDATE',
    [tenantId],
  )
  return result.rows
}

const memberOf = (column: 'm.user_id' | 'u.email') =>
  `SELECT m.tenant_id, m.user_id, u.email, u.display_name, m.role, m.created_at
     FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.tenant_id = $1 AND ${column} = $2`

export async function findMember(client: DbClient, tenantId: string, userId: string): Promise<MemberRow | null> {
  return (await client.query<MemberRow>(memberOf('m.user_id'), [tenantId, userId])).rows[0] ?? null
}

export async function findMemberByEmail(client: DbClient, tenantId: string, email: string): Promise<MemberRow | null> {
  return (await client.query<MemberRow>(memberOf('u.email'), [tenantId, email])).rows[0] ?? null
}

export async function setMemberRole(client: DbClient, tenantId: string, userId: string, role: TenantRole): Promise<void> {
  await client.query('UPDATE memberships SET role = $3 WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId, role])
}

export async function deleteMembership(client: DbClient, tenantId: string, userId: string): Promise<void> {
  await client.query('DELETE FROM memberships WHERE tenant_id = $1 AND user_id = $2', [tenantId, userId])
}

export function memberToApi(row: MemberRow) {
  return { userId: row.user_id, email: row.email, displayName: row.display_name, role: row.role, joinedAt: row.created_at.toISOString() }
}
