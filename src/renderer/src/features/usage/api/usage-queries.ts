/**
 * AI usage across tenants as chart series, for a named range: hourly buckets up to a week, daily
 * beyond. The window ends at the next bucket boundary, so the current bucket is included. The top
 * tenants are chosen by the metric on show; the trips come a page at a time.
 */
import { queryOptions } from '@tanstack/react-query'
import type { UsageMetric } from '@shared/contract'
import { crossTenantScope } from '@renderer/lib/access-reasons'
import type { OperatorCall } from '@renderer/lib/operator-call'

export const usageRanges = {
  '48h': { bucket: 'hour', days: 2 },
  '7d': { bucket: 'hour', days: 7 },
  '30d': { bucket: 'day', days: 30 },
  '90d': { bucket: 'day', days: 90 },
} as const
export type UsageRange = keyof typeof usageRanges

export const topTenants = 8
export const tripsPageSize = 20

/** Which page of trips: the first, or the one older (`before`) or newer (`after`) than a trip. */
export type TripsCursor = { before: string } | { after: string } | null

export const usageKeys = {
  all: ['usage'] as const,
  series: (range: UsageRange, metric: UsageMetric = 'tokens', trips: TripsCursor = null) =>
    [...usageKeys.all, 'series', range, topTenants, metric, trips] as const,
}

/** The `adminUsage` input for `range`, ending at the bucket boundary after `now`. */
export function usageWindow(range: UsageRange, now: number) {
  const { bucket, days } = usageRanges[range]
  const bucketMillis = bucket === 'hour' ? 3_600_000 : 86_400_000
  const to = new Date(Math.ceil((now + 1) / bucketMillis) * bucketMillis)
  const from = new Date(to.getTime() - days * 86_400_000)
  return { bucket, from: from.toISOString(), to: to.toISOString(), top: topTenants }
}

export function usageQuery(range: UsageRange, operatorCall: OperatorCall, metric: UsageMetric = 'tokens', trips: TripsCursor = null) {
  return queryOptions({
    queryKey: usageKeys.series(range, metric, trips),
    queryFn: () =>
      operatorCall(
        'adminUsage',
        {
          ...usageWindow(range, Date.now()),
          metric,
          tripsLimit: tripsPageSize,
          ...(trips && 'before' in trips ? { tripsBefore: trips.before } : {}),
          ...(trips && 'after' in trips ? { tripsAfter: trips.after } : {}),
        },
        { scope: crossTenantScope, what: 'AI usage across tenants' },
      ),
    // Another metric or page of trips keeps the chart on screen (dimmed) until the answer comes; another range does
    // not, as its axis and buckets would be the old range's under the new range's name.
    placeholderData: (previous, previousQuery) => (previousQuery?.queryKey[2] === range ? previous : undefined),
  })
}
