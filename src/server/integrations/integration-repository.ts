/**
 * @module integration-repository
 * Rows of `integrations`. The ciphertext is written and read only for sealing and rotation;
 * listings never select it.
 */
import type { DbClient } from '../db/pools.js'

export interface IntegrationRow {
  id: string
  tenant_id: string
  provider: 'slack' | 'jira' | 'github'
  label: string
  key_version: number
  connected_at: Date
}

const columns = 'id, tenant_id, provider, label, key_version, connected_at'

export async function insertIntegration(
  client: DbClient,
  integration: {
    id: string
    tenantId: string
    provider: string
    label: string
    ciphertext: Buffer
    keyVersion: number
    connectedBy: string | null
  },
): Promise<IntegrationRow> {
  const result = await client.query<IntegrationRow>(
    `INSERT INTO integrations (id, tenant_id, provider, label, secret_ciphertext, key_version, connected_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${columns}`,
    [
      integration.id,
      integration.tenantId,
      integration.provider,
      integration.label,
      integration.ciphertext,
      integration.keyVersion,
      integration.connectedBy,
    ],
  )
  return result.rows[0]!
}

export async function listIntegrations(client: DbClient, tenantId: string): Promise<IntegrationRow[]> {
  const result = await client.query<IntegrationRow>(`SELECT ${columns} FROM integrations WHERE tenant_id = $1 ORDER BY connected_at DESC`, [
    tenantId,
  ])
  return result.rows
}

export async function deleteIntegration(client: DbClient, tenantId: string, integrationId: string): Promise<IntegrationRow | null> {
  const result = await client.query<IntegrationRow>(`DELETE FROM integrations WHERE tenant_id = $1 AND id = $2 RETURNING ${columns}`, [
    tenantId,
    integrationId,
  ])
  return result.rows[0] ?? null
}

/** Sealed secrets of a tenant under an older key version, locked for re-encryption. */
export async function lockSecretsBelowVersion(
  client: DbClient,
  tenantId: string,
  version: number,
): Promise<Array<{ id: string; secret_ciphertext: Buffer; key_version: number }>> {
  const result = await client.query<{ id: string; secret_ciphertext: Buffer; key_version: number }>(
    'SELECT id, secret_ciphertext, key_version FROM integrations WHERE tenant_id = $1 AND key_version < $2 FOR UPDATE',
    [tenantId, version],
  )
  return result.rows
}

export async function replaceSecret(
  client: DbClient,
  tenantId: string,
  integrationId: string,
  ciphertext: Buffer,
  keyVersion: number,
): Promise<void> {
  await client.query('UPDATE integrations SET secret_ciphertext = $3, key_version = $4 WHERE tenant_id = $1 AND id = $2', [
    tenantId,
    integrationId,
    ciphertext,
    keyVersion,
  ])
}

export function integrationToApi(row: IntegrationRow) {
  return { id: row.id, provider: row.provider, label: row.label, connectedAt: row.connected_at.toISOString(), keyVersion: row.key_version }
}
