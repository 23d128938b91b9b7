/**
 * The database stops in the middle of a load: requests answer 503 problem+json quickly, none
 * hangs, no mutation is half-written (every API key has its audit row and every audit row its
 * key; the chain verifies), and service comes back by itself when the database returns.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '../../src/server/app.js'
import { verifyAuditChains } from '../../src/server/audit/verify-audit.js'
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/server/db/embedded-postgres.js'
import { ensureDatabase, migrate } from '../../src/server/db/migrate.js'
import { connectAdmin, createDatabasePools, withDatabaseName, type DatabasePools } from '../../src/server/db/pools.js'
import { withOperatorRead } from '../../src/server/db/with-operator.js'
import { listen, type ListeningServer } from '../../src/server/http-server.js'
import { createLogger, silentLogger } from '../../src/server/platform/log.js'
import { generateInstallSecrets } from '../../src/server/secrets/install-secrets.js'
import { createServerDependencies } from '../../src/server/server-dependencies.js'
import { hashPassword } from '../../src/server/crypto/passwords.js'
import { testPasswords } from '../support/test-settings.js'
import { ApiClient } from '../support/test-server.js'

let dataDir: string
let embedded: EmbeddedDatabase
let pools: DatabasePools
let server: ListeningServer
let databaseUrl: string
let tenantId: string
let owner: ApiClient
const requestBudgetMillis = 8_000

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'limena-outage-'))
  embedded = await startEmbeddedPostgres({ dataDir, superuserPassword: testPasswords.embeddedSuperuser, log: silentLogger })
  await ensureDatabase(embedded.adminUrl, 'limena')
  databaseUrl = withDatabaseName(embedded.adminUrl, 'limena')
  await migrate({ adminUrl: databaseUrl, passwords: testPasswords })
  pools = createDatabasePools(databaseUrl, testPasswords, { maxConnections: 10, connectionTimeoutMillis: 2_000 })
  const deps = createServerDependencies({
    pools,
    secrets: await generateInstallSecrets(),
    log: process.env.OUTAGE_DEBUG ? createLogger({ level: 'error' }) : silentLogger,
    tls: false,
    requestsPerMinute: 0,
  })
  server = await listen(createApp(deps), { host: '127.0.0.1', port: 0 })
  const admin = await connectAdmin(databaseUrl)
  await admin.query("INSERT INTO limena.users (email, password_hash) VALUES ('outage@example.test', $1)", [
    await hashPassword('outage password 1'),
  ])
  await admin.end()
  owner = new ApiClient(server.url)
  await owner.login('outage@example.test', 'outage password 1')
  tenantId = (await owner.request<{ id: string }>('POST', '/tenants', { body: { name: 'Outage Co', slug: 'outage-co' } })).body.id
}, 120_000)

afterAll(async () => {
  await server?.close()
  await pools?.close()
  await embedded?.stop()
})

interface Outcome {
  status: number
  millis: number
  problemJson: boolean
  at: number
}

describe('database outage under load', () => {
  it('answers 503 quickly while the database is down, writes nothing half-way, and recovers by itself', async () => {
    const outcomes: Outcome[] = []
    const started = Date.now()
    const deadline = started + 12_000
    let stoppedAt = 0
    let restartedAt = 0
    const worker = async (index: number) => {
      const client = new ApiClient(server.url)
      client.accessToken = owner.accessToken
      client.cookies.set('csrf', owner.cookies.get('csrf')!)
      for (let round = 0; Date.now() < deadline; round += 1) {
        const begin = Date.now()
        const answer =
          round % 2 === 0
            ? await client.request('POST', `/tenants/${tenantId}/api-keys`, {
                body: { name: `load ${index}-${round}`, scopes: ['tenant:read'] },
              })
            : await client.request('GET', `/tenants/${tenantId}/members`)
        outcomes.push({
          status: answer.status,
          millis: Date.now() - begin,
          problemJson: /application\/problem\+json/.test(answer.headers.get('content-type') ?? ''),
          at: begin,
        })
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }
    const load = Promise.all(Array.from({ length: 12 }, (_, index) => worker(index)))
    await new Promise((resolve) => setTimeout(resolve, 2_500))
    await embedded.stop()
    stoppedAt = Date.now()
    await new Promise((resolve) => setTimeout(resolve, 3_000))
    const restartBegan = Date.now()
    embedded = await startEmbeddedPostgres({
      dataDir,
      superuserPassword: testPasswords.embeddedSuperuser,
      log: silentLogger,
      port: embedded.port,
    })
    restartedAt = Date.now()
    await load

    const statuses = new Set(outcomes.map((outcome) => outcome.status))
    expect(
      [...statuses].every((status) => [200, 201, 503].includes(status)),
      `statuses seen: ${[...statuses].join(', ')}`,
    ).toBe(true)
    const unavailable = outcomes.filter((outcome) => outcome.status === 503)
    expect(unavailable.length).toBeGreaterThan(0)
    expect(unavailable.every((outcome) => outcome.problemJson)).toBe(true)
    expect(Math.max(...outcomes.map((outcome) => outcome.millis))).toBeLessThan(requestBudgetMillis)
    expect(
      outcomes.filter((outcome) => outcome.at > stoppedAt + 500 && outcome.at + outcome.millis < restartBegan && outcome.status < 300),
    ).toEqual([])
    const afterRecovery = outcomes.filter((outcome) => outcome.at > restartedAt + 2_000)
    expect(afterRecovery.length).toBeGreaterThan(0)
    expect(afterRecovery.every((outcome) => outcome.status === 200 || outcome.status === 201)).toBe(true)

    const admin = await connectAdmin(databaseUrl)
    try {
      const keys = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM limena.api_keys WHERE tenant_id = $1', [tenantId])
      const audited = await admin.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM limena.audit_logs WHERE tenant_id = $1 AND action = 'api_key.created'",
        [tenantId],
      )
      const orphans = await admin.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM limena.api_keys k WHERE k.tenant_id = $1 AND NOT EXISTS (SELECT 1 FROM limena.audit_logs a WHERE a.tenant_id = k.tenant_id AND a.action = 'api_key.created' AND a.target_id = k.id::text)",
        [tenantId],
      )
      expect(keys.rows[0]!.n).toBeGreaterThan(0)
      expect(audited.rows[0]!.n).toBe(keys.rows[0]!.n)
      expect(orphans.rows[0]!.n).toBe(0)
    } finally {
      await admin.end()
    }
    const verification = await withOperatorRead(pools, (client) => verifyAuditChains(client, tenantId))
    expect(verification.broken).toEqual([])
  }, 90_000)
})
