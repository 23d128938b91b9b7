/**
 * The usage page's answer through HTTP: the top tenants by the metric asked for, with all others
 * summed apart; tenants tied at 100% of their ceiling ordered by when they tripped (earliest
 * first); the range's trips in keyset pages that cover each trip exactly once, also trips at the
 * same instant; when the data was read, so the console can mark the last bucket partial.
 */
import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import type { AdminClient } from '../../../src/server/db/pools.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, useTestServer } from '../../support/test-server.js'

const database = useTestDatabase()
const server = useTestServer(database)
let operator: ApiClient
const withReason = { 'x-access-reason': 'OPS-14 usage page check' }

interface UsageAnswer {
  metric: string
  to: string
  readAt: string
  buckets: string[]
  series: Array<{ tenantId: string | null; tenantName: string; tokens: number[]; calls: number[] }>
  otherTenants: number
  nearCeiling: Array<{ tenantId: string; tenantName: string; ratio: number; trippedAt: string | null }>
  trips: Array<{ id: string; tenantId: string; trippedAt: string }>
  tripsPage: { total: number; first: number; newer: string | null; older: string | null }
}

const usage = (query: string) => operator.request<UsageAnswer>('GET', `/admin/usage?${query}`, { headers: withReason })

/**
 * A tenant with this month's counters at `ratio` of its ceiling (1,000,000 tokens unless said),
 * and its open ceiling trip `trippedHoursAgo` hours before this hour began (if any).
 */
async function tenantAt(
  admin: AdminClient,
  name: string,
  ratio: number,
  trippedHoursAgo: number | null,
  ceiling = 1_000_000,
): Promise<{ id: string; name: string }> {
  const id = randomUUID()
  await admin.query('INSERT INTO limena.tenants (id, name, slug) VALUES ($1, $2, $3)', [id, name, `usage-${id.slice(0, 8)}`])
  await admin.query(
    `INSERT INTO limena.ai_quotas (tenant_id, monthly_token_ceiling, month_window_start, month_tokens)
     VALUES ($1, $2, date_trunc('month', now(), 'UTC'), $3)`,
    [id, ceiling, Math.round(ratio * ceiling)],
  )
  if (trippedHoursAgo !== null) {
    await admin.query(
      `INSERT INTO limena.quota_trips (tenant_id, kind, window_start, tripped_at, resets_at)
       VALUES ($1, 'monthly_ceiling', date_trunc('month', now(), 'UTC'), date_trunc('hour', now(), 'UTC') - $2 * interval '1 hour',
               date_trunc('month', now(), 'UTC') + interval '1 month')`,
      [id, trippedHoursAgo],
    )
  }
  return { id, name }
}

// Inserted latest trip first and named Z to A, so neither insertion nor name order is the answer.
let ceilingOrder: string[]
let heavyTokens: string
let manyCalls: string
let fewCalls: string

beforeAll(async () => {
  await createUser(database(), { email: 'usage-operator@example.test', password: 'operator password 1', platformAdmin: true })
  operator = new ApiClient(server().url)
  await operator.login('usage-operator@example.test', 'operator password 1')
  const admin = await database().admin()
  try {
    const late = await tenantAt(admin, 'Zeta tripped 1 hour ago', 1, 1)
    const neverTripped = await tenantAt(admin, 'Yankee at its ceiling, no trip recorded', 1, null)
    const mid = await tenantAt(admin, 'Xray tripped 3 hours ago', 1, 3)
    const over = await tenantAt(admin, 'Whiskey over a lowered ceiling, tripped 2 hours ago', 1.2, 2)
    const ninety = await tenantAt(admin, 'Victor at 90%', 0.9, null)
    const early = await tenantAt(admin, 'Uniform tripped 5 hours ago', 1, 5)
    // Two tripped at the same instant: the one with more tokens (more work refused) first.
    const sameFewer = await tenantAt(admin, 'Romeo tripped 4 hours ago, 1M tokens', 1, 4)
    const sameMore = await tenantAt(admin, 'Sierra tripped 4 hours ago, 2M tokens', 1, 4, 2_000_000)
    await tenantAt(admin, 'Tango at 50%', 0.5, null)
    ceilingOrder = [early.id, sameMore.id, sameFewer.id, mid.id, over.id, late.id, neverTripped.id, ninety.id]

    // Usage in the last hours: one tenant with many tokens in few calls, one with many calls of few tokens, and three small ones.
    heavyTokens = late.id
    manyCalls = mid.id
    fewCalls = ninety.id
    const usageRows: Array<[string, number, number]> = [
      [heavyTokens, 2, 900_000],
      [manyCalls, 400, 40_000],
      [fewCalls, 5, 5_000],
      [over.id, 4, 4_000],
      [early.id, 3, 3_000],
    ]
    for (const [tenantId, calls, tokens] of usageRows) {
      await admin.query(
        `INSERT INTO limena.ai_usage (tenant_id, bucket_start, calls, tokens) VALUES ($1, date_trunc('hour', now(), 'UTC') - interval '2 hours', $2, $3)`,
        [tenantId, calls, tokens],
      )
    }

    // 45 velocity trips over the last 40 hours, three of them sharing each instant.
    const tripTenants = [early.id, mid.id, late.id]
    for (let trip = 0; trip < 45; trip += 1) {
      await admin.query(
        `INSERT INTO limena.quota_trips (tenant_id, kind, window_start, tripped_at, resets_at)
         VALUES ($1, 'velocity', date_trunc('hour', now(), 'UTC') - $2 * interval '1 hour',
                 date_trunc('hour', now(), 'UTC') - $3 * interval '1 hour' + interval '10 minutes',
                 date_trunc('hour', now(), 'UTC') - $2 * interval '1 hour' + interval '1 hour')`,
        [tripTenants[trip % 3], 6 + trip, 6 + Math.floor(trip / 3)],
      )
    }
  } finally {
    await admin.end()
  }
})

describe('the usage answer', () => {
  it('orders the tenants near their ceiling by use, those at 100% by when they tripped, earliest first, then by tokens', async () => {
    const answer = await usage('bucket=hour')
    expect(answer.status).toBe(200)
    expect(answer.body.nearCeiling.map((entry) => entry.tenantId)).toEqual(ceilingOrder)
    const [early, sameMore, sameFewer, mid, over, late, neverTripped, ninety] = answer.body.nearCeiling
    for (const entry of [early, sameMore, sameFewer, mid, over, late]) expect(entry!.trippedAt).toEqual(expect.any(String))
    expect(Date.parse(early!.trippedAt!)).toBeLessThan(Date.parse(mid!.trippedAt!))
    expect(sameMore!.trippedAt).toBe(sameFewer!.trippedAt)
    expect(neverTripped!.trippedAt).toBeNull()
    expect(ninety).toMatchObject({ ratio: 0.9, trippedAt: null })
    expect(over!.ratio).toBeCloseTo(1.2)
  })

  it('chooses the top tenants by the metric asked for and sums all the others apart, counting them', async () => {
    const byTokens = await usage('bucket=hour&top=1&metric=tokens')
    expect(byTokens.status).toBe(200)
    expect(byTokens.body.metric).toBe('tokens')
    expect(byTokens.body.series.map((series) => series.tenantId)).toEqual([heavyTokens, null])
    expect(byTokens.body.otherTenants).toBe(4)
    const others = byTokens.body.series[1]!
    expect(others.tokens.reduce((sum, value) => sum + value, 0)).toBe(40_000 + 5_000 + 4_000 + 3_000)

    const byCalls = await usage('bucket=hour&top=2&metric=calls')
    expect(byCalls.body.metric).toBe('calls')
    expect(byCalls.body.series.map((series) => series.tenantId)).toEqual([manyCalls, fewCalls, null])
    expect(byCalls.body.otherTenants).toBe(3)
    expect((await usage('bucket=hour&metric=bytes')).status).toBe(400)
  })

  it('says when it was read, so a last bucket that has not ended is known to be partial', async () => {
    const before = Date.now()
    const answer = await usage('bucket=hour')
    const readAt = Date.parse(answer.body.readAt)
    expect(readAt).toBeGreaterThanOrEqual(before - 1000)
    expect(readAt).toBeLessThanOrEqual(Date.now() + 1000)
    // The default window ends at the end of the current hour: its last bucket holds usage until readAt.
    expect(Date.parse(answer.body.buckets.at(-1)!)).toBeLessThanOrEqual(readAt)
    expect(Date.parse(answer.body.to)).toBeGreaterThan(readAt)
  })

  it('pages through the range’s trips newest first, each exactly once, forward and back', async () => {
    const admin = await database().admin()
    let expected: string[]
    try {
      expected = (
        await admin.query<{ id: string }>(
          `SELECT id FROM limena.quota_trips WHERE tripped_at >= date_trunc('hour', now(), 'UTC') + interval '1 hour' - interval '48 hours'
            ORDER BY tripped_at DESC, id DESC`,
        )
      ).rows.map((row) => row.id)
    } finally {
      await admin.end()
    }
    expect(expected.length).toBe(45 + 6)

    const pages: UsageAnswer[] = []
    let cursor: string | null = null
    do {
      const answer: { status: number; body: UsageAnswer } = await usage(
        `bucket=hour&tripsLimit=20${cursor ? `&tripsBefore=${cursor}` : ''}`,
      )
      expect(answer.status).toBe(200)
      pages.push(answer.body)
      cursor = answer.body.tripsPage.older
    } while (cursor && pages.length < 10)
    expect(pages.map((page) => page.trips.length)).toEqual([20, 20, 11])
    expect(pages.map((page) => page.tripsPage.first)).toEqual([1, 21, 41])
    expect(pages.every((page) => page.tripsPage.total === 51)).toBe(true)
    expect(pages.flatMap((page) => page.trips.map((trip) => trip.id))).toEqual(expected)
    expect(pages[0]!.tripsPage.newer).toBeNull()
    expect(pages[2]!.tripsPage.older).toBeNull()

    // Back from the last page: the middle page again, then the first.
    const back = await usage(`bucket=hour&tripsLimit=20&tripsAfter=${pages[2]!.tripsPage.newer}`)
    expect(back.body.trips.map((trip) => trip.id)).toEqual(pages[1]!.trips.map((trip) => trip.id))
    expect(back.body.tripsPage).toEqual(pages[1]!.tripsPage)
    const first = await usage(`bucket=hour&tripsLimit=20&tripsAfter=${back.body.tripsPage.newer}`)
    expect(first.body.trips.map((trip) => trip.id)).toEqual(pages[0]!.trips.map((trip) => trip.id))
    expect(first.body.tripsPage.newer).toBeNull()
  })

  it('gives the first page for a cursor that names no trip, and refuses two cursors at once', async () => {
    const unknown = await usage(`bucket=hour&tripsLimit=5&tripsBefore=${randomUUID()}`)
    expect(unknown.status).toBe(200)
    expect(unknown.body.tripsPage).toMatchObject({ first: 1, newer: null })
    expect(unknown.body.trips).toHaveLength(5)
    const both = await usage(`bucket=hour&tripsBefore=${randomUUID()}&tripsAfter=${randomUUID()}`)
    expect(both.status).toBe(400)
  })
})
