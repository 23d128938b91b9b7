/**
 * @module reencrypt-sso-secrets
 * After `rotate-keys --encryption` stores a new master key version: every tenant's single sign-on
 * client secret under an older version is opened and sealed again under the new one, each tenant
 * in one transaction (row locked) with an `sso.reencrypted` row in its log, and the platform's
 * provider secret likewise (as limena_maintenance, with a platform audit row). Servers that sealed
 * with their cached key meanwhile are caught by repeating the pass, as for integration secrets.
 */
import { writeAudit } from '../audit/audit-writer.js'
import { writePlatformAudit } from '../audit/platform-audit-writer.js'
import { masterKeyBytes } from '../crypto/derive-key.js'
import { openSecret, sealSecret } from '../crypto/secret-box.js'
import type { DatabasePools } from '../db/pools.js'
import { withMaintenance, withOperatorRead } from '../db/with-operator.js'
import { withTenant } from '../db/with-tenant.js'
import type { EncryptionKey } from '../secrets/install-secrets.js'
import { replacePlatformSsoSecret } from './platform-sso-repository.js'
import { platformSsoSecretContext, tenantSsoSecretContext } from './sso-secrets.js'
import { lockTenantSsoSecretBelowVersion, replaceTenantSsoSecret } from './tenant-sso-repository.js'

const actor = { type: 'system' as const, id: null, name: 'limena rotate-keys' }

export async function reencryptSsoSecrets(
  pools: DatabasePools,
  keys: EncryptionKey[],
  targetVersion: number,
  options: { passes?: number; pauseMillis?: number } = {},
): Promise<{ tenants: number; platform: boolean }> {
  const target = keys.find((key) => key.version === targetVersion)
  if (!target) throw new Error(`no encryption key of version ${targetVersion}`)
  const newKey = { version: targetVersion, key: masterKeyBytes(target.key) }
  const keyOf = (version: number): Buffer => {
    const key = keys.find((candidate) => candidate.version === version)
    if (!key) throw new Error(`a single sign-on secret is sealed under key version ${version}, which this install no longer has`)
    return masterKeyBytes(key.key)
  }
  const touchedTenants = new Set<string>()
  let platform = false
  for (let pass = 0; pass < (options.passes ?? 5); pass += 1) {
    const stale = await withOperatorRead(pools, async (client) => ({
      tenants: (
        await client.query<{ tenant_id: string }>('SELECT tenant_id FROM tenant_sso WHERE key_version < $1', [targetVersion])
      ).rows.map((row) => row.tenant_id),
      platform: ((await client.query('SELECT 1 FROM platform_sso WHERE key_version < $1', [targetVersion])).rowCount ?? 0) > 0,
    }))
    if (stale.tenants.length === 0 && !stale.platform) break
    for (const tenantId of stale.tenants) {
      await withTenant(pools.app, tenantId, async (client) => {
        const row = await lockTenantSsoSecretBelowVersion(client, tenantId, targetVersion)
        if (!row) return
        const context = tenantSsoSecretContext(tenantId)
        const plaintext = openSecret(row.client_secret_ciphertext, keyOf(row.key_version), context)
        await replaceTenantSsoSecret(client, tenantId, sealSecret(plaintext, newKey, context), targetVersion)
        await writeAudit(client, { tenantId, action: 'sso.reencrypted', actor, metadata: { keyVersion: targetVersion } })
        touchedTenants.add(tenantId)
      })
    }
    if (stale.platform) {
      await withMaintenance(pools, undefined, async (client) => {
        const row = (
          await client.query<{ client_secret_ciphertext: Buffer; key_version: number }>(
            'SELECT client_secret_ciphertext, key_version FROM platform_sso WHERE key_version < $1 FOR UPDATE',
            [targetVersion],
          )
        ).rows[0]
        if (!row) return
        const plaintext = openSecret(row.client_secret_ciphertext, keyOf(row.key_version), platformSsoSecretContext)
        await replacePlatformSsoSecret(client, sealSecret(plaintext, newKey, platformSsoSecretContext), targetVersion)
        await writePlatformAudit(client, { action: 'platform.sso_reencrypted', actor, metadata: { keyVersion: targetVersion } })
        platform = true
      })
    }
    await new Promise((resolve) => setTimeout(resolve, options.pauseMillis ?? 1500))
  }
  return { tenants: touchedTenants.size, platform }
}
