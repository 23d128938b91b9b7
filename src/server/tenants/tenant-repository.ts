/**
 * @module tenant-repository
 * Rows of `tenants`. Every query names the tenant as well as relying on RLS.
 */
import type { DbClient } from '../db/pools.js'

export interface TenantRow {
  id: string
  name: string
  slug: string
  created_at: Date
  updated_at: Date
  deleted_at: Date | null
  suspended_at: Date | null
}

export async function insertTenant(client: DbClient, tenant: { id: string; name: string; slug: string }): Promise<TenantRow> {
  const result = await client.query<TenantRow>('INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $3) RETURNING *', [
    tenant.id,
    tenant.name,
    tenant.slug,
  ])
  return result.rows[0]!
}

export async function findTenant(client: DbClient, tenantId: string): Promise<TenantRow | null> {
  const result = await client.query<TenantRow>('SELECT * FROM tenants WHERE id = $1 AND deleted_at IS NULL', [tenantId])
  return result.rows[0] ?? null
}

export interface TenantWithRoleRow extends TenantRow {
  role: 'owner' | 'admin' | 'member' | 'viewer'
}

/** Tenants `userId` belongs to: needs the transaction's `app.current_user_id`. */
export async function listTenantsOfUser(client: DbClient, userId: string): Promise<TenantWithRoleRow[]> {
  const result = await client.query<TenantWithRoleRow>(
    `SELECT t.*, m.role FROM memberships m JOIN tenants t ON t.id = m.tenant_id
      WHERE m.user_id = $1 AND t.deleted_at IS NULL ORDER BY t.name, t.id`,
    [userId],
  )
  return result.rows
}

export async function updateTenant(
  client: DbClient,
  tenantId: string,
  changes: { name?: string; slug?: string },
): Promise<TenantRow | null> {
  const result = await client.query<TenantRow>(
    `UPDATE tenants SET name = coalesce($2, name), slug = coalesce($3, slug), updated_at = now()
      WHERE id = $1 AND deleted_at IS NULL RETURNING *`,
    [tenantId, changes.name ?? null, changes.slug ?? null],
  )
  return result.rows[0] ?? null
}

export async function softDeleteTenant(client: DbClient, tenantId: string): Promise<boolean> {
  const result = await client.query('UPDATE tenants SET deleted_at = now(), updated_at = now() WHERE id = $1 AND deleted_at IS NULL', [
    tenantId,
  ])
  return result.rowCount === 1
}

export async function insertDefaultQuota(client: DbClient, tenantId: string): Promise<void> {
  await client.query('INSERT INTO ai_quotas (tenant_id) VALUES ($1) ON CONFLICT (tenant_id) DO NOTHING', [tenantId])
}

export function tenantToApi(row: TenantRow) {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    suspendedAt: row.suspended_at?.toISOString() ?? null,
  }
}
