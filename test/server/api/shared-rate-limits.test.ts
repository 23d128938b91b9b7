/**
 * With LIMENA_RATE_LIMIT_STORE=postgres, instances on one database share their counters: ten
 * failed sign-ins spread over two instances spend the account's one budget. In memory, each
 * instance would keep its own, and a guesser behind a load balancer would get one per instance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../../src/server/config.js'
import { createDatabasePools } from '../../../src/server/db/pools.js'
import { createRateLimits, defaultRateLimitSettings } from '../../../src/server/middleware/rate-limit.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, startTestServer, type TestServer } from '../../support/test-server.js'
import { testPasswords } from '../../support/test-settings.js'

const database = useTestDatabase()
const password = 'the right password here'
const servers: TestServer[] = []

beforeAll(async () => {
  await createUser(database(), { email: 'shared@example.test', password })
  await createUser(database(), { email: 'separate@example.test', password })
})

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()))
})

async function twoInstances(rateLimitStore: 'memory' | 'postgres'): Promise<[ApiClient, ApiClient]> {
  const started = await Promise.all([startTestServer(database(), { rateLimitStore }), startTestServer(database(), { rateLimitStore })])
  servers.push(...started)
  return [new ApiClient(started[0].url), new ApiClient(started[1].url)]
}

/** Half the account's failure budget through each instance. */
async function failOnBoth(first: ApiClient, second: ApiClient, email: string): Promise<void> {
  for (let attempt = 0; attempt < defaultRateLimitSettings.loginFailuresPerAccount / 2; attempt += 1) {
    expect((await first.login(email, 'wrong guess')).status).toBe(401)
    expect((await second.login(email, 'wrong guess')).status).toBe(401)
  }
}

describe('rate limits shared through PostgreSQL', () => {
  it('ten failed sign-ins over two instances lock the account on both', async () => {
    const [first, second] = await twoInstances('postgres')
    await failOnBoth(first, second, 'shared@example.test')
    expect((await first.login('shared@example.test', password)).status).toBe(429)
    expect((await second.login('shared@example.test', password)).status).toBe(429)
  })

  it('in memory, each instance counts alone (why several instances need the shared store)', async () => {
    const [first, second] = await twoInstances('memory')
    await failOnBoth(first, second, 'separate@example.test')
    expect((await first.login('separate@example.test', password)).status).toBe(200)
  })

  it('keeps counting in memory while the database does not answer, rather than failing the request', async () => {
    const unreachable = new URL(database().adminUrl)
    unreachable.port = '1'
    const pools = createDatabasePools(unreachable.toString(), testPasswords, { connectionTimeoutMillis: 500 })
    try {
      const limits = createRateLimits({ ...defaultRateLimitSettings, loginFailuresPerIp: 2 }, { kind: 'postgres', pool: pools.app })
      await expect(limits.loginFailuresByIp.consume('198.51.100.7')).resolves.toMatchObject({ consumedPoints: 1 })
      await expect(limits.loginFailuresByIp.consume('198.51.100.7')).resolves.toMatchObject({ consumedPoints: 2 })
      await expect(limits.loginFailuresByIp.consume('198.51.100.7')).rejects.toMatchObject({ remainingPoints: 0 })
    } finally {
      await pools.close()
    }
  })

  it('stores a key longer than 255 characters in the database, not only in the fallback', async () => {
    const limits = createRateLimits(defaultRateLimitSettings, { kind: 'postgres', pool: database().pools.app })
    const account = `${'a'.repeat(300)}@example.test`
    await limits.loginFailuresByAccount.consume(account)
    const stored = await database().pools.app.query<{ points: number }>('SELECT points FROM rate_limits WHERE key = $1', [
      `login-account:${account}`,
    ])
    expect(stored.rows).toEqual([{ points: 1 }])
  })

  it('is the default with an external database, and memory with the embedded one', () => {
    const base = { LIMENA_DATA_DIR: '/tmp/limena-config-test' }
    expect(loadConfig(base).rateLimitStore).toBe('memory')
    expect(loadConfig({ ...base, DATABASE_URL: 'postgresql://u:p@db.internal/limena' }).rateLimitStore).toBe('postgres')
    expect(
      loadConfig({ ...base, DATABASE_URL: 'postgresql://u:p@db.internal/limena', LIMENA_RATE_LIMIT_STORE: 'memory' }).rateLimitStore,
    ).toBe('memory')
    expect(() => loadConfig({ ...base, LIMENA_RATE_LIMIT_STORE: 'redis' })).toThrow(/invalid LIMENA_RATE_LIMIT_STORE/)
  })
})
