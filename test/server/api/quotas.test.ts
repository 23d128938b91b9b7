/**
 * AI quotas across two server processes on one database: 50 concurrent calls against a velocity
 * cap of 20 → exactly 20 accepted; the trip and the operator's reset are audited once each;
 * refusals carry the fail-soft body. Then the monthly ceiling and the quota's explanation.
 */
import { once } from 'node:events'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withOperatorRead } from '../../../src/server/db/with-operator.js'
import { ensureCliBuilt, startServe, type ServingProcess } from '../../support/cli.js'
import { cliEnvironmentFor } from '../../support/cli-environment.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser } from '../../support/test-server.js'

const database = useTestDatabase()
const servers: ServingProcess[] = []
let tenantId: string
let aiKey: string
let operator: ApiClient
const reason = 'TICKET-42 quota investigation'

beforeAll(async () => {
  ensureCliBuilt()
  const dataDir = await mkdtemp(join(tmpdir(), 'limena-quotas-'))
  const env = { ...cliEnvironmentFor(database()), LIMENA_RATE_LIMIT_PER_MINUTE: '0' }
  servers.push(await startServe(['--data-dir', dataDir, '--port', '0'], env))
  servers.push(await startServe(['--data-dir', dataDir, '--port', '0'], env))
  await createUser(database(), { email: 'quota-owner@example.test', password: 'quota owner password' })
  await createUser(database(), { email: 'quota-ops@example.test', password: 'quota ops password', platformAdmin: true })
  const owner = new ApiClient(servers[0]!.url)
  await owner.login('quota-owner@example.test', 'quota owner password')
  tenantId = (await owner.request<{ id: string }>('POST', '/tenants', { body: { name: 'Quota Co', slug: 'quota-co' } })).body.id
  aiKey = (
    await owner.request<{ key: string }>('POST', `/tenants/${tenantId}/api-keys`, {
      body: { name: 'ai', scopes: ['ai:write', 'tenant:read'] },
    })
  ).body.key
  operator = new ApiClient(servers[1]!.url)
  await operator.login('quota-ops@example.test', 'quota ops password')
})

afterAll(async () => {
  for (const server of servers) {
    server.child.kill('SIGTERM')
    await once(server.child, 'exit')
  }
})

async function auditCount(action: string): Promise<number> {
  return withOperatorRead(
    database().pools,
    async (client) =>
      (
        await client.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_logs WHERE tenant_id = $1 AND action = $2', [
          tenantId,
          action,
        ])
      ).rows[0]!.n,
  )
}

function useAi(serverIndex: number, tokens = 100) {
  return new ApiClient(servers[serverIndex]!.url).request<{ state: string; resetsAt: string; message: string }>(
    'POST',
    `/tenants/${tenantId}/ai/usage`,
    { body: { tokens }, auth: `Bearer ${aiKey}` },
  )
}

describe('AI quotas', () => {
  it('accepts exactly the cap of 20 out of 50 concurrent calls spread over two server processes', async () => {
    const set = await operator.request('PUT', `/admin/tenants/${tenantId}/quotas`, {
      body: { velocityPerHour: 20, monthlyTokenCeiling: 20_000_000 },
      headers: { 'x-access-reason': reason },
    })
    expect(set.status).toBe(200)
    const answers = await Promise.all(Array.from({ length: 50 }, (_, index) => useAi(index % 2)))
    const accepted = answers.filter((answer) => answer.status === 200)
    const refused = answers.filter((answer) => answer.status === 429)
    expect(accepted).toHaveLength(20)
    expect(refused).toHaveLength(30)
    expect(refused[0]!.body).toMatchObject({
      state: 'velocity_capped',
      resetsAt: expect.any(String),
      message: expect.stringMatching(/AI calls for this hour/),
    })
    expect(refused[0]!.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(await auditCount('ai.quota_tripped')).toBe(1)
    expect(await auditCount('ai.quota_changed')).toBe(1)
  })

  it('explains the state and the binding cap in the quota answer', async () => {
    const quotas = await new ApiClient(servers[0]!.url).request<{
      state: string
      binding: string
      hour: { calls: number; remaining: number }
      explanation: string
      trips: Array<{ kind: string; resetAt: string | null }>
    }>('GET', `/tenants/${tenantId}/quotas`, { auth: `Bearer ${aiKey}` })
    expect(quotas.body).toMatchObject({ state: 'velocity_capped', binding: 'velocity', hour: { calls: 20, remaining: 0 } })
    expect(quotas.body.explanation).toMatch(/^Velocity cap reached: 20 of 20 calls this hour/)
    expect(quotas.body.trips).toEqual([expect.objectContaining({ kind: 'velocity', resetAt: null })])
  })

  it("an operator's reset is audited once and lets calls through again", async () => {
    const reset = await operator.request<{ state: string; trips: Array<{ resetAt: string | null; resetReason: string | null }> }>(
      'POST',
      `/admin/tenants/${tenantId}/quotas/reset`,
      {
        body: { kind: 'velocity' },
        headers: { 'x-access-reason': reason },
      },
    )
    expect(reset.status).toBe(200)
    expect(reset.body.state).toBe('ok')
    expect(reset.body.trips[0]).toMatchObject({ resetReason: reason })
    expect(await auditCount('ai.quota_reset')).toBe(1)
    expect((await useAi(1)).status).toBe(200)
  })

  it('refuses a call that would pass the monthly ceiling, with the ceiling state', async () => {
    await operator.request('PUT', `/admin/tenants/${tenantId}/quotas`, {
      body: { velocityPerHour: 1000, monthlyTokenCeiling: 5000 },
      headers: { 'x-access-reason': reason },
    })
    expect((await useAi(0, 2000)).status).toBe(200)
    const over = await useAi(1, 3000)
    expect(over.status).toBe(429)
    expect(over.body).toMatchObject({ state: 'ceiling_reached', message: expect.stringMatching(/tokens for the month/) })
    expect(await auditCount('ai.quota_tripped')).toBe(2)
  })

  it('dates a reached ceiling by its trip, never "around now", and raising the ceiling lifts the trip at once', async () => {
    const before = await new ApiClient(servers[0]!.url).request<{ month: { tokens: number } }>('GET', `/tenants/${tenantId}/quotas`, {
      auth: `Bearer ${aiKey}`,
    })
    await operator.request('PUT', `/admin/tenants/${tenantId}/quotas`, {
      body: { velocityPerHour: 1000, monthlyTokenCeiling: before.body.month.tokens + 500 },
      headers: { 'x-access-reason': reason },
    })
    expect((await useAi(0, 500)).status).toBe(200)
    expect((await useAi(1, 1)).status).toBe(429)
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const tripped = await new ApiClient(servers[0]!.url).request<{
      state: string
      forecast: { ceilingReachedAt: string | null }
      trips: Array<{ kind: string; trippedAt: string; resetAt: string | null }>
    }>('GET', `/tenants/${tenantId}/quotas`, { auth: `Bearer ${aiKey}` })
    expect(tripped.body.state).toBe('ceiling_reached')
    const openTrip = tripped.body.trips.find((trip) => trip.kind === 'monthly_ceiling' && !trip.resetAt)!
    expect(tripped.body.forecast.ceilingReachedAt).toBe(openTrip.trippedAt)
    const raised = await operator.request<{ state: string }>('PUT', `/admin/tenants/${tenantId}/quotas`, {
      body: { velocityPerHour: 1000, monthlyTokenCeiling: 20_000 },
      headers: { 'x-access-reason': reason },
    })
    expect(raised.body.state).toBe('ok')
    expect((await useAi(1, 100)).status).toBe(200)
  })
})
