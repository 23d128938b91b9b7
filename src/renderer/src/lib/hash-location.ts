/**
 * The console's location, all of it in the URL's hash: `#/audit?action=auth.*`. wouter's own
 * hash hook keeps the query string in `location.search`, outside the hash, so it stays when a
 * link changes the hash: a tenant tab's filters followed you to the global audit log and to the
 * next tenant. Here each route carries its own query, and a link without one has none.
 */
import { useSyncExternalStore } from 'react'
import type { BaseLocationHook } from 'wouter'

function subscribe(onChange: () => void): () => void {
  addEventListener('hashchange', onChange)
  return () => removeEventListener('hashchange', onChange)
}

/** `#/tenants/1?tab=audit` → ['/tenants/1', 'tab=audit']. */
export function splitHash(hash: string): [path: string, search: string] {
  const withoutMark = hash.replace(/^#?\/?/, '/')
  const at = withoutMark.indexOf('?')
  return at === -1 ? [withoutMark, ''] : [withoutMark.slice(0, at), withoutMark.slice(at + 1)]
}

const currentPath = () => splitHash(location.hash)[0]
const currentSearch = () => splitHash(location.hash)[1]

export function navigateInHash(to: string, { replace = false }: { replace?: boolean } = {}): void {
  const url = new URL(location.href)
  url.hash = to.startsWith('/') ? to : `/${to}`
  if (url.href === location.href) return
  const oldURL = location.href
  history[replace ? 'replaceState' : 'pushState'](null, '', url.href)
  dispatchEvent(new HashChangeEvent('hashchange', { oldURL, newURL: url.href }))
}

function useHashSearch(): string {
  return useSyncExternalStore(subscribe, currentSearch)
}

export const useHashPathLocation: BaseLocationHook & { searchHook: () => string; hrefs: (href: string) => string } = Object.assign(
  () => [useSyncExternalStore(subscribe, currentPath), navigateInHash] as [string, typeof navigateInHash],
  { searchHook: useHashSearch, hrefs: (href: string) => `#${href}` },
)
