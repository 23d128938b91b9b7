import { useQuery } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { Link } from 'wouter'
import { EmptyState, ErrorState, Loading } from '@renderer/components/ui/states'
import { formatCompact, formatDateTime, formatNumber, formatPercent } from '@renderer/lib/format'
import { useOperatorCall } from '@renderer/lib/operator-call'
import { topTenants, tripsPageSize, usageQuery, usageRanges, type TripsCursor, type UsageRange } from '../api/usage-queries'
import type { UsageAnswer } from '../model/usage-chart-model'
import { UsageChart } from './usage-chart'
import { useUsageView } from './use-usage-view'
import './usage-page.css'

/** One page of the range's trips, newest first, with its place among them and the way to the pages around it. */
function TripsList({ answer, onPage }: { answer: UsageAnswer; onPage: (trips: TripsCursor) => void }) {
  const { total, first, newer, older } = answer.tripsPage
  if (total === 0) return <p className="muted">No quota trips in this range.</p>
  const last = first + answer.trips.length - 1
  return (
    <>
      <ul className="timeline" aria-label="Trips, newest first">
        {answer.trips.map((trip) => (
          <li key={trip.id}>
            <time dateTime={trip.trippedAt}>{formatDateTime(trip.trippedAt)}</time> <strong>{trip.tenantName}</strong>{' '}
            {trip.kind === 'velocity' ? 'velocity cap' : 'monthly ceiling'}
            {trip.resetAt ? ` · reset: ${trip.resetReason ?? ''}` : ''}
          </li>
        ))}
      </ul>
      {total > answer.trips.length && (
        <nav className="usage-pager" aria-label="Pages of trips">
          <span aria-live="polite">
            Trips {formatNumber(first)}–{formatNumber(last)} of {formatNumber(total)}
          </span>
          <button
            type="button"
            disabled={!newer}
            // The page just after the first goes back to the first itself, so its address is the plain one.
            onClick={() => newer && onPage(first - 1 <= tripsPageSize ? null : { after: newer })}
          >
            Newer
          </button>
          <button type="button" disabled={!older} onClick={() => older && onPage({ before: older })}>
            Older
          </button>
        </nav>
      )}
    </>
  )
}

/** `tenantAction`: what an operator can do about a tenant near its ceiling (composed by the app: the tenants feature's quota editor). */
export function UsagePage({ tenantAction }: { tenantAction?: (tenant: { tenantId: string; tenantName: string }) => ReactNode }) {
  const [view, setView] = useUsageView()
  const { range, metric } = view
  const operatorCall = useOperatorCall()
  const usage = useQuery(usageQuery(range, operatorCall, metric, view.trips))
  const answer = usage.data
  return (
    <section className="page usage-page" aria-busy={usage.isFetching}>
      <header className="page-header">
        <h1>AI usage</h1>
        <div role="group" aria-label="Range" className="segmented">
          {(Object.keys(usageRanges) as UsageRange[]).map((name) => (
            <button key={name} type="button" aria-pressed={range === name} onClick={() => setView({ range: name })}>
              {name}
            </button>
          ))}
        </div>
        <div role="group" aria-label="Measure" className="segmented">
          <button type="button" aria-pressed={metric === 'tokens'} onClick={() => setView({ metric: 'tokens' })}>
            Tokens
          </button>
          <button type="button" aria-pressed={metric === 'calls'} onClick={() => setView({ metric: 'calls' })}>
            Calls
          </button>
        </div>
      </header>
      {usage.isPending && <Loading label="Loading usage…" />}
      {usage.isError && <ErrorState error={usage.error} onRetry={() => void usage.refetch()} />}
      {answer && (
        <div className={usage.isPlaceholderData ? 'usage-content usage-stale' : 'usage-content'}>
          <p className="muted">
            {formatCompact(answer.totals.tokens)} tokens in {formatCompact(answer.totals.calls)} calls,{' '}
            {answer.bucket === 'hour' ? 'per hour' : 'per day'}: the top {topTenants} tenants by {metric}, each a line; click one to open
            it.
          </p>
          {answer.totals.calls === 0 ? (
            <EmptyState title="No AI usage in this range." />
          ) : (
            <UsageChart
              answer={answer}
              metric={answer.metric}
              showOthers={view.showOthers}
              onShowOthers={(showOthers) => setView({ showOthers })}
            />
          )}
          <div className="two-columns">
            <div>
              <h2>Near their monthly ceiling</h2>
              {answer.nearCeiling.length === 0 ? (
                <p className="muted">No tenant is above 80% of its ceiling.</p>
              ) : (
                <table className="data" aria-label="Tenants near their monthly ceiling">
                  <thead>
                    <tr>
                      <th>Tenant</th>
                      <th>Used</th>
                      <th>Ceiling</th>
                      <th>Tripped</th>
                      {tenantAction && (
                        <th>
                          <span className="visually-hidden">Actions</span>
                        </th>
                      )}
                    </tr>
                  </thead>
                  <tbody>
                    {answer.nearCeiling.map((entry) => (
                      <tr key={entry.tenantId}>
                        <td>
                          <Link href={`/tenants/${entry.tenantId}`}>{entry.tenantName}</Link>
                        </td>
                        <td>
                          {formatCompact(entry.monthTokens)} ({formatPercent(entry.ratio)})
                        </td>
                        <td>{formatCompact(entry.monthlyTokenCeiling)}</td>
                        <td>{entry.trippedAt ? <time dateTime={entry.trippedAt}>{formatDateTime(entry.trippedAt)}</time> : '—'}</td>
                        {tenantAction && <td>{tenantAction(entry)}</td>}
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
            <div>
              <h2>Trips</h2>
              <TripsList answer={answer} onPage={(trips) => setView({ trips })} />
            </div>
          </div>
        </div>
      )}
    </section>
  )
}
