/**
 * The usage answer as the chart draws it: one line per top tenant, ranked by its total of the
 * metric on show (the legend's order, and the colour it gets: `--chart-1` for the most), all
 * other tenants as one more line apart, and whether the last bucket is still running.
 */
import type { OperationOutput, UsageMetric } from '@shared/contract'

export type UsageAnswer = OperationOutput<'adminUsage'>

export interface ChartSeries {
  /** The key of its values in the chart's rows. */
  key: string
  /** null for all other tenants. */
  tenantId: string | null
  name: string
  /** Its total of the metric over the range: what the legend shows and sorts by. */
  total: number
  colour: string
  values: number[]
}

/** Colours of the theme (app.css): --chart-1 … --chart-8 for tenants by rank, --chart-9 for all others. */
const tenantColours = 8
export const othersColour = 'var(--chart-9)'
export const othersKey = 'others'

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0)

/** The top tenants, most first (equal totals keep the answer's order), and all others (null when the answer has none). */
export function chartSeries(answer: UsageAnswer, metric: UsageMetric): { tenants: ChartSeries[]; others: ChartSeries | null } {
  const tenants = answer.series
    .filter((series) => series.tenantId !== null)
    .map((series, index) => ({ series, index, total: sum(series[metric]) }))
    .sort((first, second) => second.total - first.total || first.index - second.index)
    .map(({ series, total }, rank): ChartSeries => ({
      key: `tenant-${rank}`,
      tenantId: series.tenantId,
      name: series.tenantName,
      total,
      colour: `var(--chart-${(rank % tenantColours) + 1})`,
      values: series[metric],
    }))
  const rest = answer.series.find((series) => series.tenantId === null)
  const others: ChartSeries | null = rest
    ? { key: othersKey, tenantId: null, name: 'All others', total: sum(rest[metric]), colour: othersColour, values: rest[metric] }
    : null
  return { tenants, others }
}

/** One row per bucket: `at` and each series' value under its key. */
export function chartRows(buckets: readonly string[], series: readonly ChartSeries[]): Array<Record<string, string | number>> {
  return buckets.map((at, index) => {
    const row: Record<string, string | number> = { at }
    for (const entry of series) row[entry.key] = entry.values[index] ?? 0
    return row
  })
}

/** The last bucket when it had not ended at the time of reading (it holds usage until `until`), else null. */
export function partialBucket(answer: Pick<UsageAnswer, 'buckets' | 'to' | 'readAt'>): { at: string; until: string } | null {
  const at = answer.buckets.at(-1)
  if (!at) return null
  return Date.parse(answer.readAt) < Date.parse(answer.to) ? { at, until: answer.readAt } : null
}

/** The legend's order: the rank by total for a tenant (most first), all others last. */
export function legendRank(series: { tenants: readonly ChartSeries[] }, key: unknown): number {
  const rank = series.tenants.findIndex((entry) => entry.key === key)
  return rank === -1 ? series.tenants.length : rank
}
