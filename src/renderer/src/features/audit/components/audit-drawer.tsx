import { useQuery } from '@tanstack/react-query'
import { useEffect, useRef, type ReactNode } from 'react'
import { auditActionLabel } from '@shared/audit-actions'
import type { AuditLogItem } from '@shared/contract'
import { formatDateTime } from '@renderer/lib/format'
import { useOperatorCall } from '@renderer/lib/operator-call'
import { timeZoneName, useTimeZone } from '@renderer/lib/time-zone'
import { useTenantView } from '@renderer/lib/tenant-view'
import { auditRouteOf, previousEventsQuery } from '../api/audit-queries'
import { diffChanges, fieldLabel, type ChangeRow } from '../model/change-diff'
import { CopyButton } from './copy-button'

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

/** A JSON value as text people read: words, lists and fields, never a JSON string. */
export function ValueView({ value }: { value: unknown }): ReactNode {
  if (value === null || value === undefined || value === '') return <span className="muted">(empty)</span>
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint') return String(value)
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="muted">(none)</span>
    return (
      <ul className="value-list">
        {(value as unknown[]).map((entry, index) => (
          <li key={index}>
            <ValueView value={entry} />
          </li>
        ))}
      </ul>
    )
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
    if (entries.length === 0) return <span className="muted">(none)</span>
    return (
      <dl className="value-object">
        {entries.map(([key, entry]) => (
          <div key={key}>
            <dt>{fieldLabel(key)}</dt>
            <dd>
              <ValueView value={entry} />
            </dd>
          </div>
        ))}
      </dl>
    )
  }
  return JSON.stringify(value) ?? ''
}

const kindWords: Record<ChangeRow['kind'], string> = { changed: 'changed', added: 'set', removed: 'cleared', unchanged: 'unchanged' }

/** One side of a change: a list item by item (removed or added items marked), or the value. */
function ChangeSide({ row, side }: { row: ChangeRow; side: 'before' | 'after' }) {
  if (row.list) {
    const entries =
      side === 'before'
        ? row.list.before.map((entry) => ({ value: entry.value, marked: entry.removed }))
        : row.list.after.map((entry) => ({ value: entry.value, marked: entry.added }))
    if (entries.length === 0) return <span className="muted">(none)</span>
    return (
      <ul className="value-list">
        {entries.map((entry, index) => (
          <li key={index} className={entry.marked ? (side === 'before' ? 'diff-removed' : 'diff-added') : undefined}>
            <ValueView value={entry.value} />
            {entry.marked && <span className="visually-hidden">{side === 'before' ? ' (removed)' : ' (added)'}</span>}
          </li>
        ))}
      </ul>
    )
  }
  return <ValueView value={side === 'before' ? row.before : row.after} />
}

/** The changed fields side by side, the differences marked (and said, for screen readers). */
export function ChangesTable({ changes }: { changes: AuditLogItem['changes'] }) {
  const rows = diffChanges(changes)
  if (rows.length === 0) return null
  return (
    <table className="data changes-table">
      <caption className="visually-hidden">Changed fields, before and after</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.field} className={`change-${row.kind}`}>
            <th scope="row">
              {fieldLabel(row.field)} <span className={`change-badge change-badge-${row.kind}`}>{kindWords[row.kind]}</span>
            </th>
            <td className={row.kind === 'unchanged' ? undefined : 'diff-before'}>
              <ChangeSide row={row} side="before" />
            </td>
            <td className={row.kind === 'unchanged' ? undefined : 'diff-after'}>
              <ChangeSide row={row} side="after" />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/**
 * One event in full, beside the list. `reasonScope`: the scope of the list's access reason, so
 * checking a link asks no new reason. `focusRequest` is the event the user opened (click, Enter):
 * the drawer then takes the focus and says so (`onFocusTaken`); moving with j/k leaves it where it is.
 */
export function AuditDrawer({
  item,
  neighbours,
  onClose,
  reasonScope,
  tenantName,
  focusRequest,
  onFocusTaken,
  onCopied,
}: {
  item: AuditLogItem
  neighbours: AuditLogItem[]
  onClose: () => void
  reasonScope: string
  tenantName: string | null
  focusRequest: string | null
  onFocusTaken: () => void
  onCopied: (message: string) => void
}) {
  const zone = useTimeZone()
  const heading = useRef<HTMLHeadingElement>(null)
  const loadedLink = linkStatus(item, neighbours)
  const fetched = usePreviousEvents(item, loadedLink, reasonScope)
  useEffect(() => {
    if (focusRequest !== item.id) return
    heading.current?.focus()
    onFocusTaken()
  }, [focusRequest, item.id, onFocusTaken])
  const link = loadedLink === 'unknown' && fetched.data ? linkStatus(item, fetched.data) : loadedLink
  const hasChanges = item.changes && Object.keys(item.changes).length > 0
  const metadata = Object.entries(item.metadata)
  return (
    <aside className="drawer audit-drawer" aria-label="Audit event" role="complementary">
      <header>
        <h2 ref={heading} tabIndex={-1}>
          {auditActionLabel(item.action)} <code>{item.action}</code>
        </h2>
        <button type="button" onClick={onClose} aria-label="Close event details" title="Close (Esc)">
          ×
        </button>
      </header>
      <p className="muted audit-drawer-keys">j / k: next and previous event · Esc: close</p>
      <dl className="facts">
        <dt>When</dt>
        <dd>
          <time dateTime={item.at}>{formatDateTime(item.at, { seconds: true, zone, zoneLabel: false })}</time>{' '}
          <span className="muted">({timeZoneName(zone)})</span>
        </dd>
        <dt>Tenant</dt>
        <dd>
          {tenantName ?? <code>{item.tenantId}</code>} <CopyButton text={item.tenantId} label="Copy tenant id" onCopied={onCopied} />
        </dd>
        <dt>Who</dt>
        <dd>
          {item.actor.name ?? '—'} <span className="muted">({item.actor.type})</span>
          {item.actor.id && <CopyButton text={item.actor.id} label="Copy actor id" onCopied={onCopied} />}
        </dd>
        <dt>What</dt>
        <dd>
          {item.target.name ?? '—'} <span className="muted">({item.target.type ?? '—'})</span>
          {item.target.id && <CopyButton text={item.target.id} label="Copy target id" onCopied={onCopied} />}
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
        <dt>Event id</dt>
        <dd>
          <code>{item.id}</code> <CopyButton text={item.id} label="Copy event id" onCopied={onCopied} />
        </dd>
      </dl>
      {hasChanges && (
        <>
          <h3>Changes</h3>
          <ChangesTable changes={item.changes} />
        </>
      )}
      <h3>Metadata</h3>
      {metadata.length === 0 ? <p className="muted">None.</p> : <ValueView value={item.metadata} />}
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
