import { useInfiniteQuery } from '@tanstack/react-query'
import { useMemo } from 'react'
import { Freshness } from '@renderer/components/ui/freshness'
import { EmptyState, ErrorState, Loading } from '@renderer/components/ui/states'
import { formatDateTime } from '@renderer/lib/format'
import { useOperatorCall } from '@renderer/lib/operator-call'
import { accessLogQuery } from '../api/access-log-queries'
import { auditActionLabel } from '@shared/audit-actions'

export function AccessLogPage() {
  const operatorCall = useOperatorCall()
  const log = useInfiniteQuery(accessLogQuery(operatorCall))
  const items = useMemo(() => log.data?.pages.flatMap((page) => page.items) ?? [], [log.data])
  return (
    <section className="page">
      <header className="page-header">
        <h1>Access log</h1>
        <span className="muted">
          Operators&apos; reads and writes of tenants&apos; content, with the reason each tenant sees. Reads of the directory, usage and
          posture are in the platform log.
        </span>
        <Freshness updatedAt={log.dataUpdatedAt} fetching={log.isFetching} onRefresh={() => void log.refetch()} />
      </header>
      {log.isPending && <Loading label="Loading the access log…" />}
      {log.isError && <ErrorState error={log.error} onRetry={() => void log.refetch()} />}
      {log.isSuccess && items.length === 0 && <EmptyState title="No operator access yet." />}
      {items.length > 0 && (
        <table className="data">
          <thead>
            <tr>
              <th>When</th>
              <th>Operator</th>
              <th>Tenant</th>
              <th>What</th>
              <th>Why</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id}>
                <td>{formatDateTime(item.at)}</td>
                <td>{item.operator.name ?? item.operator.id}</td>
                <td>{item.tenantName ?? item.tenantId}</td>
                <td>
                  <span title={item.action}>{auditActionLabel(item.action)}</span>: {item.what}
                </td>
                <td>{item.reason}</td>
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
