import { useCallback, useMemo } from 'react'
import { useSearchParams } from 'wouter'
import { changeUsageView, usageViewFromParams, usageViewToParams, type UsageView } from '../model/usage-view'

/** The usage page's view, read from and written to its route's query string (each change a history entry). */
export function useUsageView(): [UsageView, (change: Partial<UsageView>) => void] {
  const [params, setParams] = useSearchParams()
  const view = useMemo(() => usageViewFromParams(params), [params])
  const setView = useCallback(
    (change: Partial<UsageView>) => setParams(usageViewToParams(changeUsageView(view, change), params)),
    [view, params, setParams],
  )
  return [view, setView]
}
