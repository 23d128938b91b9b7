/**
 * @module admin-usage-routes
 * Cross-tenant AI usage as chart-ready series: one array per top tenant (by the metric asked for)
 * and one for all others, aligned on the same buckets, with totals, tenants near their monthly
 * ceiling, and a page of trips. A read about the platform: recorded once in the platform audit log
 * (`platform.usage_read`).
 */
import { problems } from '../http/http-problem.js'
import type { DomainHandlers } from '../http/operation-context.js'
import { tripToApi } from '../quotas/quota-explanation.js'
import { operatorCall, platformOperatorRead, platformResult } from './operator-access.js'
import { tenantsNearCeiling, tripsPage } from './usage-repository.js'

export { nearCeilingRatio } from './usage-repository.js'

const maximumBuckets = 2000

export const adminUsageHandlers = {
  async adminUsage(context, input) {
    const call = operatorCall(context)
    const bucketMillis = input.bucket === 'hour' ? 3_600_000 : 86_400_000
    // By default whole buckets: up to the end of the current one, 48 hours or 30 days back.
    const to = input.to ? new Date(input.to) : new Date(Math.ceil((Date.now() + 1) / bucketMillis) * bucketMillis)
    const from = input.from ? new Date(input.from) : new Date(to.getTime() - (input.bucket === 'hour' ? 48 : 30) * bucketMillis)
    if (from >= to) throw problems.badRequest('"from" must be before "to"', [{ path: 'from', message: 'must be before to' }])
    if (input.tripsBefore && input.tripsAfter) {
      throw problems.badRequest('give "tripsBefore" or "tripsAfter", not both', [{ path: 'tripsAfter', message: 'not with tripsBefore' }])
    }
    if ((to.getTime() - from.getTime()) / bucketMillis > maximumBuckets) {
      throw problems.badRequest(`that range has more than ${maximumBuckets} ${input.bucket} buckets; use day buckets or a shorter range`, [
        { path: 'bucket', message: 'too many buckets' },
      ])
    }
    const range = [from.toISOString(), to.toISOString()]
    return platformOperatorRead(call, 'platform.usage_read', `AI usage ${range[0]} to ${range[1]}`, async (client) => {
      const bucketRows = (
        await client.query<{ bucket: Date; read_at: Date }>(
          `SELECT generate_series(date_trunc($3, $1::timestamptz, 'UTC'), $2::timestamptz - interval '1 microsecond', ('1 ' || $3)::interval) AS bucket,
                  now() AS read_at`,
          [...range, input.bucket],
        )
      ).rows
      const buckets = bucketRows.map((row) => row.bucket.toISOString())
      const readAt = (bucketRows[0]?.read_at ?? new Date()).toISOString()
      // The top tenants by the metric asked for; `tenants` counts every tenant with usage in the range.
      const top = (
        await client.query<{ tenant_id: string; name: string; tenants: string }>(
          `SELECT u.tenant_id, t.name, count(*) OVER () AS tenants FROM ai_usage u JOIN tenants t ON t.id = u.tenant_id
            WHERE u.bucket_start >= $1 AND u.bucket_start < $2 GROUP BY u.tenant_id, t.name
            ORDER BY sum(CASE WHEN $4::text = 'calls' THEN u.calls ELSE u.tokens END) DESC, u.tenant_id LIMIT $3`,
          [...range, input.top, input.metric],
        )
      ).rows
      const sums = (
        await client.query<{ series: string | null; bucket: Date; tokens: string; calls: string }>(
          `SELECT CASE WHEN tenant_id = ANY($4::uuid[]) THEN tenant_id::text END AS series, date_trunc($3, bucket_start, 'UTC') AS bucket,
                  sum(tokens) AS tokens, sum(calls) AS calls
             FROM ai_usage WHERE bucket_start >= $1 AND bucket_start < $2 GROUP BY 1, 2`,
          [...range, input.bucket, top.map((row) => row.tenant_id)],
        )
      ).rows
      const index = new Map(buckets.map((bucket, position) => [bucket, position]))
      const series = [
        ...top.map((row) => ({ tenantId: row.tenant_id, tenantName: row.name })),
        { tenantId: null, tenantName: 'Other tenants' },
      ].map((entry) => ({
        ...entry,
        tokens: buckets.map(() => 0),
        calls: buckets.map(() => 0),
      }))
      let totalTokens = 0
      let totalCalls = 0
      for (const sum of sums) {
        const position = index.get(sum.bucket.toISOString())
        const target = series.find((entry) => entry.tenantId === sum.series)
        if (position === undefined || !target) continue
        target.tokens[position] = Number(sum.tokens)
        target.calls[position] = Number(sum.calls)
        totalTokens += Number(sum.tokens)
        totalCalls += Number(sum.calls)
      }
      const nearCeiling = await tenantsNearCeiling(client)
      const trips = await tripsPage(client, [range[0]!, range[1]!], {
        before: input.tripsBefore,
        after: input.tripsAfter,
        limit: input.tripsLimit,
      })
      const answer = {
        bucket: input.bucket,
        metric: input.metric,
        from: range[0]!,
        to: range[1]!,
        readAt,
        buckets,
        series: series.filter(
          (entry) => entry.tenantId !== null || entry.tokens.some((value) => value > 0) || entry.calls.some((value) => value > 0),
        ),
        otherTenants: Math.max(0, Number(top[0]?.tenants ?? 0) - top.length),
        totals: { tokens: totalTokens, calls: totalCalls },
        nearCeiling: nearCeiling.map((row) => ({
          tenantId: row.tenant_id,
          tenantName: row.name,
          monthTokens: Number(row.month_tokens),
          monthlyTokenCeiling: Number(row.monthly_token_ceiling),
          ratio: Number(row.month_tokens) / Number(row.monthly_token_ceiling),
          trippedAt: row.tripped_at?.toISOString() ?? null,
        })),
        trips: trips.trips.map((trip) => ({ ...tripToApi(trip), tenantId: trip.tenant_id, tenantName: trip.name })),
        tripsPage: { total: trips.total, first: trips.first, newer: trips.newer, older: trips.older },
      }
      return platformResult(answer)
    })
  },
} satisfies DomainHandlers
