/**
 * AI usage across tenants as chart series, for a named range: hourly buckets up to a week, daily
 * beyond. The window ends at the next bucket boundary, so the current bucket is included.
 */
import { queryOptions } from '@tanstack/react-query'
import { crossTenantScope } from '@renderer/lib/access-reasons'
import type { OperatorCall } from '@renderer/lib/operator-call'

export const usageRanges = {
  '48h': { bucket: 'hour', days: 2 },
  '7d': { bucket: 'hour', days: 7 },
  '30d': { bucket: 'day', days: 30 },
  '90d': { bucket: 'day', days: 90 },
} as const
export type UsageRange = keyof typeof usageRanges

const topTenants = 8

export const usageKeys = {
  all: ['usage'] as const,
  series: (range: UsageRange) => [...usageKeys.all, 'series', range, topTenants] as const,
}

/** The `adminUsage` input for `range`, ending at the bucket boundary after `now`. */
export function usageWindow(range: UsageRange, now: number) {
  const { bucket, days } = usageRanges[range]
  const bucketMillis = bucket === 'hour' ? 3_600_000 : 86_400_000
  const to = new Date(Math.ceil((now + 1) / bucketMillis) * bucketMillis)
  const from = new Date(to.getTime() - days * 86_400_000)
  return { bucket, from: from.toISOString(), to: to.toISOString(), top: topTenants }
}

export function usageQuery(range: UsageRange, operatorCall: OperatorCall) {
  return queryOptions({
    queryKey: usageKeys.series(range),
    queryFn: () => operatorCall('adminUsage', usageWindow(range, Date.now()), { scope: crossTenantScope, what: 'AI usage across tenants' }),
  })
}
