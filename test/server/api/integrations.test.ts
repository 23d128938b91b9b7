/**
 * Integration secrets at rest: never stored or returned in clear; per-tenant keys (the same
 * secret differs across tenants; a ciphertext moved to another tenant does not open); and
 * `limena rotate-keys --encryption` while the server runs: every secret re-sealed under the new
 * version, none left under the old, and the running server seals new ones with the new key.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { masterKeyBytes } from '../../../src/server/crypto/derive-key.js'
import { openSecret, SecretBoxError, sealedKeyVersion } from '../../../src/server/crypto/secret-box.js'
import { integrationSecretPurpose } from '../../../src/server/integrations/integration-routes.js'
import { resolveInstallSecrets } from '../../../src/server/secrets/install-secrets.js'
import { ensureCliBuilt, runLimena } from '../../support/cli.js'
import { cliEnvironmentFor } from '../../support/cli-environment.js'
import { useTestDatabase } from '../../support/test-database.js'
import { startTestServer, type TestServer } from '../../support/test-server.js'
import { buildTenantWorld, type TenantWorld } from '../../support/tenant-world.js'

const database = useTestDatabase()
let server: TestServer
let world: TenantWorld
let dataDir: string
const sharedSecret = 'xoxb-the-same-secret-in-two-tenants'

beforeAll(async () => {
  ensureCliBuilt()
  dataDir = await mkdtemp(join(tmpdir(), 'limena-integrations-'))
  const install = { dataDir, store: 'file' as const, env: {} }
  const { secrets } = await resolveInstallSecrets(install)
  server = await startTestServer(database(), {
    secrets,
    reloadEncryptionKeys: async () => (await resolveInstallSecrets(install)).secrets.encryptionKeys,
  })
  world = await buildTenantWorld(database(), server, 'crypt')
  for (const [client, tenantId] of [
    [world.clients.owner, world.tenantA],
    [world.ownerB, world.tenantB],
  ] as const) {
    const answer = await client.request('POST', `/tenants/${tenantId}/integrations`, {
      body: { provider: 'slack', label: 'main workspace', secret: sharedSecret },
    })
    expect(answer.status).toBe(201)
    expect(answer.text).not.toContain(sharedSecret)
  }
})

afterAll(async () => {
  await server.close()
})

async function storedSecrets(): Promise<Array<{ id: string; tenant_id: string; secret_ciphertext: Buffer; key_version: number }>> {
  const admin = await database().admin()
  try {
    return (await admin.query('SELECT id, tenant_id, secret_ciphertext, key_version FROM limena.integrations ORDER BY tenant_id')).rows
  } finally {
    await admin.end()
  }
}

async function currentKeys() {
  return (await resolveInstallSecrets({ dataDir, store: 'file', env: {} })).secrets.encryptionKeys
}

describe('integration secrets', () => {
  it('are stored sealed: the plaintext is nowhere in the database', async () => {
    const admin = await database().admin()
    const hits = await admin.query(
      "SELECT count(*)::int AS n FROM limena.integrations i WHERE position(convert_to($1, 'UTF8') IN i.secret_ciphertext) > 0 OR to_jsonb(i)::text LIKE '%' || $1 || '%'",
      [sharedSecret],
    )
    const audit = await admin.query("SELECT count(*)::int AS n FROM limena.audit_logs a WHERE to_jsonb(a)::text LIKE '%' || $1 || '%'", [
      sharedSecret,
    ])
    await admin.end()
    expect(hits.rows[0].n).toBe(0)
    expect(audit.rows[0].n).toBe(0)
  })

  it('are never returned, only provider, label and dates', async () => {
    const listing = await world.clients.owner.request<{ items: Array<Record<string, unknown>> }>(
      'GET',
      `/tenants/${world.tenantA}/integrations`,
    )
    expect(Object.keys(listing.body.items[0]!).sort()).toEqual(['connectedAt', 'id', 'keyVersion', 'label', 'provider'])
    expect(listing.text).not.toContain(sharedSecret)
  })

  it('encrypt the same secret differently in two tenants, and open only in their own tenant', async () => {
    const [a, b] = (await storedSecrets()).filter((row) => [world.tenantA, world.tenantB].includes(row.tenant_id))
    expect(a!.secret_ciphertext.equals(b!.secret_ciphertext)).toBe(false)
    const key = masterKeyBytes((await currentKeys())[0]!.key)
    expect(openSecret(a!.secret_ciphertext, key, { tenantId: a!.tenant_id, purpose: integrationSecretPurpose })).toBe(sharedSecret)
    expect(() => openSecret(a!.secret_ciphertext, key, { tenantId: b!.tenant_id, purpose: integrationSecretPurpose })).toThrow(
      SecretBoxError,
    )
    const tampered = Buffer.from(a!.secret_ciphertext)
    tampered[tampered.length - 1]! ^= 1
    expect(() => openSecret(tampered, key, { tenantId: a!.tenant_id, purpose: integrationSecretPurpose })).toThrow(SecretBoxError)
  })

  it('are re-encrypted by rotate-keys --encryption while the server runs', async () => {
    const before = await storedSecrets()
    expect(new Set(before.map((row) => row.key_version))).toEqual(new Set([1]))
    const rotation = await runLimena(['rotate-keys', '--encryption', '--data-dir', dataDir], { env: cliEnvironmentFor(database()) })
    expect(rotation.stderr).toBe('')
    expect(rotation.code).toBe(0)
    expect(rotation.stdout).toContain(`re-encrypted ${before.length} integration secret(s)`)
    const keys = await currentKeys()
    expect(keys.map((key) => key.version)).toEqual([1, 2])
    const after = await storedSecrets()
    expect(after.every((row) => row.key_version === 2 && sealedKeyVersion(row.secret_ciphertext) === 2)).toBe(true)
    for (const row of after) {
      expect(
        openSecret(row.secret_ciphertext, masterKeyBytes(keys[1]!.key), { tenantId: row.tenant_id, purpose: integrationSecretPurpose }),
      ).toBeTypeOf('string')
    }
    const newer = await world.clients.owner.request<{ keyVersion: number }>('POST', `/tenants/${world.tenantA}/integrations`, {
      body: { provider: 'github', label: 'after rotation', secret: 'ghp_after' },
    })
    expect(newer.status).toBe(201)
    expect(newer.body.keyVersion).toBe(2)
  })
})
