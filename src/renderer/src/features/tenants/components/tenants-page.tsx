import { useInfiniteQuery } from '@tanstack/react-query'
import { createColumnHelper, flexRender, getCoreRowModel, getSortedRowModel, useReactTable, type SortingState } from '@tanstack/react-table'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useMemo, useRef, useState } from 'react'
import { useLocation } from 'wouter'
import { Freshness } from '@renderer/components/ui/freshness'
import { EmptyState, ErrorState, Loading } from '@renderer/components/ui/states'
import { formatCompact, formatPercent } from '@renderer/lib/format'
import { useOperatorCall } from '@renderer/lib/operator-call'
import { useTenantView } from '@renderer/lib/tenant-view'
import { directoryQuery, type TenantRow } from '../api/tenant-queries'
import { CreateTenantButton } from './create-tenant'
import { QuotaStateBadge } from './quota-state-badge'
import { SuspendedBadge } from './tenant-lifecycle'

const column = createColumnHelper<TenantRow>()

export function TenantsPage() {
  // Across tenants: an operator lists every tenant (audited, with a reason), anyone else their own.
  const operator = useTenantView().via === 'operator'
  const operatorCall = useOperatorCall()
  const [search, setSearch] = useState('')
  const [q, setQ] = useState('')
  const [sorting, setSorting] = useState<SortingState>([{ id: 'name', desc: false }])
  const [, navigate] = useLocation()
  useEffect(() => {
    const timer = setTimeout(() => setQ(search.trim()), 250)
    return () => clearTimeout(timer)
  }, [search])
  const query = useInfiniteQuery(directoryQuery(q, operator ? operatorCall : null))
  // Load every page in the background: sorting and searching then cover all tenants.
  useEffect(() => {
    if (query.hasNextPage && !query.isFetchingNextPage) void query.fetchNextPage()
  }, [query])
  const rows = useMemo(() => query.data?.pages.flatMap((page) => page.items) ?? [], [query.data])
  const columns = useMemo(
    () => [
      column.accessor('name', {
        header: 'Tenant',
        cell: (info) => (
          <>
            <strong>{info.getValue()}</strong>
            {info.row.original.suspendedAt && (
              <>
                {' '}
                <SuspendedBadge since={info.row.original.suspendedAt} />
              </>
            )}
          </>
        ),
      }),
      column.accessor('slug', { header: 'Slug', cell: (info) => <code>{info.getValue()}</code> }),
      operator
        ? column.accessor('memberCount', { header: 'Members', cell: (info) => info.getValue() ?? '—' })
        : column.accessor('role', { header: 'Your role', cell: (info) => info.getValue() ?? '—' }),
      column.accessor((row) => (row.monthlyTokenCeiling ? (row.monthTokens ?? 0) / row.monthlyTokenCeiling : null), {
        id: 'usage',
        header: 'Tokens this month',
        cell: (info) =>
          info.row.original.monthlyTokenCeiling ? (
            <span className="meter-cell">
              <meter min={0} max={1} low={0.8} high={0.95} optimum={0} value={Math.min(1, info.getValue() ?? 0)} />
              {formatCompact(info.row.original.monthTokens ?? 0)} / {formatCompact(info.row.original.monthlyTokenCeiling)} (
              {formatPercent(info.getValue() ?? 0)})
            </span>
          ) : (
            '—'
          ),
      }),
      column.accessor('state', { header: 'Quota', cell: (info) => (info.getValue() ? <QuotaStateBadge state={info.getValue()!} /> : '—') }),
    ],
    [operator],
  )
  const table = useReactTable({
    data: rows,
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
  })
  const scroller = useRef<HTMLDivElement>(null)
  const tableRows = table.getRowModel().rows
  const virtualizer = useVirtualizer({
    count: tableRows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 44,
    overscan: 12,
  })

  return (
    <section className="page">
      <header className="page-header">
        <h1>Tenants</h1>
        <input
          type="search"
          aria-label="Search tenants"
          placeholder="Search by name or slug"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
        <span className="muted" aria-live="polite">
          {rows.length} tenant{rows.length === 1 ? '' : 's'}
          {query.hasNextPage ? ' (loading more…)' : ''}
        </span>
        <Freshness updatedAt={query.dataUpdatedAt} fetching={query.isFetching} onRefresh={() => void query.refetch()} />
        {operator && <CreateTenantButton />}
      </header>
      {query.isPending && <Loading label="Loading tenants…" />}
      {query.isError && <ErrorState error={query.error} onRetry={() => void query.refetch()} />}
      {query.isSuccess && rows.length === 0 && <EmptyState title={q ? 'No tenant matches this search.' : 'No tenants yet.'} />}
      {rows.length > 0 && (
        <div className="table-scroll" ref={scroller} role="grid" aria-rowcount={tableRows.length} aria-label="Tenants">
          <div className="table-row table-head" role="row">
            {table.getHeaderGroups()[0]!.headers.map((header) => (
              <div
                key={header.id}
                role="columnheader"
                className="cell"
                aria-sort={
                  header.column.getIsSorted() === 'asc' ? 'ascending' : header.column.getIsSorted() === 'desc' ? 'descending' : 'none'
                }
              >
                <button type="button" className="sort-button" onClick={header.column.getToggleSortingHandler()}>
                  {flexRender(header.column.columnDef.header, header.getContext())}
                  {header.column.getIsSorted() === 'asc' ? ' ▲' : header.column.getIsSorted() === 'desc' ? ' ▼' : ''}
                </button>
              </div>
            ))}
          </div>
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const row = tableRows[item.index]!
              return (
                <div
                  key={row.id}
                  role="row"
                  tabIndex={0}
                  aria-rowindex={item.index + 1}
                  className="table-row table-body-row"
                  style={{ position: 'absolute', top: 0, transform: `translateY(${item.start}px)`, height: item.size }}
                  onClick={() => navigate(`/tenants/${row.original.id}`)}
                  onKeyDown={(event) => {
                    if (event.key === 'Enter') navigate(`/tenants/${row.original.id}`)
                  }}
                >
                  {row.getVisibleCells().map((cell) => (
                    <div key={cell.id} role="gridcell" className="cell">
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </div>
                  ))}
                </div>
              )
            })}
          </div>
        </div>
      )}
    </section>
  )
}
