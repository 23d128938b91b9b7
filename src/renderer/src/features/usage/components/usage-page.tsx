import { useQuery } from '@tanstack/react-query'
import { useMemo, useState, type ReactNode } from 'react'
import { Area, AreaChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import { EmptyState, ErrorState, Loading } from '@renderer/components/ui/states'
import { formatCompact, formatDateTime, formatPercent } from '@renderer/lib/format'
import { useOperatorCall } from '@renderer/lib/operator-call'
import { usageQuery, usageRanges, type UsageRange } from '../api/usage-queries'

/** Series colours from the theme (app.css --chart-N): each at least 3:1 against the chart's background, light and dark. */
const palette = Array.from({ length: 9 }, (_, index) => `var(--chart-${index + 1})`)

/** `tenantAction`: what an operator can do about a tenant near its ceiling (composed by the app: the tenants feature's quota editor). */
export function UsagePage({ tenantAction }: { tenantAction?: (tenant: { tenantId: string; tenantName: string }) => ReactNode }) {
  const [range, setRange] = useState<UsageRange>('30d')
  const [measure, setMeasure] = useState<'tokens' | 'calls'>('tokens')
  const { bucket } = usageRanges[range]
  const operatorCall = useOperatorCall()
  const usage = useQuery(usageQuery(range, operatorCall))
  const answer = usage.data
  const chartData = useMemo(
    () =>
      answer?.buckets.map((at, index) => ({
        at,
        ...Object.fromEntries(answer.series.map((series) => [series.tenantName, series[measure][index] ?? 0])),
      })) ?? [],
    [answer, measure],
  )
  return (
    <section className="page">
      <header className="page-header">
        <h1>AI usage</h1>
        <div role="group" aria-label="Range" className="segmented">
          {(Object.keys(usageRanges) as UsageRange[]).map((name) => (
            <button key={name} type="button" aria-pressed={range === name} onClick={() => setRange(name)}>
              {name}
            </button>
          ))}
        </div>
        <div role="group" aria-label="Measure" className="segmented">
          <button type="button" aria-pressed={measure === 'tokens'} onClick={() => setMeasure('tokens')}>
            Tokens
          </button>
          <button type="button" aria-pressed={measure === 'calls'} onClick={() => setMeasure('calls')}>
            Calls
          </button>
        </div>
      </header>
      {usage.isPending && <Loading label="Loading usage…" />}
      {usage.isError && <ErrorState error={usage.error} onRetry={() => void usage.refetch()} />}
      {usage.data && (
        <>
          <p className="muted">
            {formatCompact(usage.data.totals.tokens)} tokens in {formatCompact(usage.data.totals.calls)} calls,{' '}
            {bucket === 'hour' ? 'per hour' : 'per day'}, top tenants stacked.
          </p>
          {usage.data.totals.calls === 0 ? (
            <EmptyState title="No AI usage in this range." />
          ) : (
            <div className="chart" aria-label={`${measure} per ${bucket}, stacked by tenant`}>
              <ResponsiveContainer width="100%" height={320}>
                <AreaChart data={chartData}>
                  <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
                  <XAxis
                    dataKey="at"
                    tickFormatter={(value: string) => (bucket === 'hour' ? value.slice(11, 16) : value.slice(5, 10))}
                    minTickGap={24}
                  />
                  <YAxis tickFormatter={(value: number) => formatCompact(value)} width={60} />
                  <Tooltip
                    labelFormatter={(label) => formatDateTime(typeof label === 'string' ? label : null)}
                    formatter={(value) => formatCompact(Number(value))}
                  />
                  <Legend />
                  {usage.data.series.map((series, index) => (
                    <Area
                      key={series.tenantId ?? 'other'}
                      type="monotone"
                      dataKey={series.tenantName}
                      stackId="usage"
                      stroke={palette[index % palette.length]}
                      fill={palette[index % palette.length]}
                      fillOpacity={0.5}
                      isAnimationActive={false}
                    />
                  ))}
                </AreaChart>
              </ResponsiveContainer>
            </div>
          )}
          <div className="two-columns">
            <div>
              <h2>Near their monthly ceiling</h2>
              {usage.data.nearCeiling.length === 0 ? (
                <p className="muted">No tenant is above 80% of its ceiling.</p>
              ) : (
                <table className="data">
                  <thead>
                    <tr>
                      <th>Tenant</th>
                      <th>Used</th>
                      <th>Ceiling</th>
                      {tenantAction && (
                        <th>
                          <span className="visually-hidden">Actions</span>
                        </th>
                      )}
                    </tr>
                  </thead>
                  <tbody>
                    {usage.data.nearCeiling.map((entry) => (
                      <tr key={entry.tenantId}>
                        <td>{entry.tenantName}</td>
                        <td>
                          {formatCompact(entry.monthTokens)} ({formatPercent(entry.ratio)})
                        </td>
                        <td>{formatCompact(entry.monthlyTokenCeiling)}</td>
                        {tenantAction && <td>{tenantAction(entry)}</td>}
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
            <div>
              <h2>Trips</h2>
              {usage.data.trips.length === 0 ? (
                <p className="muted">No quota trips in this range.</p>
              ) : (
                <ul className="timeline">
                  {usage.data.trips.map((trip) => (
                    <li key={trip.id}>
                      <time>{formatDateTime(trip.trippedAt)}</time> <strong>{trip.tenantName}</strong>{' '}
                      {trip.kind === 'velocity' ? 'velocity cap' : 'monthly ceiling'}
                      {trip.resetAt ? ` · reset: ${trip.resetReason ?? ''}` : ''}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </div>
        </>
      )}
    </section>
  )
}
