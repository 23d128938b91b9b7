/**
 * A tenant's single sign-on settings through HTTP: owners only; the issuer discovered at save (a
 * problem naming the issuer and what failed otherwise; plain http only on loopback); the client
 * secret sealed with the tenant's key, never answered, logged, audited, or stored in clear in any
 * column of any table, and surviving `limena rotate-keys --encryption` (sign-in works after it, and
 * the row's key version moved); a domain claimed by one tenant only; every change audited with
 * its non-secret changes; removing ends the sessions it opened.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../../src/server/platform/log.js'
import { withOperatorRead } from '../../../src/server/db/with-operator.js'
import { resolveInstallSecrets } from '../../../src/server/secrets/install-secrets.js'
import { ensureCliBuilt, runLimena } from '../../support/cli.js'
import { cliEnvironmentFor } from '../../support/cli-environment.js'
import { startTestProvider, type TestProvider } from '../../support/oidc-provider.js'
import { signInWithSso, ssoCallbackPath } from '../../support/sso-app.js'
import { useTestDatabase } from '../../support/test-database.js'
import { startTestServer, type TestServer } from '../../support/test-server.js'
import { buildTenantWorld, type TenantWorld } from '../../support/tenant-world.js'

const database = useTestDatabase()
let server: TestServer
let provider: TestProvider
let world: TenantWorld
let dataDir: string
let logs = ''
const clientSecret = 'the-client-secret-of-config-tenant-a-0123456789'

const settings = (overrides: Record<string, unknown> = {}) => ({
  issuer: provider.issuer,
  clientId: provider.clientId,
  clientSecret,
  allowedDomains: ['config-a.test'],
  defaultRole: 'viewer',
  requireSso: false,
  ...overrides,
})

beforeAll(async () => {
  ensureCliBuilt()
  dataDir = await mkdtemp(join(tmpdir(), 'limena-sso-config-'))
  const install = { dataDir, store: 'file' as const, env: {} }
  const { secrets } = await resolveInstallSecrets(install)
  const logStream = new PassThrough()
  logStream.on('data', (chunk: Buffer) => (logs += chunk.toString()))
  server = await startTestServer(database(), {
    secrets,
    reloadEncryptionKeys: async () => (await resolveInstallSecrets(install)).secrets.encryptionKeys,
    log: createLogger({ level: 'debug', destination: logStream }),
  })
  world = await buildTenantWorld(database(), server, 'config')
  provider = await startTestProvider({
    redirectUri: `${server.url}${ssoCallbackPath}`,
    accounts: {
      owner: { email: 'config-owner@config-a.test', emailVerified: true },
      person: { email: 'person@config-a.test', emailVerified: true },
    },
    clientSecret,
  })
})

afterAll(async () => {
  await provider?.close()
  await server?.close()
})

async function auditOf(tenantId: string, action: string) {
  return withOperatorRead(
    database().pools,
    async (client) =>
      (
        await client.query<{
          changes: Record<string, { before: unknown; after: unknown }> | null
          metadata: Record<string, unknown>
          text: string
        }>('SELECT changes, metadata, row_to_json(l)::text AS text FROM audit_logs l WHERE tenant_id = $1 AND action = $2 ORDER BY seq', [
          tenantId,
          action,
        ])
      ).rows,
  )
}

describe("a tenant's single sign-on settings", () => {
  it('are refused to every role but owner', async () => {
    for (const role of ['admin', 'member', 'viewer'] as const) {
      expect((await world.clients[role].request('GET', `/tenants/${world.tenantA}/sso`)).status, role).toBe(403)
      expect((await world.clients[role].request('PUT', `/tenants/${world.tenantA}/sso`, { body: settings() })).status, role).toBe(403)
    }
  })

  it('refuse an issuer that is not https beyond loopback, or whose discovery fails, naming it and what failed', async () => {
    const plain = await world.clients.owner.request<{ detail: string }>('PUT', `/tenants/${world.tenantA}/sso`, {
      body: settings({ issuer: 'http://idp.example.test' }),
    })
    expect(plain.status).toBe(400)
    expect(plain.body.detail).toMatch(/http:\/\/idp\.example\.test must use https/)
    const nothing = await world.clients.owner.request<{ detail: string }>('PUT', `/tenants/${world.tenantA}/sso`, {
      body: settings({ issuer: `${provider.issuer}/not-an-issuer` }),
    })
    expect(nothing.status).toBe(400)
    expect(nothing.body.detail).toContain(`${provider.issuer}/not-an-issuer did not answer its discovery document`)
    const firstWithoutSecret = await world.clients.owner.request('PUT', `/tenants/${world.tenantA}/sso`, {
      body: { ...settings(), clientSecret: undefined },
    })
    expect(firstWithoutSecret.status).toBe(400)
    expect((await world.clients.owner.request<{ sso: null }>('GET', `/tenants/${world.tenantA}/sso`)).body.sso).toBeNull()
  })

  it('are saved by the owner, answered without the secret, and audited without it', async () => {
    const saved = await world.clients.owner.request<Record<string, unknown>>('PUT', `/tenants/${world.tenantA}/sso`, { body: settings() })
    expect(saved.status, saved.text).toBe(200)
    expect(saved.body).toMatchObject({
      issuer: provider.issuer,
      clientId: provider.clientId,
      allowedDomains: ['config-a.test'],
      defaultRole: 'viewer',
      requireSso: false,
      redirectUri: `${server.url}${ssoCallbackPath}`,
      secretKeyVersion: 1,
    })
    const read = await world.clients.owner.request('GET', `/tenants/${world.tenantA}/sso`)
    expect(read.status).toBe(200)
    expect(read.body).toEqual({ sso: saved.body, redirectUri: `${server.url}${ssoCallbackPath}` })
    for (const answer of [saved, read]) expect(answer.text).not.toContain(clientSecret)
    const [configured] = await auditOf(world.tenantA, 'sso.configured')
    expect(configured!.metadata).toMatchObject({ secretChanged: true, created: true })
    expect(configured!.changes).toMatchObject({
      issuer: { before: null, after: provider.issuer },
      allowedDomains: { before: null, after: ['config-a.test'] },
    })
    expect(configured!.text).not.toContain(clientSecret)
  })

  it('audit a change old → new, with secretChanged false when the secret is kept', async () => {
    const changed = await world.clients.owner.request('PUT', `/tenants/${world.tenantA}/sso`, {
      body: { ...settings({ defaultRole: 'member', allowedDomains: ['config-a.test', 'config-a2.test'] }), clientSecret: undefined },
    })
    expect(changed.status, changed.text).toBe(200)
    const change = (await auditOf(world.tenantA, 'sso.configured')).at(-1)!
    expect(change.changes).toEqual({
      defaultRole: { before: 'viewer', after: 'member' },
      allowedDomains: { before: ['config-a.test'], after: ['config-a.test', 'config-a2.test'] },
    })
    expect(change.metadata).toMatchObject({ secretChanged: false })
    expect((await signInWithSso(server.url, { email: 'person@config-a.test' }, { login: 'person' })).answer.status).toBe(200)
  })

  it('refuse a domain another tenant claims, saying nothing of that tenant', async () => {
    const answer = await world.ownerB.request<{ detail: string }>('PUT', `/tenants/${world.tenantB}/sso`, {
      body: settings({ allowedDomains: ['config-b.test', 'config-a2.test'] }),
    })
    expect(answer.status).toBe(409)
    expect(answer.body.detail).toBe("config-a2.test is already used by another tenant's single sign-on")
    expect(answer.text).not.toContain(world.tenantA)
    expect((await world.ownerB.request<{ sso: null }>('GET', `/tenants/${world.tenantB}/sso`)).body.sso).toBeNull()
  })

  it('keep the secret in no column of any table in clear, nor in the logs', async () => {
    const admin = await database().admin()
    try {
      const columns = await admin.query<{ table_name: string; column_name: string; data_type: string }>(
        `SELECT table_name, column_name, data_type FROM information_schema.columns
          WHERE table_schema = 'limena' AND data_type IN ('text', 'character varying', 'bytea', 'jsonb', 'json', 'ARRAY')`,
      )
      expect(columns.rows.length).toBeGreaterThan(30)
      for (const column of columns.rows) {
        const condition =
          column.data_type === 'bytea'
            ? `position(convert_to($1, 'UTF8') in ${column.column_name}) > 0`
            : `position($1 in ${column.column_name}::text) > 0`
        const found = await admin.query(`SELECT 1 FROM limena.${column.table_name} WHERE ${condition} LIMIT 1`, [clientSecret])
        expect(found.rowCount, `${column.table_name}.${column.column_name}`).toBe(0)
      }
    } finally {
      await admin.end()
    }
    expect(logs.length).toBeGreaterThan(0)
    expect(logs).not.toContain(clientSecret)
  })

  it('keep working after rotate-keys --encryption, the secret sealed under the new version', async () => {
    const rotation = await runLimena(['rotate-keys', '--encryption', '--data-dir', dataDir], { env: cliEnvironmentFor(database()) })
    expect(rotation.stderr).toBe('')
    expect(rotation.code).toBe(0)
    expect(rotation.stdout).toContain('re-encrypted the single sign-on secret(s) of 1 tenant(s) under key version 2')
    const stored = await withOperatorRead(
      database().pools,
      async (client) =>
        (await client.query<{ key_version: number }>('SELECT key_version FROM tenant_sso WHERE tenant_id = $1', [world.tenantA])).rows,
    )
    expect(stored).toEqual([{ key_version: 2 }])
    const read = await world.clients.owner.request<{ sso: { secretKeyVersion: number } }>('GET', `/tenants/${world.tenantA}/sso`)
    expect(read.body.sso.secretKeyVersion).toBe(2)
    expect(await auditOf(world.tenantA, 'sso.reencrypted')).toHaveLength(1)
    const { answer } = await signInWithSso(server.url, { email: 'person@config-a.test' }, { login: 'person' })
    expect(answer.status, answer.text).toBe(200)
  })

  it('end the sessions they opened when removed, and audit the removal', async () => {
    const { client } = await signInWithSso(server.url, { email: 'person@config-a.test' }, { login: 'person' })
    expect((await client.request('GET', `/tenants/${world.tenantA}`)).status).toBe(200)
    const removed = await world.clients.owner.request('DELETE', `/tenants/${world.tenantA}/sso`)
    expect(removed.status).toBe(204)
    // Refused within the revocation mechanism's second (announced to every instance at commit).
    const removedAt = Date.now()
    let status = 0
    while (Date.now() - removedAt < 1000 && status !== 401) status = (await client.request('GET', `/tenants/${world.tenantA}`)).status
    expect(status).toBe(401)
    const [row] = await auditOf(world.tenantA, 'sso.removed')
    expect(row!.metadata).toMatchObject({ issuer: provider.issuer })
    expect(Number(row!.metadata.endedSessions)).toBeGreaterThanOrEqual(1)
    expect((await world.clients.owner.request<{ sso: null }>('GET', `/tenants/${world.tenantA}/sso`)).body.sso).toBeNull()
    expect((await world.clients.owner.request('DELETE', `/tenants/${world.tenantA}/sso`)).status).toBe(404)
    // Its domains are free again.
    expect(
      (await world.ownerB.request('PUT', `/tenants/${world.tenantB}/sso`, { body: settings({ allowedDomains: ['config-a2.test'] }) }))
        .status,
    ).toBe(200)
  })
})
