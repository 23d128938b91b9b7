/**
 * What the usage page shows, with one source of truth: its route's query string
 * (`#/admin/usage?range=7d&metric=calls&others=1&tripsBefore=<trip id>`), as the other views keep
 * their filters. Defaults are left out, so the plain page has a plain address.
 */
import type { UsageMetric } from '@shared/contract'
import { usageRanges, type TripsCursor, type UsageRange } from '../api/usage-queries'

export interface UsageView {
  range: UsageRange
  metric: UsageMetric
  /** The "all others" series on the chart (off unless asked for). */
  showOthers: boolean
  /** Which page of trips is on show. */
  trips: TripsCursor
}

export const defaultUsageView: UsageView = { range: '30d', metric: 'tokens', showOthers: false, trips: null }

const tripId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const isRange = (value: string | null): value is UsageRange => value !== null && Object.hasOwn(usageRanges, value)

/** The view a query string asks for; what it cannot mean (an unknown range, a malformed cursor) is the default. */
export function usageViewFromParams(params: URLSearchParams): UsageView {
  const range = params.get('range')
  const before = params.get('tripsBefore')
  const after = params.get('tripsAfter')
  return {
    range: isRange(range) ? range : defaultUsageView.range,
    metric: params.get('metric') === 'calls' ? 'calls' : 'tokens',
    showOthers: params.get('others') === '1',
    trips: before && tripId.test(before) ? { before } : after && tripId.test(after) ? { after } : null,
  }
}

/** The query string of `view`, keeping `others` (another view's parameters) as they are. */
export function usageViewToParams(view: UsageView, others: URLSearchParams = new URLSearchParams()): URLSearchParams {
  const params = new URLSearchParams(others)
  for (const name of ['range', 'metric', 'others', 'tripsBefore', 'tripsAfter']) params.delete(name)
  if (view.range !== defaultUsageView.range) params.set('range', view.range)
  if (view.metric !== defaultUsageView.metric) params.set('metric', view.metric)
  if (view.showOthers) params.set('others', '1')
  if (view.trips && 'before' in view.trips) params.set('tripsBefore', view.trips.before)
  if (view.trips && 'after' in view.trips) params.set('tripsAfter', view.trips.after)
  return params
}

/** `view` changed by `change`: another range lists other trips, so it starts at their first page. */
export function changeUsageView(view: UsageView, change: Partial<UsageView>): UsageView {
  const next = { ...view, ...change }
  if (change.range !== undefined && change.range !== view.range && change.trips === undefined) next.trips = null
  return next
}
