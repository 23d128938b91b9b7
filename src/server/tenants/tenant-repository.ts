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
}

export async function insertTenant(client: DbClient, tenant: { id: string; name: string; slug: string }): Promise<TenantRow> {
  const result = await client.query<TenantRow>(
    'INSERT INTO tenants (id, name, slug) VALUES ($1, $2, $3) RETURNING *',
    [tenant.id, tenant.name, tenant.slug],
  )
  return result.rows[0]!
}

export async function findTenant(client: DbClient, tenantId: string): Promise<TenantRow | null> {
  const result = await client.query<TenantRow>('SELECT * FROM tenants WHERE id = $1 AND deleted_at IS NULL', [tenantId])
  return result.rows[0] ?? null
}
