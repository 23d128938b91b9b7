/**
 * @module provider-settings
 * A provider's settings as a sign-in needs them, client secret opened: a tenant's (read in its
 * transaction, under its row-level security) or the platform's. The secret lives only in memory
 * for the exchange with the identity provider; it is never logged, answered or audited.
 */
import type { TenantRole } from '@shared/permissions.js'
import { openSecret } from '../crypto/secret-box.js'
import { inTransaction, withTenant } from '../db/with-tenant.js'
import type { ServerDependencies } from '../http/operation-context.js'
import { findTenant } from '../tenants/tenant-repository.js'
import { findPlatformSsoSecret } from './platform-sso-repository.js'
import { platformSsoSecretContext, tenantSsoSecretContext } from './sso-secrets.js'
import { findTenantSsoSecret, listTenantSsoDomains } from './tenant-sso-repository.js'

export interface ProviderSettings {
  /** null: the platform's provider. */
  tenant: { id: string; name: string } | null
  issuer: string
  clientId: string
  clientSecret: string
  /** The role people who arrive by this provider get (a tenant's only). */
  defaultRole: Exclude<TenantRole, 'owner'> | null
}

export async function tenantProviderSettings(deps: ServerDependencies, tenantId: string): Promise<ProviderSettings | null> {
  const found = await withTenant(
    deps.pools.app,
    tenantId,
    async (client) => {
      const row = await findTenantSsoSecret(client, tenantId)
      const tenant = row ? await findTenant(client, tenantId) : null
      return row && tenant ? { row, tenant } : null
    },
    { readOnly: true },
  )
  if (!found) return null
  const key = await deps.keyring.byVersion(found.row.key_version)
  return {
    tenant: { id: found.tenant.id, name: found.tenant.name },
    issuer: found.row.issuer,
    clientId: found.row.client_id,
    clientSecret: openSecret(found.row.client_secret_ciphertext, key, tenantSsoSecretContext(tenantId)),
    defaultRole: found.row.default_role,
  }
}

export async function platformProviderSettings(deps: ServerDependencies): Promise<ProviderSettings | null> {
  const row = await inTransaction(deps.pools.app, { readOnly: true }, (client) => findPlatformSsoSecret(client))
  if (!row) return null
  const key = await deps.keyring.byVersion(row.key_version)
  return {
    tenant: null,
    issuer: row.issuer,
    clientId: row.client_id,
    clientSecret: openSecret(row.client_secret_ciphertext, key, platformSsoSecretContext),
    defaultRole: null,
  }
}

/** Whether the email's domain is one this provider signs in (read in the tenant's transaction, or the platform's rows). */
export async function domainAllowed(deps: ServerDependencies, tenantId: string | null, domain: string): Promise<boolean> {
  if (tenantId !== null) {
    const domains = await withTenant(deps.pools.app, tenantId, (client) => listTenantSsoDomains(client, tenantId), { readOnly: true })
    return domains.includes(domain)
  }
  const rows = await inTransaction(
    deps.pools.app,
    { readOnly: true },
    async (client) => (await client.query<{ platform: boolean }>('SELECT platform FROM sso_provider_of($1, NULL)', [domain])).rows,
  )
  return rows.some((row) => row.platform)
}
