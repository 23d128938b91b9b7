import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { Freshness } from '@renderer/components/ui/freshness'
import { Banner, EmptyState, ErrorState, Loading } from '@renderer/components/ui/states'
import { auditActionLabel } from '@shared/audit-actions'
import { formatDateTime } from '@renderer/lib/format'
import { useOperatorCall } from '@renderer/lib/operator-call'
import { timeZoneName, useTimeZone } from '@renderer/lib/time-zone'
import { splitHash } from '@renderer/lib/hash-location'
import { useTenantView, useViewer } from '@renderer/lib/tenant-view'
import { deepLinkTo } from '@shared/deep-link'
import {
  auditPagesQuery,
  auditReasonScope,
  auditRouteOf,
  boundedFilters,
  subjectNameQuery,
  tenantNameQuery,
  tenantNamesQuery,
  type AuditListFilters,
} from '../api/audit-queries'
import { countWords, describeExport, filterChips, withoutFilter, defaultFilters, type AuditViewFilters } from '../model/audit-filters'
import { AuditDrawer } from './audit-drawer'
import { AuditFilterBar } from './audit-filter-bar'
import { AuditGrid, type AuditGridHandle } from './audit-grid'
import { copyText } from './copy-button'
import { ExportButton } from './export-button'
import { useAuditFilters } from './use-audit-filters'
import './audit-explorer.css'

/** How many pages are read, looking for an event a link names, before saying it is not listed. */
const pagesSearchedForLinkedEvent = 10

/** The list's filters (the key of its query): the view's, with the range still relative. */
function listFiltersOf(filters: AuditViewFilters): AuditListFilters {
  const { tenantId, action, actorId, targetId, q, range, from, to, operatorAccess } = filters
  const values: AuditListFilters = { tenantId, action, actorId, targetId, q, range, from, to, operatorAccess }
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined))
}

/**
 * The audit log: one tenant's (`fixedTenantId`: the tenant's own tab) or, from the global page,
 * any tenant's (an operator: every tenant's). The filters live in this page's URL; the list, the
 * chips, the export and "Copy link" all read them there. The tenant's view decides the route: a
 * member reads through the tenant route, with no reason asked, even when also an operator.
 */
export function AuditExplorer({ fixedTenantId }: { fixedTenantId?: string }) {
  const operatorCall = useOperatorCall()
  const viewer = useViewer()
  const zone = useTimeZone()
  const { filters, setFilters, eventId, setEventId, ignored, dropIgnored } = useAuditFilters(fixedTenantId)
  const global = !fixedTenantId
  const view = useTenantView(filters.tenantId)
  const route = auditRouteOf(view)
  // A member whose role may not read the log is told so, as for API keys (no operator detour).
  const hidden = view.via === 'member' && !view.can('audit:read')
  const needsTenant = route === 'tenant' && !filters.tenantId
  const listFilters = useMemo(() => listFiltersOf(filters), [filters])
  // Toggling operator access keeps the list's instant: the list then gains exactly the N rows its
  // count announced, not also the reads recorded since (this page's own among them).
  const [pinned, setPinned] = useState<{ filters: string; at: number } | null>(null)
  const otherFilters = JSON.stringify({ ...listFilters, operatorAccess: undefined })
  const pinnedNow = pinned?.filters === otherFilters ? pinned.at : null
  const query = useInfiniteQuery({
    ...auditPagesQuery(route, listFilters, operatorCall, pinnedNow === null ? Date.now : () => pinnedNow),
    enabled: !hidden && !needsTenant,
  })
  const items = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data])
  const firstPage = query.data?.pages[0]
  const bounds = firstPage?.bounds ?? null
  const counts = firstPage?.counts ?? null

  // Names: the directory for the cross-tenant list's tenant column (read with the list's own
  // cross-tenant reason), one lookup for a tenant filtered on, and the listed events for people.
  const crossTenant = global && !filters.tenantId && !needsTenant
  const tenantNames = useQuery({
    ...tenantNamesQuery(viewer.platformOperator ? operatorCall : null),
    enabled: global && (crossTenant || !viewer.platformOperator),
  })
  const filteredTenant = useQuery({ ...tenantNameQuery(filters.tenantId), enabled: Boolean(filters.tenantId) })
  const tenantName = useCallback(
    (tenantId: string) => tenantNames.data?.[tenantId]?.name ?? (filteredTenant.data?.id === tenantId ? filteredTenant.data.name : null),
    [tenantNames.data, filteredTenant.data],
  )
  const listedActor = filters.actorId ? items.find((item) => item.actor.id === filters.actorId)?.actor.name : undefined
  const listedTarget = filters.targetId ? items.find((item) => item.target.id === filters.targetId)?.target.name : undefined
  const actorName = useQuery({
    ...subjectNameQuery(route, filters.tenantId, 'actor', filters.actorId, operatorCall),
    enabled: Boolean(filters.actorId) && !listedActor && query.isSuccess && !needsTenant,
  })
  const targetName = useQuery({
    ...subjectNameQuery(route, filters.tenantId, 'target', filters.targetId, operatorCall),
    enabled: Boolean(filters.targetId) && !listedTarget && query.isSuccess && !needsTenant,
  })
  const names = {
    tenant: filters.tenantId ? tenantName(filters.tenantId) : null,
    actor: listedActor ?? actorName.data ?? null,
    target: listedTarget ?? targetName.data ?? null,
  }
  const formatInstant = useCallback((iso: string) => formatDateTime(iso, { seconds: true, zone }), [zone])
  const chips = filterChips(filters, names, formatInstant, fixedTenantId)

  // The drawer: the event the URL names, looked for in the loaded pages (and a few more).
  const selected = eventId ? (items.find((item) => item.id === eventId) ?? null) : null
  const searchingForEvent =
    Boolean(eventId) && !selected && query.hasNextPage && (query.data?.pages.length ?? 0) < pagesSearchedForLinkedEvent
  useEffect(() => {
    if (searchingForEvent && !query.isFetchingNextPage) void query.fetchNextPage()
  }, [searchingForEvent, query])
  const grid = useRef<AuditGridHandle>(null)
  const [focusRequest, setFocusRequest] = useState<string | null>(null)
  const openEvent = useCallback(
    (id: string) => {
      setEventId(id)
      setFocusRequest(id)
    },
    [setEventId],
  )
  const focusTaken = useCallback(() => setFocusRequest(null), [])
  const closeDrawer = useCallback(() => {
    const returnTo = eventId
    setEventId(null)
    if (returnTo) requestAnimationFrame(() => grid.current?.focusRow(returnTo))
  }, [eventId, setEventId])
  // Escape closes the drawer (a dialog or an open picker handles its own Escape first).
  useEffect(() => {
    if (!eventId) return
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || document.querySelector('dialog[open]')) return
      event.preventDefault()
      closeDrawer()
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [eventId, closeDrawer])
  // Opened from a link: bring the event's row into view once it is listed.
  const scrolledTo = useRef<string | null>(null)
  useEffect(() => {
    if (selected && scrolledTo.current !== selected.id) {
      scrolledTo.current = selected.id
      grid.current?.scrollToRow(selected.id)
    }
  }, [selected])

  const [announcement, setAnnouncement] = useState('')
  // j/k change the event without moving focus: say which one it is now, for screen readers.
  const selectAndAnnounce = useCallback(
    (id: string) => {
      setEventId(id)
      const index = items.findIndex((item) => item.id === id)
      const item = items[index]
      if (item)
        setAnnouncement(
          `Event ${index + 1} of ${items.length}: ${auditActionLabel(item.action)}, by ${item.actor.name ?? item.actor.type}, ${formatDateTime(item.at)}.`,
        )
    },
    [items, setEventId],
  )
  const copyLink = async () => {
    // A limena:// link: the desktop app opens it (the page's own URL is a file:// one nobody else can open).
    const link = deepLinkTo(splitHash(location.hash).join('?').replace(/\?$/, ''))
    const copied = await copyText(link)
    setAnnouncement(copied ? 'Link to this view copied.' : `Could not copy the link. Copy it by hand: ${link}`)
  }
  const onCopied = useCallback((message: string) => setAnnouncement(message), [])

  const exportFilters = bounds ? boundedFilters(listFilters, bounds) : null
  const exportDescription = bounds
    ? describeExport(filters, bounds, counts?.matching ?? null, names, formatInstant, timeZoneName(zone))
    : ''
  const operatorAccessCount = counts?.operatorAccess
  const loadMore = useCallback(() => void query.fetchNextPage(), [query])

  return (
    <section className={`${fixedTenantId ? 'panel' : 'page'} audit-explorer${selected ? ' with-drawer' : ''}`}>
      {!fixedTenantId && (
        <header className="page-header">
          <h1>Audit log</h1>
        </header>
      )}
      <AuditFilterBar
        filters={filters}
        setFilters={setFilters}
        fixedTenantId={fixedTenantId}
        route={route}
        operatorCall={operatorCall}
        tenantSearchCall={viewer.platformOperator ? operatorCall : null}
        names={names}
        tenantName={tenantName}
        bounds={bounds}
      />
      {ignored.length > 0 && (
        <Banner tone="warning" title="Part of this link is not applied.">
          {ignored.map((param, index) => (
            <span key={param.name}>
              {index > 0 && '; '}
              <code>
                {param.name}={param.value.length > 60 ? `${param.value.slice(0, 60)}…` : param.value}
              </code>{' '}
              ({param.why})
            </span>
          ))}
          .{' '}
          <button type="button" className="link-button" onClick={dropIgnored}>
            Remove it from the link
          </button>
        </Banner>
      )}
      <div className="audit-chips" role="group" aria-label="Applied filters">
        {chips.length === 0 ? (
          <span className="muted">No filters: every event{fixedTenantId ? ' of this tenant' : ''}.</span>
        ) : (
          <>
            {chips.map((chip) => (
              <span key={chip.name} className="chip">
                <span className="chip-label">{chip.label}</span>
                <button
                  type="button"
                  className="chip-remove"
                  aria-label={`Remove filter ${chip.label}`}
                  onClick={() => setFilters(withoutFilter(filters, chip.name))}
                >
                  ×
                </button>
              </span>
            ))}
            <button
              type="button"
              className="link-button"
              onClick={() => setFilters({ ...defaultFilters, ...(fixedTenantId ? { tenantId: fixedTenantId } : {}) })}
            >
              Clear all
            </button>
          </>
        )}
      </div>
      {!hidden && !needsTenant && (
        <div className="audit-toolbar">
          <strong className="audit-count" role="status" aria-live="polite">
            {query.isError
              ? 'Events not loaded'
              : query.isPending
                ? 'Counting events…'
                : counts
                  ? countWords(counts.matching)
                  : `${items.length} events loaded`}
          </strong>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={filters.operatorAccess === 'include'}
              onChange={(event) => {
                if (bounds?.to) setPinned({ filters: otherFilters, at: Date.parse(bounds.to) })
                setFilters({ ...filters, operatorAccess: event.target.checked ? 'include' : 'exclude' })
              }}
            />
            Show operator access (
            {operatorAccessCount ? (operatorAccessCount.exact ? operatorAccessCount.value : `${operatorAccessCount.value}+`) : '…'})
          </label>
          <Freshness
            updatedAt={query.dataUpdatedAt}
            fetching={query.isFetching}
            onRefresh={() => {
              // A refresh reads up to now again: the pinned instant goes, then (its options updated) the list is read.
              setPinned(null)
              setTimeout(() => void query.refetch(), 0)
            }}
          />
          <button type="button" onClick={() => void copyLink()}>
            Copy link to this view
          </button>
          <ExportButton filters={exportFilters} description={exportDescription} disabled={query.isFetching && !query.isFetchingNextPage} />
        </div>
      )}
      <p className="visually-hidden" role="status" aria-live="polite">
        {announcement}
      </p>
      {hidden && <Banner tone="info" title="The audit log is visible to admins and owners." />}
      {!hidden && needsTenant && <EmptyState title="Pick a tenant to read its audit log." />}
      {query.isPending && query.fetchStatus !== 'idle' && <Loading label="Loading audit events…" />}
      {query.isError && <ErrorState error={query.error} onRetry={() => void query.refetch()} />}
      {query.isSuccess && items.length === 0 && (
        <EmptyState title="No audit events match these filters.">
          {filters.operatorAccess === 'exclude' && operatorAccessCount && operatorAccessCount.value > 0
            ? 'Operator access rows are hidden: show them with the box above.'
            : undefined}
        </EmptyState>
      )}
      {items.length > 0 && (
        <AuditGrid
          ref={grid}
          items={items}
          global={global}
          tenantName={tenantName}
          selectedId={eventId}
          onOpen={openEvent}
          onSelect={selectAndAnnounce}
          hasMore={Boolean(query.hasNextPage)}
          loadingMore={query.isFetchingNextPage}
          loadMore={loadMore}
          rowCount={counts?.matching.exact ? counts.matching.value + 1 : -1}
          onCopied={onCopied}
        />
      )}
      {eventId && !selected && query.isSuccess && !searchingForEvent && !query.isFetchingNextPage && (
        <Banner tone="warning" title="That event is not in this list.">
          Event {eventId} is not among the events listed with these filters.{' '}
          <button type="button" className="link-button" onClick={() => setEventId(null)}>
            Dismiss
          </button>
        </Banner>
      )}
      {selected && (
        <AuditDrawer
          item={selected}
          neighbours={items}
          onClose={closeDrawer}
          reasonScope={auditReasonScope(filters)}
          tenantName={tenantName(selected.tenantId)}
          focusRequest={focusRequest}
          onFocusTaken={focusTaken}
          onCopied={onCopied}
        />
      )}
    </section>
  )
}
