import { useInfiniteQuery } from '@tanstack/react-query'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useMemo, useRef, useState } from 'react'
import { useSearchParams } from 'wouter'
import type { AuditLogItem } from '@shared/contract'
import { Banner, EmptyState, ErrorState, Loading } from '@renderer/components/ui/states'
import { formatDateTime } from '@renderer/lib/format'
import { useOperatorCall } from '@renderer/lib/operator-call'
import { useTenantView } from '@renderer/lib/tenant-view'
import { auditPagesQuery, auditReasonScope, auditRouteOf, stripEmpty, type AuditFilterValues } from '../api/audit-queries'
import { AuditDrawer } from './audit-drawer'
import { ExportButton } from './export-button'
import { auditActionFilters, auditActionLabel } from '@shared/audit-actions'

const filterNames = ['tenantId', 'actorId', 'action', 'from', 'to', 'q'] as const

/** From <input type="datetime-local"> (local time) to an ISO instant, and back. */
const toInstant = (local: string): string | undefined => (local ? new Date(local).toISOString() : undefined)
const toLocal = (iso: string | undefined): string =>
  iso ? new Date(new Date(iso).getTime() - new Date().getTimezoneOffset() * 60_000).toISOString().slice(0, 16) : ''

/**
 * The audit log: one tenant's (`fixedTenantId`, or the tenant filter) or, for an operator, every
 * tenant's. The tenant's view decides the route: a member reads through the tenant route, with
 * no reason asked, even when they are also an operator.
 */
export function AuditExplorer({ fixedTenantId }: { fixedTenantId?: string }) {
  const operatorCall = useOperatorCall()
  const [params, setParams] = useSearchParams()
  const filters: AuditFilterValues = useMemo(() => {
    const values = Object.fromEntries(filterNames.map((name) => [name, params.get(name) ?? undefined])) as AuditFilterValues
    return fixedTenantId ? { ...values, tenantId: fixedTenantId } : values
  }, [params, fixedTenantId])
  const [draft, setDraft] = useState(filters)
  useEffect(() => setDraft(filters), [filters])
  const view = useTenantView(filters.tenantId)
  const route = auditRouteOf(view)
  // A member whose role may not read the log is told so, as for API keys (no operator detour).
  const hidden = view.via === 'member' && !view.can('audit:read')
  const query = useInfiniteQuery({
    ...auditPagesQuery(route, filters, operatorCall),
    enabled: !hidden && (route === 'operator' || Boolean(filters.tenantId)),
  })
  const items = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data])
  const [selected, setSelected] = useState<AuditLogItem | null>(null)
  const scroller = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 52,
    overscan: 10,
  })
  const virtualItems = virtualizer.getVirtualItems()
  useEffect(() => {
    const last = virtualItems.at(-1)
    if (last && last.index >= items.length - 10 && query.hasNextPage && !query.isFetchingNextPage) void query.fetchNextPage()
  }, [virtualItems, items.length, query])

  const apply = (values: AuditFilterValues) => {
    const next = stripEmpty({ ...values, ...(fixedTenantId ? { tenantId: undefined } : {}) })
    const keep = params.get('tab')
    setParams({ ...(keep ? { tab: keep } : {}), ...next })
  }

  return (
    <section className={fixedTenantId ? 'panel' : 'page'}>
      {!fixedTenantId && (
        <header className="page-header">
          <h1>Audit log</h1>
        </header>
      )}
      <form
        className="filters"
        aria-label="Audit filters"
        onSubmit={(event) => {
          event.preventDefault()
          apply(draft)
        }}
      >
        {!fixedTenantId && (
          <label>
            Tenant id
            <input
              value={draft.tenantId ?? ''}
              onChange={(event) => setDraft({ ...draft, tenantId: event.target.value || undefined })}
              placeholder="all tenants"
            />
          </label>
        )}
        <label>
          Action
          <input
            list="audit-action-catalogue"
            value={draft.action ?? ''}
            onChange={(event) => setDraft({ ...draft, action: event.target.value || undefined })}
            placeholder="auth.* or api_key.created"
          />
          <datalist id="audit-action-catalogue">
            {auditActionFilters.map((filter) => (
              <option key={filter} value={filter}>
                {filter.endsWith('.*') ? `every ${filter.slice(0, -2)} event` : auditActionLabel(filter)}
              </option>
            ))}
          </datalist>
        </label>
        <label>
          Actor id
          <input value={draft.actorId ?? ''} onChange={(event) => setDraft({ ...draft, actorId: event.target.value || undefined })} />
        </label>
        <label>
          From
          <input
            type="datetime-local"
            value={toLocal(draft.from)}
            onChange={(event) => setDraft({ ...draft, from: toInstant(event.target.value) })}
          />
        </label>
        <label>
          To
          <input
            type="datetime-local"
            value={toLocal(draft.to)}
            onChange={(event) => setDraft({ ...draft, to: toInstant(event.target.value) })}
          />
        </label>
        <label>
          Text
          <input
            type="search"
            value={draft.q ?? ''}
            onChange={(event) => setDraft({ ...draft, q: event.target.value || undefined })}
            placeholder="names, targets, metadata"
          />
        </label>
        <button type="submit" className="primary">
          Apply
        </button>
        {!hidden && <ExportButton filters={filters} />}
      </form>
      {hidden && <Banner tone="info" title="The audit log is visible to admins and owners." />}
      {query.isPending && query.fetchStatus !== 'idle' && <Loading label="Loading audit events…" />}
      {query.isError && <ErrorState error={query.error} onRetry={() => void query.refetch()} />}
      {query.isSuccess && items.length === 0 && <EmptyState title="No audit events match these filters." />}
      {items.length > 0 && (
        <div className="table-scroll audit-list" ref={scroller} role="list" aria-label="Audit events">
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualItems.map((virtual) => {
              const item = items[virtual.index]!
              return (
                <button
                  key={item.id}
                  type="button"
                  role="listitem"
                  className="audit-row"
                  style={{ position: 'absolute', top: 0, transform: `translateY(${virtual.start}px)`, height: virtual.size }}
                  onClick={() => setSelected(item)}
                >
                  <span className="audit-time">{formatDateTime(item.at)}</span>
                  <span className="audit-action" title={item.action}>
                    {auditActionLabel(item.action)}
                  </span>
                  <span>
                    <strong>{item.actor.name ?? item.actor.type}</strong>
                    {item.target.name ? ` → ${item.target.name}` : ''}
                  </span>
                  <span className="muted">{item.reason ? `Reason: ${item.reason}` : (item.ip ?? '')}</span>
                </button>
              )
            })}
          </div>
          {query.isFetchingNextPage && <Loading label="Loading older events…" />}
        </div>
      )}
      <AuditDrawer item={selected} neighbours={items} onClose={() => setSelected(null)} reasonScope={auditReasonScope(filters)} />
    </section>
  )
}
