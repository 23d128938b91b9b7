import { useInfiniteQuery } from '@tanstack/react-query'
import { useEffect, useMemo, useState } from 'react'
import { useSearchParams } from 'wouter'
import { platformAuditActionLabel, platformAuditActionNames, type PlatformAuditAction } from '@shared/audit-actions'
import { Dialog } from '@renderer/components/ui/dialog'
import { Freshness } from '@renderer/components/ui/freshness'
import { EmptyState, ErrorState, Loading } from '@renderer/components/ui/states'
import { onBridgeEvent, problemOf } from '@renderer/lib/bridge'
import { formatDateTime, formatNumber } from '@renderer/lib/format'
import { useOperatorCall } from '@renderer/lib/operator-call'
import { platformAuditQuery, platformAuditReason, type PlatformAuditFilters } from '../api/platform-audit-queries'

const isPlatformAction = (value: string | null): value is PlatformAuditAction =>
  value !== null && (platformAuditActionNames as readonly string[]).includes(value)

/** Export of the platform log as shown (same filter), through the native save dialog. */
function PlatformExport({ filters }: { filters: PlatformAuditFilters }) {
  const operatorCall = useOperatorCall()
  const [state, setState] = useState<'idle' | 'running' | 'done'>('idle')
  const [rows, setRows] = useState(0)
  const [result, setResult] = useState<string | null>(null)
  useEffect(() => onBridgeEvent('export-progress', (event) => setRows(event.rows)), [])
  const start = async () => {
    setState('running')
    setRows(0)
    try {
      const outcome = await operatorCall('exportPlatformAuditCsv', filters, platformAuditReason)
      setResult(
        outcome.outcome === 'done'
          ? `Exported ${formatNumber(outcome.rows)} entries to ${outcome.path}.`
          : 'Export cancelled; no file was left behind.',
      )
    } catch (error) {
      setResult(problemOf(error)?.detail ?? 'The export failed.')
    } finally {
      setState('done')
    }
  }
  return (
    <>
      <button type="button" onClick={() => void start()} disabled={state === 'running'}>
        Export CSV
      </button>
      <Dialog open={state !== 'idle'} title="Export platform audit log" onClose={() => setState('idle')} canClose={state !== 'running'}>
        <p>
          {filters.action ? `Entries: ${platformAuditActionLabel(filters.action)}.` : 'Every entry.'} Times in UTC (ISO 8601). The export is
          recorded in the log.
        </p>
        {state === 'running' ? (
          <p aria-live="polite">{rows ? `${formatNumber(rows)} entries written…` : 'Choose where to save…'}</p>
        ) : (
          <>
            <p role="status">{result}</p>
            <div className="actions">
              <button type="button" className="primary" onClick={() => setState('idle')}>
                Close
              </button>
            </div>
          </>
        )}
      </Dialog>
    </>
  )
}

/**
 * Operators' reads of platform-wide data (the tenant directory, usage, posture, the access log
 * and this log), one row per read with the reason given: the trail tenants' own logs no longer
 * carry, because such a read shows no tenant's content.
 */
export function PlatformAuditPage() {
  const operatorCall = useOperatorCall()
  const [params, setParams] = useSearchParams()
  const action = params.get('action')
  const filters: PlatformAuditFilters = useMemo(() => (isPlatformAction(action) ? { action } : {}), [action])
  const log = useInfiniteQuery(platformAuditQuery(filters, operatorCall))
  const items = useMemo(() => log.data?.pages.flatMap((page) => page.items) ?? [], [log.data])
  return (
    <section className="page">
      <header className="page-header">
        <h1>Platform audit log</h1>
        <span className="muted">Operators&apos; reads of the directory, usage, posture and access log, hash-chained.</span>
      </header>
      <div className="filters">
        <label>
          Action
          <select value={filters.action ?? ''} onChange={(event) => setParams(event.target.value ? { action: event.target.value } : {})}>
            <option value="">Every action</option>
            {platformAuditActionNames.map((name) => (
              <option key={name} value={name}>
                {platformAuditActionLabel(name)}
              </option>
            ))}
          </select>
        </label>
        <PlatformExport filters={filters} />
        <Freshness updatedAt={log.dataUpdatedAt} fetching={log.isFetching} onRefresh={() => void log.refetch()} />
      </div>
      {log.isPending && <Loading label="Loading the platform audit log…" />}
      {log.isError && <ErrorState error={log.error} onRetry={() => void log.refetch()} />}
      {log.isSuccess && items.length === 0 && <EmptyState title="No entries match." />}
      {items.length > 0 && (
        <table className="data" aria-label="Platform audit entries">
          <thead>
            <tr>
              <th>When</th>
              <th>Operator</th>
              <th>Action</th>
              <th>Why</th>
              <th>Request</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id}>
                <td>{formatDateTime(item.at)}</td>
                <td>{item.operator.name ?? item.operator.id ?? '—'}</td>
                <td>
                  <span title={item.action}>{platformAuditActionLabel(item.action)}</span>
                  {item.what ? <span className="muted"> · {item.what}</span> : null}
                </td>
                <td>{item.reason ?? '—'}</td>
                <td>
                  <code>{item.requestId ?? '—'}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {log.hasNextPage && (
        <button type="button" onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
          Load older entries
        </button>
      )}
    </section>
  )
}
