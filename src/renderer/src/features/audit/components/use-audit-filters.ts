import { useCallback, useEffect, useMemo } from 'react'
import { useSearchParams } from 'wouter'
import { filterParamNames, filtersFromParams, filtersToParams, ignoredFilterParams, type AuditViewFilters } from '../model/audit-filters'

const eventParam = 'event'

/** The page's other parameters (a tenant page's `tab`), kept when the filters change. */
function otherParams(params: URLSearchParams): Record<string, string> {
  const kept: Record<string, string> = {}
  for (const [name, value] of params) {
    if (name !== eventParam && !(filterParamNames as readonly string[]).includes(name)) kept[name] = value
  }
  return kept
}

/**
 * The filters of this page, read from and written to its own route's query string (the hash):
 * the one source of truth the controls, the chips, the list and the export share. `event` is the
 * event open in the drawer. A filter change closes the drawer and adds a history entry; opening
 * or moving between events replaces the entry.
 */
export function useAuditFilters(fixedTenantId?: string) {
  const [params, setParams] = useSearchParams()
  const filters = useMemo(() => filtersFromParams(params, fixedTenantId), [params, fixedTenantId])
  const eventId = params.get(eventParam)

  const setFilters = useCallback(
    (next: AuditViewFilters) => setParams(filtersToParams(next, otherParams(params), fixedTenantId)),
    [params, setParams, fixedTenantId],
  )
  const setEventId = useCallback(
    (id: string | null) => {
      const next = new URLSearchParams(params)
      if (id) next.set(eventParam, id)
      else next.delete(eventParam)
      setParams(next, { replace: true })
    },
    [params, setParams],
  )

  // A link naming what the backend would refuse (an unknown action, a bad date) is not applied
  // there, and the page says so (`ignored`) until the person drops it (`dropIgnored`); a link
  // with nothing ignored is only rewritten to its canonical order.
  const ignored = useMemo(() => ignoredFilterParams(params, fixedTenantId), [params, fixedTenantId])
  const canonical = filtersToParams(filters, otherParams(params), fixedTenantId)
  if (eventId) canonical.set(eventParam, eventId)
  const canonicalText = canonical.toString()
  const currentText = params.toString()
  useEffect(() => {
    if (ignored.length === 0 && canonicalText !== currentText) setParams(new URLSearchParams(canonicalText), { replace: true })
  }, [ignored.length, canonicalText, currentText, setParams])
  const dropIgnored = useCallback(() => setParams(new URLSearchParams(canonicalText), { replace: true }), [canonicalText, setParams])

  return { filters, setFilters, eventId, setEventId, ignored, dropIgnored }
}
