import { useQuery } from '@tanstack/react-query'
import type { AuditLogItem } from '@shared/contract'
import { formatDateTime } from '@renderer/lib/format'
import { useOperatorCall } from '@renderer/lib/operator-call'
import { useTenantView } from '@renderer/lib/tenant-view'
import { auditRouteOf, previousEventsQuery } from '../api/audit-queries'
import { auditActionLabel } from '@shared/audit-actions'

/** The chain link of an event: its prevHash must be the hash of the tenant's previous event. */
export function linkStatus(item: AuditLogItem, neighbours: AuditLogItem[]): 'verified' | 'broken' | 'unknown' {
  if (item.chain.seq === '1') return item.chain.prevHash === '0'.repeat(64) ? 'verified' : 'broken'
  const previous = neighbours.find(
    (candidate) => candidate.tenantId === item.tenantId && candidate.chain.seq === String(Number(item.chain.seq) - 1),
  )
  if (!previous) return 'unknown'
  return previous.chain.hash === item.chain.prevHash ? 'verified' : 'broken'
}

/**
 * When the previous event of the chain is not among the loaded rows, fetch the events just
 * before this one (same tenant) through the ordinary audit search, read the way the event's
 * tenant is seen (a member through the tenant route), and look for it there.
 */
function usePreviousEvents(item: AuditLogItem | null, loadedLink: 'verified' | 'broken' | 'unknown', reasonScope: string) {
  const route = auditRouteOf(useTenantView(item?.tenantId))
  const operatorCall = useOperatorCall()
  return useQuery({ ...previousEventsQuery(item, route, reasonScope, operatorCall), enabled: loadedLink === 'unknown' })
}

/** `reasonScope`: the scope of the list's access reason, so checking a link asks no new reason. */
export function AuditDrawer({
  item,
  neighbours,
  onClose,
  reasonScope,
}: {
  item: AuditLogItem | null
  neighbours: AuditLogItem[]
  onClose: () => void
  reasonScope: string
}) {
  const loadedLink = item ? linkStatus(item, neighbours) : 'unknown'
  const fetched = usePreviousEvents(item, loadedLink, reasonScope)
  if (!item) return null
  const link = loadedLink === 'unknown' && fetched.data ? linkStatus(item, fetched.data) : loadedLink
  return (
    <aside className="drawer" aria-label="Audit event" role="complementary">
      <header>
        <h2>
          {auditActionLabel(item.action)} <code>{item.action}</code>
        </h2>
        <button type="button" onClick={onClose} aria-label="Close event details">
          ×
        </button>
      </header>
      <dl className="facts">
        <dt>When</dt>
        <dd>{formatDateTime(item.at)}</dd>
        <dt>Who</dt>
        <dd>
          {item.actor.name ?? '—'} <span className="muted">({item.actor.type})</span>
        </dd>
        <dt>What</dt>
        <dd>
          {item.target.name ?? '—'} <span className="muted">({item.target.type ?? '—'})</span>
        </dd>
        {item.reason && (
          <>
            <dt>Reason given</dt>
            <dd>{item.reason}</dd>
          </>
        )}
        <dt>From</dt>
        <dd>
          {item.ip ?? '—'} <span className="muted">{item.userAgent}</span>
        </dd>
        <dt>Request</dt>
        <dd>
          <code>{item.requestId ?? '—'}</code>
        </dd>
        <dt>Tenant</dt>
        <dd>
          <code>{item.tenantId}</code>
        </dd>
      </dl>
      {item.changes && Object.keys(item.changes).length > 0 && (
        <>
          <h3>Changes</h3>
          <table className="data">
            <thead>
              <tr>
                <th>Field</th>
                <th>Before</th>
                <th>After</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(item.changes).map(([field, change]) => (
                <tr key={field}>
                  <td>{field}</td>
                  <td>{JSON.stringify(change.before)}</td>
                  <td>{JSON.stringify(change.after)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h3>Metadata</h3>
      <pre>{JSON.stringify(item.metadata, null, 2)}</pre>
      <h3>Hash chain</h3>
      <p className={`chain chain-${link}`}>
        {link === 'verified' &&
          `Link verified: this is event ${item.chain.seq} of the tenant's chain and it points at the previous event's hash. (limena verify-audit also recomputes every hash from the content.)`}
        {link === 'broken' && `Link broken: event ${item.chain.seq} does not point at the previous event's hash. Run limena verify-audit.`}
        {link === 'unknown' &&
          (fetched.isFetching
            ? `Event ${item.chain.seq}: checking the link to the previous event…`
            : `Event ${item.chain.seq}: the previous event could not be found near it, so its link is not checked here (limena verify-audit checks every link).`)}
      </p>
      <code className="hash">{item.chain.hash}</code>
    </aside>
  )
}
