/**
 * The posture's keys, read live through HTTP: tenant API keys older than 90 days are counted
 * across every tenant (a guarantee that fails while any is left, with the oldest listed by
 * tenant, name, prefix and age), and the encryption keys are those of the running keyring, so
 * `limena rotate-keys --encryption` shows at once: the new version current, the old one retired,
 * and where the integration secrets are sealed.
 */
import { existsSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveInstallSecrets } from '../../../src/server/secrets/install-secrets.js'
import { ensureCliBuilt, runLimena } from '../../support/cli.js'
import { cliEnvironmentFor } from '../../support/cli-environment.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, startTestServer, type TestServer } from '../../support/test-server.js'
import { buildTenantWorld, type TenantWorld } from '../../support/tenant-world.js'

const database = useTestDatabase()
let server: TestServer
let world: TenantWorld
let operator: ApiClient
let dataDir: string

interface PostureAnswer {
  keys: Array<{
    kind: string
    id: string
    retired: boolean
    ageDays: number | null
    createdAt: string | null
    rotationDue: boolean
    sealedSecrets: number | null
  }>
  guarantees: Array<{ name: string; holds: boolean; detail: string }>
  apiKeys: {
    maxAgeDays: number
    live: number
    older: number
    tenants: number
    oldest: Array<{
      tenantId: string
      tenantName: string
      keyId: string
      name: string
      prefix: string
      createdAt: string
      ageDays: number
      lastUsedAt: string | null
      expiresAt: string | null
    }>
  }
}

const apiKeyGuarantee = 'Tenant API keys are younger than 90 days'

async function posture(): Promise<PostureAnswer> {
  const answer = await operator.request<PostureAnswer>('GET', '/admin/posture', { headers: { 'x-access-reason': 'posture key ages test' } })
  expect(answer.status).toBe(200)
  return answer.body
}

async function ageKeys(where: string, params: unknown[], days: number): Promise<void> {
  const admin = await database().admin()
  try {
    await admin.query(`UPDATE limena.api_keys SET created_at = created_at - make_interval(days => ${days}) WHERE ${where}`, params)
  } finally {
    await admin.end()
  }
}

beforeAll(async () => {
  // The CLI tests build out/ when it is missing; a build already there runs rotate-keys as it is.
  if (!existsSync(fileURLToPath(new URL('../../../out/main/cli.js', import.meta.url)))) ensureCliBuilt()
  dataDir = await mkdtemp(join(tmpdir(), 'limena-posture-keys-'))
  const install = { dataDir, store: 'file' as const, env: {} }
  const { secrets } = await resolveInstallSecrets(install)
  server = await startTestServer(database(), {
    secrets,
    reloadEncryptionKeys: async () => (await resolveInstallSecrets(install)).secrets.encryptionKeys,
  })
  world = await buildTenantWorld(database(), server, 'posture-keys')
  await createUser(database(), { email: 'posture-keys-ops@example.test', password: 'posture keys ops password', platformAdmin: true })
  operator = new ApiClient(server.url)
  await operator.login('posture-keys-ops@example.test', 'posture keys ops password')
})

afterAll(async () => {
  await server?.close()
})

describe('the posture counts tenant API keys older than 90 days', () => {
  it('holds while every live key is younger', async () => {
    const answer = await posture()
    expect(answer.guarantees.find((entry) => entry.name === apiKeyGuarantee)).toMatchObject({ holds: true })
    expect(answer.apiKeys).toMatchObject({ maxAgeDays: 90, older: 0, tenants: 0, oldest: [] })
    expect(answer.apiKeys.live).toBeGreaterThanOrEqual(7)
  })

  it('fails with the count across tenants and lists the old keys, oldest first; revoked, expired and deleted tenants’ keys do not count', async () => {
    await ageKeys("tenant_id = $1 AND name IN ('key tenant:read', 'key audit:read')", [world.tenantA], 120)
    await ageKeys('tenant_id = $1', [world.tenantB], 200)
    // Old, but revoked or expired: no longer a risk.
    const revoked = await world.clients.owner.request<{ id: string }>('POST', `/tenants/${world.tenantA}/api-keys`, {
      body: { name: 'old and revoked', scopes: ['tenant:read'], expiresInDays: null },
    })
    await world.clients.owner.request('DELETE', `/tenants/${world.tenantA}/api-keys/${revoked.body.id}`)
    const expired = await world.clients.owner.request<{ id: string }>('POST', `/tenants/${world.tenantA}/api-keys`, {
      body: { name: 'old and expired', scopes: ['tenant:read'], expiresInDays: 90 },
    })
    await ageKeys('id = ANY($1)', [[revoked.body.id, expired.body.id]], 150)
    const admin = await database().admin()
    await admin.query("UPDATE limena.api_keys SET expires_at = now() - interval '1 day' WHERE id = $1", [expired.body.id])
    // A deleted tenant's keys are dead already.
    const gone = await world.clients.outsider.request<{ id: string }>('POST', '/tenants', { body: { name: 'Gone', slug: 'posture-gone' } })
    await world.clients.outsider.request('POST', `/tenants/${gone.body.id}/api-keys`, {
      body: { name: 'gone key', scopes: ['tenant:read'] },
    })
    await ageKeys('tenant_id = $1', [gone.body.id], 300)
    await world.clients.outsider.request('DELETE', `/tenants/${gone.body.id}`)
    await admin.end()

    const answer = await posture()
    const guarantee = answer.guarantees.find((entry) => entry.name === apiKeyGuarantee)!
    expect(guarantee.holds).toBe(false)
    expect(guarantee.detail).toContain('3 keys older than 90 days across 2 tenants')
    expect(answer.apiKeys).toMatchObject({ older: 3, tenants: 2 })
    expect(answer.apiKeys.oldest.map((key) => [key.tenantName, key.name, key.ageDays])).toEqual([
      ['posture-keys B', 'key of B', 200],
      ['posture-keys A', 'key tenant:read', 120],
      ['posture-keys A', 'key audit:read', 120],
    ])
    expect(answer.apiKeys.oldest[0]!.prefix).toMatch(/^lmn_.{6}$/)
    expect(answer.apiKeys.oldest[0]!.tenantId).toBe(world.tenantB)
  })
})

describe('the posture after rotate-keys --encryption', () => {
  it('shows the new version as current and the old one retired, with where the secrets are sealed, without a restart', async () => {
    const connected = await world.clients.owner.request('POST', `/tenants/${world.tenantA}/integrations`, {
      body: { provider: 'slack', label: 'posture workspace', secret: 'xoxb-posture' },
    })
    expect(connected.status).toBe(201)
    const before = (await posture()).keys.filter((key) => key.kind === 'encryption')
    expect(before).toEqual([expect.objectContaining({ id: 'v1', retired: false, sealedSecrets: 1 })])

    const rotation = await runLimena(['rotate-keys', '--encryption', '--data-dir', dataDir], { env: cliEnvironmentFor(database()) })
    expect(rotation.stderr).toBe('')
    expect(rotation.code).toBe(0)

    const after = (await posture()).keys.filter((key) => key.kind === 'encryption')
    expect(after).toEqual([
      expect.objectContaining({ id: 'v1', retired: true, sealedSecrets: 0 }),
      expect.objectContaining({ id: 'v2', retired: false, sealedSecrets: 1, ageDays: 0, createdAt: expect.stringMatching(/^\d{4}-/) }),
    ])
  })
})
