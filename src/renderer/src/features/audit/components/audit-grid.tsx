import {
  createColumnHelper,
  flexRender,
  getCoreRowModel,
  useReactTable,
  type ColumnSizingState,
  type Updater,
  type VisibilityState,
} from '@tanstack/react-table'
import { useVirtualizer } from '@tanstack/react-virtual'
import { useEffect, useImperativeHandle, useMemo, useRef, useState, type KeyboardEvent, type Ref } from 'react'
import { auditActionLabel } from '@shared/audit-actions'
import type { AuditLogItem } from '@shared/contract'
import { formatDateTime } from '@renderer/lib/format'
import { timeZoneName, useTimeZone } from '@renderer/lib/time-zone'
import { CopyButton } from './copy-button'

export type AuditColumnId = 'at' | 'tenant' | 'action' | 'actor' | 'target' | 'detail' | 'id'

export const auditColumnNames: Record<AuditColumnId, string> = {
  at: 'Time',
  tenant: 'Tenant',
  action: 'Action',
  actor: 'Actor',
  target: 'Target',
  detail: 'Reason/IP',
  id: 'Event id',
}
const defaultSizes: Record<AuditColumnId, number> = { at: 215, tenant: 170, action: 190, actor: 220, target: 220, detail: 230, id: 110 }
const minSize = 70
const maxSize = 900
const rowHeight = 40

/** What the grid remembers of its columns between sessions, per view (the cross-tenant one has a tenant column). */
interface ColumnLayout {
  sizing: ColumnSizingState
  visibility: VisibilityState
}
const layoutKey = (global: boolean) => `limena.audit.columns.${global ? 'global' : 'tenant'}.v1`

function readLayout(global: boolean): ColumnLayout {
  try {
    const stored = JSON.parse(localStorage.getItem(layoutKey(global)) ?? 'null') as Partial<ColumnLayout> | null
    const sizing = Object.fromEntries(
      Object.entries(stored?.sizing ?? {}).filter(
        ([id, size]) => Object.hasOwn(defaultSizes, id) && typeof size === 'number' && size >= minSize && size <= maxSize,
      ),
    )
    const visibility = Object.fromEntries(
      Object.entries(stored?.visibility ?? {}).filter(
        ([id, shown]) => Object.hasOwn(defaultSizes, id) && id !== 'at' && typeof shown === 'boolean',
      ),
    )
    return { sizing, visibility }
  } catch {
    return { sizing: {}, visibility: {} }
  }
}

function writeLayout(global: boolean, layout: ColumnLayout): void {
  try {
    localStorage.setItem(layoutKey(global), JSON.stringify(layout))
  } catch {
    // Not remembered: the layout still applies to this session.
  }
}

const apply = <T,>(updater: Updater<T>, previous: T): T => (typeof updater === 'function' ? (updater as (old: T) => T)(previous) : updater)

/** The grid's handle for the explorer: bring an event's row into view, and give it the focus. */
export interface AuditGridHandle {
  focusRow: (eventId: string) => void
  scrollToRow: (eventId: string) => void
}

const column = createColumnHelper<AuditLogItem>()

/** A name with its id a click away: the name in full on hover where the column cuts it. */
function NamedCell({
  name,
  fallback,
  id,
  idLabel,
  onCopied,
}: {
  name: string | null
  fallback: string
  id: string | null
  idLabel: string
  onCopied: (message: string) => void
}) {
  const shown = name ?? fallback
  return (
    <span className="named-cell">
      <span className="named-cell-name" title={id ? `${shown} (${id})` : shown}>
        {shown}
      </span>
      {id && <CopyButton text={id} label={idLabel} onCopied={onCopied} tabbable={false} />}
    </span>
  )
}

/**
 * The audit events as a grid: column headers, resizable columns and a column chooser (both
 * remembered), virtualized rows loaded page by page as they scroll into view. A row opens its
 * event (click or Enter); ↑/↓ move between rows; j/k (anywhere on the page but in a field) move
 * the selected event, scrolling it into view.
 */
export function AuditGrid({
  items,
  global,
  tenantName,
  selectedId,
  onOpen,
  onSelect,
  hasMore,
  loadingMore,
  loadMore,
  rowCount,
  onCopied,
  ref,
}: {
  items: AuditLogItem[]
  /** The cross-tenant view: a tenant column. */
  global: boolean
  tenantName: (tenantId: string) => string | null
  selectedId: string | null
  /** The user opened an event (click, Enter): the drawer opens and takes the focus. */
  onOpen: (eventId: string) => void
  /** j/k moved the selection: the drawer follows without taking the focus. */
  onSelect: (eventId: string) => void
  hasMore: boolean
  loadingMore: boolean
  loadMore: () => void
  /** Rows the grid has in all (the header row included), or -1 when not known. */
  rowCount: number
  onCopied: (message: string) => void
  ref?: Ref<AuditGridHandle>
}) {
  const zone = useTimeZone()
  const [layout, setLayout] = useState(() => readLayout(global))
  const [columnsOpen, setColumnsOpen] = useState(false)
  const columns = useMemo(
    () => [
      column.accessor('at', {
        id: 'at',
        size: defaultSizes.at,
        header: 'Time',
        cell: (info) => (
          <time dateTime={info.getValue()}>{formatDateTime(info.getValue(), { seconds: true, zone, zoneLabel: false })}</time>
        ),
      }),
      ...(global
        ? [
            column.accessor('tenantId', {
              id: 'tenant',
              size: defaultSizes.tenant,
              header: 'Tenant',
              cell: (info) => (
                <NamedCell
                  name={tenantName(info.getValue())}
                  fallback="…"
                  id={info.getValue()}
                  idLabel="Copy tenant id"
                  onCopied={onCopied}
                />
              ),
            }),
          ]
        : []),
      column.accessor('action', {
        id: 'action',
        size: defaultSizes.action,
        header: 'Action',
        cell: (info) => <span title={info.getValue()}>{auditActionLabel(info.getValue())}</span>,
      }),
      column.accessor((item) => item.actor.name ?? item.actor.type, {
        id: 'actor',
        size: defaultSizes.actor,
        header: 'Actor',
        cell: (info) => (
          <NamedCell
            name={info.row.original.actor.name}
            fallback={info.row.original.actor.type}
            id={info.row.original.actor.id}
            idLabel="Copy actor id"
            onCopied={onCopied}
          />
        ),
      }),
      column.accessor((item) => item.target.name ?? '', {
        id: 'target',
        size: defaultSizes.target,
        header: 'Target',
        cell: (info) => (
          <NamedCell
            name={info.row.original.target.name}
            fallback={info.row.original.target.type ?? '—'}
            id={info.row.original.target.id}
            idLabel="Copy target id"
            onCopied={onCopied}
          />
        ),
      }),
      column.accessor((item) => (item.reason ? `Reason: ${item.reason}` : (item.ip ?? '')), {
        id: 'detail',
        size: defaultSizes.detail,
        header: 'Reason/IP',
        cell: (info) => (
          <span className={info.row.original.reason ? undefined : 'muted'} title={info.getValue()}>
            {info.getValue()}
          </span>
        ),
      }),
      column.accessor('id', {
        id: 'id',
        size: defaultSizes.id,
        header: 'Event id',
        cell: (info) => (
          <span className="named-cell">
            <code className="named-cell-name">{info.getValue()}</code>
            <CopyButton text={info.getValue()} label="Copy event id" onCopied={onCopied} tabbable={false} />
          </span>
        ),
      }),
    ],
    [global, tenantName, onCopied, zone],
  )
  const table = useReactTable({
    data: items,
    columns,
    getRowId: (item) => item.id,
    state: { columnSizing: layout.sizing, columnVisibility: layout.visibility },
    defaultColumn: { minSize, maxSize },
    columnResizeMode: 'onChange',
    onColumnSizingChange: (updater) =>
      setLayout((current) => {
        const next = { ...current, sizing: apply(updater, current.sizing) }
        writeLayout(global, next)
        return next
      }),
    onColumnVisibilityChange: (updater) =>
      setLayout((current) => {
        const next = { ...current, visibility: { ...apply(updater, current.visibility), at: true } }
        writeLayout(global, next)
        return next
      }),
    getCoreRowModel: getCoreRowModel(),
  })
  const rows = table.getRowModel().rows
  const scroller = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => rowHeight,
    overscan: 10,
  })
  const virtualItems = virtualizer.getVirtualItems()
  const lastVirtual = virtualItems.at(-1)?.index ?? -1
  useEffect(() => {
    if (lastVirtual >= items.length - 10 && hasMore && !loadingMore) loadMore()
  }, [lastVirtual, items.length, hasMore, loadingMore, loadMore])

  const indexOf = (eventId: string | null) => (eventId ? items.findIndex((item) => item.id === eventId) : -1)
  const selectedIndex = indexOf(selectedId)
  // Roving focus: one row is in the tab order (the selected one, or the first).
  const [focusIndex, setFocusIndex] = useState(0)
  // The column-resize handles are one tab stop (roving): Left and Right resize, Up and Down move to the previous or next column's handle.
  const [resizerIndex, setResizerIndex] = useState(0)
  const tabIndexRow = selectedIndex >= 0 ? selectedIndex : Math.min(focusIndex, Math.max(0, items.length - 1))
  const pendingFocus = useRef<string | null>(null)
  const rowElement = (eventId: string) =>
    scroller.current?.querySelector<HTMLElement>(`[role="row"][data-event-id="${CSS.escape(eventId)}"]`) ?? null

  // A row asked to take the focus once it is rendered (after a scroll brought it into view).
  useEffect(() => {
    const wanted = pendingFocus.current
    if (!wanted) return
    const element = rowElement(wanted)
    if (element) {
      pendingFocus.current = null
      element.focus({ preventScroll: true })
    }
  })

  const scrollToRow = (eventId: string) => {
    const index = indexOf(eventId)
    if (index >= 0) virtualizer.scrollToIndex(index, { align: 'auto' })
  }
  const focusRow = (eventId: string) => {
    const index = indexOf(eventId)
    if (index < 0) return
    setFocusIndex(index)
    virtualizer.scrollToIndex(index, { align: 'auto' })
    const element = rowElement(eventId)
    if (element) element.focus({ preventScroll: true })
    else pendingFocus.current = eventId
  }
  useImperativeHandle(ref, () => ({ focusRow, scrollToRow }))

  // j/k: the next (older) or previous (newer) event, from anywhere but a field or a dialog.
  useEffect(() => {
    const onKey = (event: globalThis.KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return
      if (event.key !== 'j' && event.key !== 'k') return
      const target = event.target as HTMLElement | null
      if (target?.closest('input, textarea, select, [contenteditable="true"], dialog')) return
      if (document.querySelector('dialog[open]')) return
      if (items.length === 0) return
      event.preventDefault()
      const focusedRow = target && scroller.current?.contains(target) ? target.closest<HTMLElement>('[role="row"][data-event-id]') : null
      // From the selected event, else from the focused row, else before the first.
      const from = selectedId ?? focusedRow?.dataset.eventId ?? null
      const current = from ? items.findIndex((item) => item.id === from) : -1
      const next = current < 0 ? 0 : Math.max(0, Math.min(items.length - 1, current + (event.key === 'j' ? 1 : -1)))
      const nextItem = items[next]!
      const rowHadFocus = Boolean(focusedRow)
      onSelect(nextItem.id)
      setFocusIndex(next)
      virtualizer.scrollToIndex(next, { align: 'auto' })
      if (rowHadFocus) pendingFocus.current = nextItem.id
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [items, selectedId, onSelect, virtualizer])

  const onRowKeyDown = (event: KeyboardEvent<HTMLDivElement>, index: number) => {
    if (event.target !== event.currentTarget) return
    const item = items[index]!
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault()
      onOpen(item.id)
      return
    }
    const step = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10 }[event.key]
    const jump = event.key === 'Home' ? 0 : event.key === 'End' ? items.length - 1 : null
    if (step === undefined && jump === null) return
    event.preventDefault()
    const next = jump ?? Math.max(0, Math.min(items.length - 1, index + step!))
    setFocusIndex(next)
    focusRow(items[next]!.id)
  }

  const totalWidth = table.getVisibleLeafColumns().reduce((sum, leaf) => sum + leaf.getSize(), 0)
  const hideable = table.getAllLeafColumns().filter((leaf) => leaf.id !== 'at')

  return (
    <div className="audit-grid-wrap">
      <div className="audit-columns">
        <button type="button" aria-expanded={columnsOpen} aria-controls="audit-column-chooser" onClick={() => setColumnsOpen(!columnsOpen)}>
          Columns
        </button>
        {columnsOpen && (
          <fieldset id="audit-column-chooser" className="audit-column-chooser">
            <legend>Columns shown</legend>
            {hideable.map((leaf) => (
              <label key={leaf.id} className="checkbox">
                <input type="checkbox" checked={leaf.getIsVisible()} onChange={leaf.getToggleVisibilityHandler()} />
                {auditColumnNames[leaf.id as AuditColumnId]}
              </label>
            ))}
            <button
              type="button"
              onClick={() => {
                const next = { sizing: {}, visibility: {} }
                writeLayout(global, next)
                setLayout(next)
              }}
            >
              Reset columns
            </button>
          </fieldset>
        )}
      </div>
      <div className="table-scroll audit-list" ref={scroller} role="grid" aria-label="Audit events" aria-rowcount={rowCount}>
        <div className="audit-grid-row audit-grid-head" role="row" aria-rowindex={1} style={{ minWidth: totalWidth }}>
          {table.getHeaderGroups()[0]!.headers.map((header, headerIndex, headers) => {
            const name = auditColumnNames[header.column.id as AuditColumnId]
            return (
              <div key={header.id} role="columnheader" className="cell audit-th" style={{ width: header.getSize() }}>
                <span>
                  {flexRender(header.column.columnDef.header, header.getContext())}
                  {header.column.id === 'at' && <span className="muted audit-zone"> ({timeZoneName(zone)})</span>}
                </span>
                <div
                  role="separator"
                  aria-orientation="vertical"
                  aria-label={`Resize the ${name} column`}
                  aria-valuenow={header.getSize()}
                  aria-valuemin={minSize}
                  aria-valuemax={maxSize}
                  aria-keyshortcuts="ArrowLeft ArrowRight ArrowUp ArrowDown"
                  title="Left and Right resize this column; Up and Down move to the other columns' handles"
                  tabIndex={headerIndex === Math.min(resizerIndex, headers.length - 1) ? 0 : -1}
                  className={header.column.getIsResizing() ? 'audit-resizer resizing' : 'audit-resizer'}
                  onMouseDown={header.getResizeHandler()}
                  onTouchStart={header.getResizeHandler()}
                  onDoubleClick={() => header.column.resetSize()}
                  onKeyDown={(event) => {
                    const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0
                    if (step) {
                      event.preventDefault()
                      const next = Math.max(0, Math.min(headers.length - 1, headerIndex + step))
                      setResizerIndex(next)
                      const handles = event.currentTarget.closest('[role="row"]')?.querySelectorAll<HTMLElement>('.audit-resizer')
                      handles?.[next]?.focus()
                      return
                    }
                    const delta = event.key === 'ArrowRight' ? 20 : event.key === 'ArrowLeft' ? -20 : 0
                    if (!delta) return
                    event.preventDefault()
                    const size = Math.max(minSize, Math.min(maxSize, header.getSize() + delta))
                    table.setColumnSizing((current) => ({ ...current, [header.column.id]: size }))
                  }}
                />
              </div>
            )
          })}
        </div>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative', minWidth: totalWidth }}>
          {virtualItems.map((virtual) => {
            const row = rows[virtual.index]
            if (!row) return null
            const selected = row.original.id === selectedId
            return (
              <div
                key={row.id}
                role="row"
                data-event-id={row.original.id}
                aria-rowindex={virtual.index + 2}
                aria-selected={selected}
                tabIndex={virtual.index === tabIndexRow ? 0 : -1}
                className={selected ? 'audit-grid-row audit-grid-body-row selected' : 'audit-grid-row audit-grid-body-row'}
                style={{
                  position: 'absolute',
                  top: 0,
                  transform: `translateY(${virtual.start}px)`,
                  height: virtual.size,
                  minWidth: totalWidth,
                }}
                onClick={() => {
                  setFocusIndex(virtual.index)
                  onOpen(row.original.id)
                }}
                onKeyDown={(event) => onRowKeyDown(event, virtual.index)}
              >
                {row.getVisibleCells().map((cell) => (
                  <div key={cell.id} role="gridcell" className="cell" style={{ width: cell.column.getSize() }}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </div>
                ))}
              </div>
            )
          })}
        </div>
      </div>
      {loadingMore && (
        <div className="audit-loading-more muted" role="status">
          Loading older events…
        </div>
      )}
    </div>
  )
}
