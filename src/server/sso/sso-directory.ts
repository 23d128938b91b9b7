/**
 * @module sso-directory
 * Which identity provider signs in an email address (by its domain) or a tenant (by its slug),
 * before anyone is signed in: through `sso_provider_of` (migration 0013), a SECURITY DEFINER
 * function that returns only a live tenant's id, name, slug and issuer, or that the domain is the
 * platform's.
 */
import type { DbPool } from '../db/pools.js'
import { inTransaction } from '../db/with-tenant.js'

export type FoundProvider = { kind: 'tenant'; tenant: { id: string; name: string; slug: string }; issuer: string } | { kind: 'platform' }

/** The domain of an email address, lowercased (the contract has lowercased the address already). */
export function emailDomainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase()
}

export async function findProvider(pool: DbPool, by: { email?: string; tenant?: string }): Promise<FoundProvider | null> {
  const domain = by.email === undefined ? null : emailDomainOf(by.email)
  const rows = await inTransaction(pool, { readOnly: true }, async (client) => {
    const result = await client.query<{
      tenant_id: string | null
      tenant_name: string | null
      tenant_slug: string | null
      issuer: string | null
      platform: boolean
    }>('SELECT tenant_id, tenant_name, tenant_slug, issuer, platform FROM sso_provider_of($1, $2)', [domain, by.tenant ?? null])
    return result.rows
  })
  const tenantRow = rows.find((row) => !row.platform)
  if (tenantRow) {
    return {
      kind: 'tenant',
      tenant: { id: tenantRow.tenant_id!, name: tenantRow.tenant_name!, slug: tenantRow.tenant_slug! },
      issuer: tenantRow.issuer!,
    }
  }
  return rows.some((row) => row.platform) ? { kind: 'platform' } : null
}
