/**
 * @module deep-link
 * Links to a view of the console: `limena://open/audit?action=auth.*`. The console copies them
 * ("Copy link to this view"); the desktop app is the handler of the `limena:` scheme and opens
 * the view they name. Only an in-app route comes out of one: a path of plain segments and a
 * query, nothing that could name another origin, a file or script.
 */
export const deepLinkScheme = 'limena'
const prefix = `${deepLinkScheme}://open`
const routePattern = /^\/[A-Za-z0-9/_-]*(\?[A-Za-z0-9._~!$&'()*+,;=:@/?%-]*)?$/

/** The link to an in-app route such as `/audit?action=auth.*` (its query percent-encoded as it is). */
export function deepLinkTo(route: string): string {
  return `${prefix}${route.startsWith('/') ? route : `/${route}`}`
}

/** The in-app route a link names, or null for anything else (another scheme or host, odd characters, over 2,000 characters). */
export function routeOfDeepLink(link: string): string | null {
  if (typeof link !== 'string' || link.length > 2000 || !link.startsWith(`${prefix}/`)) return null
  const route = link.slice(prefix.length)
  if (!routePattern.test(route) || route.includes('//') || /(^|\/)\.\.?(\/|\?|$)/.test(route)) return null
  return route
}

/** The first deep link among a process's arguments (how a second launch or the OS hands one over). */
export function deepLinkRouteIn(argv: readonly string[]): string | null {
  for (const argument of argv) {
    const route = routeOfDeepLink(argument)
    if (route) return route
  }
  return null
}
