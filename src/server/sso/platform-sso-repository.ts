/**
 * @module platform-sso-repository
 * The platform's own identity provider (migration 0013): the one row of `platform_sso` and the
 * `sso_domains` rows without a tenant. limena_maintenance writes them (`limena sso configure
 * --platform`); limena_app reads them to sign operators in and to check operator routes.
 */
import type { DbClient } from '../db/pools.js'

export interface PlatformSsoRow {
  issuer: string
  client_id: string
  key_version: number
  require_for_operators: boolean
  trust_provider_mfa: boolean
  updated_at: Date
}

const columns = 'issuer, client_id, key_version, require_for_operators, trust_provider_mfa, updated_at'

export async function findPlatformSso(client: DbClient, options: { lock?: boolean } = {}): Promise<PlatformSsoRow | null> {
  const result = await client.query<PlatformSsoRow>(`SELECT ${columns} FROM platform_sso${options.lock ? ' FOR UPDATE' : ''}`)
  return result.rows[0] ?? null
}

export async function findPlatformSsoSecret(client: DbClient): Promise<(PlatformSsoRow & { client_secret_ciphertext: Buffer }) | null> {
  const result = await client.query<PlatformSsoRow & { client_secret_ciphertext: Buffer }>(
    `SELECT ${columns}, client_secret_ciphertext FROM platform_sso`,
  )
  return result.rows[0] ?? null
}

/** The platform provider's domains: read through sso_provider_of by limena_app, directly by limena_maintenance. */
export async function listPlatformSsoDomains(client: DbClient): Promise<string[]> {
  const result = await client.query<{ domain: string }>('SELECT domain FROM sso_domains WHERE tenant_id IS NULL ORDER BY domain')
  return result.rows.map((row) => row.domain)
}

export async function savePlatformSso(
  client: DbClient,
  sso: {
    issuer: string
    clientId: string
    ciphertext: Buffer
    keyVersion: number
    requireForOperators: boolean
    trustProviderMfa: boolean
  },
): Promise<PlatformSsoRow> {
  const result = await client.query<PlatformSsoRow>(
    `INSERT INTO platform_sso (issuer, client_id, client_secret_ciphertext, key_version, require_for_operators, trust_provider_mfa)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (only_row) DO UPDATE SET issuer = EXCLUDED.issuer, client_id = EXCLUDED.client_id,
       client_secret_ciphertext = EXCLUDED.client_secret_ciphertext, key_version = EXCLUDED.key_version,
       require_for_operators = EXCLUDED.require_for_operators, trust_provider_mfa = EXCLUDED.trust_provider_mfa, updated_at = now()
     RETURNING ${columns}`,
    [sso.issuer, sso.clientId, sso.ciphertext, sso.keyVersion, sso.requireForOperators, sso.trustProviderMfa],
  )
  return result.rows[0]!
}

/** Makes `domains` the platform provider's; returns those a tenant's provider holds already (none claimed then). */
export async function replacePlatformSsoDomains(client: DbClient, domains: readonly string[]): Promise<{ taken: string[] }> {
  await client.query('DELETE FROM sso_domains WHERE tenant_id IS NULL AND NOT (domain = ANY($1::text[]))', [domains])
  await client.query('INSERT INTO sso_domains (domain) SELECT unnest($1::text[]) ON CONFLICT (domain) DO NOTHING', [domains])
  const ours = new Set(await listPlatformSsoDomains(client))
  return { taken: domains.filter((domain) => !ours.has(domain)) }
}

export async function deletePlatformSso(client: DbClient): Promise<PlatformSsoRow | null> {
  await client.query('DELETE FROM sso_domains WHERE tenant_id IS NULL')
  const result = await client.query<PlatformSsoRow>(`DELETE FROM platform_sso RETURNING ${columns}`)
  return result.rows[0] ?? null
}

export async function replacePlatformSsoSecret(client: DbClient, ciphertext: Buffer, keyVersion: number): Promise<void> {
  await client.query('UPDATE platform_sso SET client_secret_ciphertext = $1, key_version = $2', [ciphertext, keyVersion])
}
