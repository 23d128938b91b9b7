/**
 * @module reencrypt-secrets
 * After a new master key version is stored: every integration secret under an older version is
 * opened and sealed again under the new one, tenant by tenant, each tenant in one transaction
 * (rows locked) with an audit row. Servers that sealed with their cached key meanwhile are caught
 * by repeating the pass until none is left.
 */
import { writeAudit } from '../audit/audit-writer.js'
import { masterKeyBytes } from '../crypto/derive-key.js'
import { openSecret, sealSecret } from '../crypto/secret-box.js'
import type { DatabasePools } from '../db/pools.js'
import { withOperatorRead } from '../db/with-operator.js'
import { withTenant } from '../db/with-tenant.js'
import type { EncryptionKey } from '../secrets/install-secrets.js'
import { lockSecretsBelowVersion, replaceSecret } from './integration-repository.js'
import { integrationSecretPurpose } from './integration-routes.js'

export async function reencryptIntegrationSecrets(
  pools: DatabasePools,
  keys: EncryptionKey[],
  targetVersion: number,
  options: { passes?: number; pauseMillis?: number } = {},
): Promise<{ reencrypted: number; tenants: number }> {
  const target = keys.find((key) => key.version === targetVersion)
  if (!target) throw new Error(`no encryption key of version ${targetVersion}`)
  const keyOf = (version: number): Buffer => {
    const key = keys.find((candidate) => candidate.version === version)
    if (!key) throw new Error(`a secret is sealed under key version ${version}, which this install no longer has`)
    return masterKeyBytes(key.key)
  }
  let reencrypted = 0
  const touchedTenants = new Set<string>()
  for (let pass = 0; pass < (options.passes ?? 5); pass += 1) {
    const tenants = await withOperatorRead(pools, async (client) =>
      (
        await client.query<{ tenant_id: string }>('SELECT DISTINCT tenant_id FROM integrations WHERE key_version < $1', [targetVersion])
      ).rows.map((row) => row.tenant_id),
    )
    if (tenants.length === 0) break
    for (const tenantId of tenants) {
      const count = await withTenant(pools.app, tenantId, async (client) => {
        const rows = await lockSecretsBelowVersion(client, tenantId, targetVersion)
        for (const row of rows) {
          const context = { tenantId, purpose: integrationSecretPurpose }
          const plaintext = openSecret(row.secret_ciphertext, keyOf(row.key_version), context)
          await replaceSecret(
            client,
            tenantId,
            row.id,
            sealSecret(plaintext, { version: targetVersion, key: masterKeyBytes(target.key) }, context),
            targetVersion,
          )
        }
        if (rows.length > 0) {
          await writeAudit(client, {
            tenantId,
            action: 'integration.reencrypted',
            actor: { type: 'system', id: null, name: 'limena rotate-keys' },
            metadata: { secrets: rows.length, keyVersion: targetVersion },
          })
        }
        return rows.length
      })
      reencrypted += count
      touchedTenants.add(tenantId)
    }
    await new Promise((resolve) => setTimeout(resolve, options.pauseMillis ?? 1500))
  }
  return { reencrypted, tenants: touchedTenants.size }
}
