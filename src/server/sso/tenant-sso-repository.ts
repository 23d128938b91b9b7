/**
 * @module tenant-sso-repository
 * Rows of `tenant_sso` and the tenant's rows of `sso_domains` (migration 0013). Every query names
 * the tenant as well as relying on RLS. The sealed client secret is selected only where it is
 * opened (a sign-in, a rotation), never for an answer.
 */
import type { TenantRole } from '@shared/permissions.js'
import type { DbClient } from '../db/pools.js'

export interface TenantSsoRow {
  tenant_id: string
  issuer: string
  client_id: string
  key_version: number
  default_role: Exclude<TenantRole, 'owner'>
  require_sso: boolean
  created_at: Date
  updated_at: Date
}

const columns = 'tenant_id, issuer, client_id, key_version, default_role, require_sso, created_at, updated_at'

export async function findTenantSso(client: DbClient, tenantId: string, options: { lock?: boolean } = {}): Promise<TenantSsoRow | null> {
  const result = await client.query<TenantSsoRow>(
    `SELECT ${columns} FROM tenant_sso WHERE tenant_id = $1${options.lock ? ' FOR UPDATE' : ''}`,
    [tenantId],
  )
  return result.rows[0] ?? null
}

export async function findTenantSsoSecret(
  client: DbClient,
  tenantId: string,
): Promise<(TenantSsoRow & { client_secret_ciphertext: Buffer }) | null> {
  const result = await client.query<TenantSsoRow & { client_secret_ciphertext: Buffer }>(
    `SELECT ${columns}, client_secret_ciphertext FROM tenant_sso WHERE tenant_id = $1`,
    [tenantId],
  )
  return result.rows[0] ?? null
}

export async function listTenantSsoDomains(client: DbClient, tenantId: string): Promise<string[]> {
  const result = await client.query<{ domain: string }>('SELECT domain FROM sso_domains WHERE tenant_id = $1 ORDER BY domain', [tenantId])
  return result.rows.map((row) => row.domain)
}

export async function saveTenantSso(
  client: DbClient,
  sso: {
    tenantId: string
    issuer: string
    clientId: string
    sealedSecret: { ciphertext: Buffer; keyVersion: number } | null
    defaultRole: TenantRole
    requireSso: boolean
    configuredBy: string | null
  },
): Promise<TenantSsoRow> {
  const settings = [sso.tenantId, sso.issuer, sso.clientId, sso.defaultRole, sso.requireSso, sso.configuredBy]
  // Without a new secret the row exists already (the first configuration must give one): the stored secret stays.
  const result = sso.sealedSecret
    ? await client.query<TenantSsoRow>(
        `INSERT INTO tenant_sso (tenant_id, issuer, client_id, default_role, require_sso, configured_by, client_secret_ciphertext, key_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (tenant_id) DO UPDATE SET
           issuer = EXCLUDED.issuer, client_id = EXCLUDED.client_id, default_role = EXCLUDED.default_role,
           require_sso = EXCLUDED.require_sso, configured_by = EXCLUDED.configured_by,
           client_secret_ciphertext = EXCLUDED.client_secret_ciphertext, key_version = EXCLUDED.key_version, updated_at = now()
         RETURNING ${columns}`,
        [...settings, sso.sealedSecret.ciphertext, sso.sealedSecret.keyVersion],
      )
    : await client.query<TenantSsoRow>(
        `UPDATE tenant_sso SET issuer = $2, client_id = $3, default_role = $4, require_sso = $5, configured_by = $6, updated_at = now()
          WHERE tenant_id = $1 RETURNING ${columns}`,
        settings,
      )
  return result.rows[0]!
}

/**
 * Makes `domains` the tenant's, dropping the others. Returns the domains another provider holds
 * already (a domain has one provider at most, by the table's primary key): none were claimed then.
 */
export async function replaceTenantSsoDomains(
  client: DbClient,
  tenantId: string,
  domains: readonly string[],
): Promise<{ taken: string[] }> {
  await client.query('DELETE FROM sso_domains WHERE tenant_id = $1 AND NOT (domain = ANY($2::text[]))', [tenantId, domains])
  const inserted = await client.query<{ domain: string }>(
    `INSERT INTO sso_domains (domain, tenant_id) SELECT d, $1 FROM unnest($2::text[]) AS d
     ON CONFLICT (domain) DO NOTHING RETURNING domain`,
    [tenantId, domains],
  )
  const ours = new Set([...inserted.rows.map((row) => row.domain), ...(await listTenantSsoDomains(client, tenantId))])
  return { taken: domains.filter((domain) => !ours.has(domain)) }
}

export async function deleteTenantSso(client: DbClient, tenantId: string): Promise<TenantSsoRow | null> {
  const result = await client.query<TenantSsoRow>(`DELETE FROM tenant_sso WHERE tenant_id = $1 RETURNING ${columns}`, [tenantId])
  return result.rows[0] ?? null
}

/** The sealed secret when under an older key version, locked for re-encryption. */
export async function lockTenantSsoSecretBelowVersion(
  client: DbClient,
  tenantId: string,
  version: number,
): Promise<{ client_secret_ciphertext: Buffer; key_version: number } | null> {
  const result = await client.query<{ client_secret_ciphertext: Buffer; key_version: number }>(
    'SELECT client_secret_ciphertext, key_version FROM tenant_sso WHERE tenant_id = $1 AND key_version < $2 FOR UPDATE',
    [tenantId, version],
  )
  return result.rows[0] ?? null
}

export async function replaceTenantSsoSecret(client: DbClient, tenantId: string, ciphertext: Buffer, keyVersion: number): Promise<void> {
  await client.query('UPDATE tenant_sso SET client_secret_ciphertext = $2, key_version = $3 WHERE tenant_id = $1', [
    tenantId,
    ciphertext,
    keyVersion,
  ])
}
