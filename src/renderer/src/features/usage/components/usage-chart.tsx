/**
 * The usage chart: one line per top tenant, so each reads off the axis on its own (stacked bands
 * only let the bottom one); "all others" as a dashed line apart, off unless asked for, since it
 * dwarfs every tenant. Recharts sorts the legend (by rank, the total of the metric) and the
 * tooltip (by value) and hides a series; the legend is ours only to be links and a checkbox, so
 * the keyboard reaches what the mouse does. A click on a tenant's line or legend entry opens it.
 */
import { useCallback, useMemo, useState, type SyntheticEvent } from 'react'
import {
  Area,
  AreaChart,
  AreaRevealShape,
  CartesianGrid,
  Curve,
  Legend,
  ReferenceArea,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  type AreaRevealShapeProps,
  type LegendPayload,
} from 'recharts'
import { Link, useLocation } from 'wouter'
import type { UsageMetric } from '@shared/contract'
import { formatCompact, formatDateTime, formatNumber } from '@renderer/lib/format'
import { intlTimeZone, useTimeZone, type TimeZoneChoice } from '@renderer/lib/time-zone'
import { chartRows, chartSeries, legendRank, partialBucket, type ChartSeries, type UsageAnswer } from '../model/usage-chart-model'

/** The tooltip's order: the largest value at that bucket first. */
const mostFirst = (item: { value?: unknown }) => -Number(item.value ?? 0)

const metricWords: Record<UsageMetric, string> = { tokens: 'tokens', calls: 'calls' }

function tickFormatter(bucket: 'hour' | 'day', zone: TimeZoneChoice): (at: string) => string {
  const format = new Intl.DateTimeFormat(
    'en',
    bucket === 'hour'
      ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: intlTimeZone(zone) }
      : { month: 'short', day: 'numeric', timeZone: intlTimeZone(zone) },
  )
  return (at) => format.format(new Date(at))
}

/** A tenant's line with a wide, invisible stroke over it: the part a click lands on. */
function tenantLine(entry: ChartSeries, open: (tenantId: string) => void) {
  function TenantLine(props: AreaRevealShapeProps) {
    return (
      <g>
        <AreaRevealShape {...props} />
        <g
          className="usage-line-target"
          data-tenant-id={entry.tenantId ?? undefined}
          onClick={() => entry.tenantId && open(entry.tenantId)}
        >
          <title>{`Open ${entry.name}`}</title>
          <Curve points={props.points} type={props.type} layout={props.layout} stroke="transparent" strokeWidth={14} fill="none" />
        </g>
      </g>
    )
  }
  return TenantLine
}

interface LegendProps {
  series: { tenants: ChartSeries[]; others: ChartSeries | null }
  metric: UsageMetric
  otherTenants: number
  showOthers: boolean
  onShowOthers: (show: boolean) => void
  /** Given by Recharts: the series in the legend's order. */
  payload?: readonly LegendPayload[]
}

function Swatch({ colour, dashed = false }: { colour: string; dashed?: boolean }) {
  return (
    <svg className="usage-swatch" width="18" height="10" aria-hidden="true">
      <line x1="1" y1="5" x2="17" y2="5" stroke={colour} strokeWidth="3" strokeDasharray={dashed ? '4 3' : undefined} />
    </svg>
  )
}

const stopAtLegend = (event: SyntheticEvent) => event.stopPropagation()

/** The legend in Recharts' order: each tenant a link to its page, all others a checkbox. */
function UsageLegend({ series, metric, otherTenants, showOthers, onShowOthers, payload = [] }: LegendProps) {
  const byKey = new Map([...series.tenants, ...(series.others ? [series.others] : [])].map((entry) => [entry.key, entry]))
  const entries = payload.flatMap((item) => byKey.get(String(item.dataKey)) ?? [])
  return (
    <ol
      className="usage-legend"
      aria-label={`Tenants by ${metricWords[metric]} in this range, most first`}
      // The legend is inside the chart in React's tree (a portal): its focus and keys must not reach the chart's
      // keyboard layer, which would open the tooltip at the first bucket when a legend entry takes focus.
      onFocus={stopAtLegend}
      onBlur={stopAtLegend}
      onKeyDown={stopAtLegend}
      onMouseMove={stopAtLegend}
    >
      {entries.map((entry) =>
        entry.tenantId === null ? (
          <li key={entry.key} className="usage-legend-others">
            <label>
              <input type="checkbox" checked={showOthers} onChange={(event) => onShowOthers(event.target.checked)} />
              <Swatch colour={entry.colour} dashed />
              <span className="usage-legend-name">
                All others <span className="muted">({otherTenants === 1 ? '1 tenant' : `${formatNumber(otherTenants)} tenants`})</span>
              </span>
              <span className="usage-legend-value">{formatCompact(entry.total)}</span>
            </label>
          </li>
        ) : (
          <li key={entry.key}>
            <Link href={`/tenants/${entry.tenantId}`} className="usage-legend-tenant" data-total={entry.total}>
              <Swatch colour={entry.colour} />
              <span className="usage-legend-name">{entry.name}</span>
              <span className="usage-legend-value">{formatCompact(entry.total)}</span>
            </Link>
          </li>
        ),
      )}
    </ol>
  )
}

export function UsageChart({
  answer,
  metric,
  showOthers,
  onShowOthers,
}: {
  answer: UsageAnswer
  metric: UsageMetric
  showOthers: boolean
  onShowOthers: (show: boolean) => void
}) {
  const [, navigate] = useLocation()
  const zone = useTimeZone()
  const [legendHost, setLegendHost] = useState<HTMLDivElement | null>(null)
  const series = useMemo(() => chartSeries(answer, metric), [answer, metric])
  const drawn = useMemo(() => (series.others ? [series.others, ...series.tenants] : series.tenants), [series])
  const rows = useMemo(() => chartRows(answer.buckets, drawn), [answer.buckets, drawn])
  const tick = useMemo(() => tickFormatter(answer.bucket, zone), [answer.bucket, zone])
  const partial = partialBucket(answer)
  const beforePartial = answer.buckets.at(-2)
  const open = (tenantId: string) => navigate(`/tenants/${tenantId}`)
  const legendOrder = useCallback((item: LegendPayload) => legendRank(series, item.dataKey), [series])
  return (
    <figure className="chart usage-chart" aria-label={`${metricWords[metric]} per ${answer.bucket}, one line per tenant`}>
      <div className="usage-chart-plot">
        <ResponsiveContainer width="100%" height={340}>
          <AreaChart data={rows} margin={{ top: 22, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
            <XAxis dataKey="at" tickFormatter={tick} minTickGap={24} />
            <YAxis tickFormatter={(value: number) => formatCompact(value)} width={60} />
            {partial && beforePartial && (
              <ReferenceArea
                className="usage-partial"
                x1={beforePartial}
                x2={partial.at}
                fill="var(--muted)"
                fillOpacity={0.14}
                strokeOpacity={0}
                ifOverflow="extendDomain"
                label={{ value: 'partial: until now', position: 'insideTopRight', fill: 'var(--text)', fontSize: 12, offset: -16 }}
              />
            )}
            <Tooltip
              itemSorter={mostFirst}
              formatter={(value) => formatNumber(Number(value))}
              labelFormatter={(label) => {
                const at = typeof label === 'string' ? label : null
                const when = formatDateTime(at)
                return partial && at === partial.at ? `${when} · partial: until ${formatDateTime(partial.until)}` : when
              }}
              contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', borderRadius: 6, color: 'var(--text)' }}
              labelStyle={{ color: 'var(--text)', fontWeight: 600 }}
            />
            <Legend
              portal={legendHost}
              itemSorter={legendOrder}
              content={
                <UsageLegend
                  series={series}
                  metric={metric}
                  otherTenants={answer.otherTenants}
                  showOthers={showOthers}
                  onShowOthers={onShowOthers}
                />
              }
            />
            {/* All others first, then the least used up to the most: the most used tenant's line is drawn on top. */}
            {[...drawn.slice(0, series.others ? 1 : 0), ...drawn.slice(series.others ? 1 : 0).reverse()].map((entry) => (
              <Area
                key={entry.key}
                dataKey={entry.key}
                name={entry.name}
                type="linear"
                stroke={entry.colour}
                strokeWidth={entry.tenantId === null ? 2 : 2.25}
                strokeDasharray={entry.tenantId === null ? '6 4' : undefined}
                fill="none"
                hide={entry.tenantId === null && !showOthers}
                isAnimationActive={false}
                // The point under the pointer opens its tenant too: it sits over the line where a click lands.
                activeDot={entry.tenantId === null ? { r: 3.5 } : { r: 3.5, cursor: 'pointer', onClick: () => open(entry.tenantId!) }}
                shape={entry.tenantId === null ? undefined : tenantLine(entry, open)}
              />
            ))}
          </AreaChart>
        </ResponsiveContainer>
      </div>
      <div ref={setLegendHost} className="usage-legend-host" />
    </figure>
  )
}
