/**
 * The usage page's model: the view kept in the address (defaults left out, nonsense read as the
 * default, another range back to the first page of trips), the series ranked by their totals of
 * the metric on show and coloured by rank, all others apart, and the partial last bucket.
 */
import { describe, expect, it } from 'vitest'
import { usageKeys, usageQuery } from '../../src/renderer/src/features/usage/api/usage-queries'
import {
  chartRows,
  chartSeries,
  legendRank,
  partialBucket,
  type UsageAnswer,
} from '../../src/renderer/src/features/usage/model/usage-chart-model'
import {
  changeUsageView,
  defaultUsageView,
  usageViewFromParams,
  usageViewToParams,
} from '../../src/renderer/src/features/usage/model/usage-view'
import type { OperatorCall } from '../../src/renderer/src/lib/operator-call'

const tripId = '0b6f3c1e-5a4d-4c1b-9a57-2f1f0f6a9d11'
const tenant = (index: number) => `00000000-0000-4000-8000-00000000000${index}`

describe('the usage view in the address', () => {
  it('leaves the defaults out, so the plain page has a plain address', () => {
    expect(usageViewToParams(defaultUsageView).toString()).toBe('')
    expect(usageViewFromParams(new URLSearchParams(''))).toEqual(defaultUsageView)
  })

  it('round-trips every choice, keeping the parameters of others', () => {
    const view = { range: '48h', metric: 'calls', showOthers: true, trips: { before: tripId } } as const
    const params = usageViewToParams(view, new URLSearchParams('tab=x&others=0'))
    expect(params.toString()).toBe(`tab=x&range=48h&metric=calls&others=1&tripsBefore=${tripId}`)
    expect(usageViewFromParams(params)).toEqual(view)
    expect(usageViewFromParams(usageViewToParams({ ...view, trips: { after: tripId } })).trips).toEqual({ after: tripId })
  })

  it('reads what it cannot mean as the default', () => {
    expect(usageViewFromParams(new URLSearchParams('range=1y&metric=bytes&others=yes&tripsBefore=1%3BDROP'))).toEqual(defaultUsageView)
  })

  it('starts another range at the first page of its trips, and keeps the page when only the metric changes', () => {
    const paged = { ...defaultUsageView, trips: { before: tripId } }
    expect(changeUsageView(paged, { range: '7d' }).trips).toBeNull()
    expect(changeUsageView(paged, { range: '30d' }).trips).toEqual({ before: tripId })
    expect(changeUsageView(paged, { metric: 'calls' }).trips).toEqual({ before: tripId })
    expect(changeUsageView(paged, { showOthers: true })).toEqual({ ...paged, showOthers: true })
  })

  it('asks the backend for the metric and the page on show, each in the query key', () => {
    const calls: unknown[] = []
    const operatorCall = ((_operation: string, input: unknown) => {
      calls.push(input)
      return Promise.resolve({})
    }) as unknown as OperatorCall
    const query = usageQuery('7d', operatorCall, 'calls', { after: tripId })
    expect(query.queryKey).toEqual(usageKeys.series('7d', 'calls', { after: tripId }))
    expect(usageKeys.series('7d', 'calls')).not.toEqual(usageKeys.series('7d', 'tokens'))
    expect(usageKeys.series('7d', 'tokens', { before: tripId })).not.toEqual(usageKeys.series('7d', 'tokens'))
    void (query.queryFn as () => Promise<unknown>)()
    expect(calls[0]).toMatchObject({ bucket: 'hour', top: 8, metric: 'calls', tripsLimit: 20, tripsAfter: tripId })
    expect(calls[0]).not.toHaveProperty('tripsBefore')
  })

  it('keep the chart on screen while another metric or page of trips loads, but not another range', () => {
    const keep = usageQuery('7d', (() => Promise.resolve({})) as unknown as OperatorCall, 'calls').placeholderData as unknown as (
      previous: unknown,
      previousQuery: { queryKey: readonly unknown[] } | undefined,
    ) => unknown
    const shown = { buckets: [] }
    expect(keep(shown, { queryKey: usageKeys.series('7d', 'tokens', { before: tripId }) })).toBe(shown)
    expect(keep(shown, { queryKey: usageKeys.series('30d', 'calls') })).toBeUndefined()
    expect(keep(undefined, undefined)).toBeUndefined()
  })
})

function answer(overrides: Partial<UsageAnswer> = {}): UsageAnswer {
  return {
    bucket: 'hour',
    metric: 'tokens',
    from: '2026-11-23T10:00:00.000Z',
    to: '2026-11-23T13:00:00.000Z',
    readAt: '2026-11-23T12:20:00.000Z',
    buckets: ['2026-11-23T10:00:00.000Z', '2026-11-23T11:00:00.000Z', '2026-11-23T12:00:00.000Z'],
    series: [
      { tenantId: tenant(1), tenantName: 'Most tokens', tokens: [50, 50, 10], calls: [1, 1, 1] },
      { tenantId: tenant(2), tenantName: 'Most calls', tokens: [10, 10, 10], calls: [40, 40, 5] },
      { tenantId: tenant(3), tenantName: 'Tied with most calls', tokens: [30, 0, 0], calls: [0, 0, 3] },
      { tenantId: null, tenantName: 'Other tenants', tokens: [500, 500, 100], calls: [90, 90, 10] },
    ],
    otherTenants: 12,
    totals: { tokens: 1270, calls: 281 },
    nearCeiling: [],
    trips: [],
    tripsPage: { total: 0, first: 1, newer: null, older: null },
    ...overrides,
  }
}

describe('the chart series', () => {
  it('rank the tenants by their total of the metric on show, coloured by rank, all others apart and last', () => {
    const byTokens = chartSeries(answer(), 'tokens')
    expect(byTokens.tenants.map((entry) => [entry.name, entry.total, entry.colour])).toEqual([
      ['Most tokens', 110, 'var(--chart-1)'],
      ['Most calls', 30, 'var(--chart-2)'],
      ['Tied with most calls', 30, 'var(--chart-3)'],
    ])
    expect(byTokens.others).toMatchObject({ tenantId: null, name: 'All others', total: 1100, colour: 'var(--chart-9)' })
    const byCalls = chartSeries(answer(), 'calls')
    expect(byCalls.tenants.map((entry) => entry.name)).toEqual(['Most calls', 'Most tokens', 'Tied with most calls'])
    expect(byCalls.tenants[0]!.colour).toBe('var(--chart-1)')
    // The legend's order is the rank; all others come after every tenant.
    expect(byCalls.tenants.map((entry) => legendRank(byCalls, entry.key))).toEqual([0, 1, 2])
    expect(legendRank(byCalls, byCalls.others!.key)).toBe(3)
  })

  it('keep equal totals in the answer’s order, and have no all-others line when the answer has none', () => {
    const tied = answer({
      series: [
        { tenantId: tenant(1), tenantName: 'First', tokens: [5], calls: [1] },
        { tenantId: tenant(2), tenantName: 'Second', tokens: [5], calls: [1] },
      ],
    })
    expect(chartSeries(tied, 'tokens').tenants.map((entry) => entry.name)).toEqual(['First', 'Second'])
    expect(chartSeries(tied, 'tokens').others).toBeNull()
  })

  it('line up one row per bucket with each series under its key', () => {
    const series = chartSeries(answer(), 'calls')
    const rows = chartRows(answer().buckets, [...series.tenants, series.others!])
    expect(rows[2]).toEqual({ at: '2026-11-23T12:00:00.000Z', 'tenant-0': 5, 'tenant-1': 1, 'tenant-2': 3, others: 10 })
  })
})

describe('the partial bucket', () => {
  it('is the last one while it had not ended when read', () => {
    expect(partialBucket(answer())).toEqual({ at: '2026-11-23T12:00:00.000Z', until: '2026-11-23T12:20:00.000Z' })
  })

  it('is none once the range had ended when read', () => {
    expect(partialBucket(answer({ readAt: '2026-11-23T13:00:00.000Z' }))).toBeNull()
    expect(partialBucket(answer({ buckets: [] }))).toBeNull()
  })
})
