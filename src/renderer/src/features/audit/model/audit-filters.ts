/**
 * The explorer's filters, with one source of truth: the query string of the page's own route
 * (`#/audit?action=api_key.deleted&range=7d`, `#/tenants/<id>?tab=audit&actorId=…`). The
 * controls show what the URL says and change it; the list and the export read it; so what is on
 * screen, what is listed and what is exported cannot differ. A relative range ("last 7 days") is
 * resolved to absolute bounds when the list loads, and the export uses those same bounds.
 */
import { auditActionFamilies, auditActionLabel, isAuditActionFilter } from '@shared/audit-actions'
import { formatNumber } from '@renderer/lib/format'

export const relativeRanges = {
  '15m': { label: '15 minutes', words: 'last 15 minutes', ms: 15 * 60_000 },
  '1h': { label: '1 hour', words: 'last hour', ms: 60 * 60_000 },
  '24h': { label: '24 hours', words: 'last 24 hours', ms: 24 * 60 * 60_000 },
  '7d': { label: '7 days', words: 'last 7 days', ms: 7 * 24 * 60 * 60_000 },
  '30d': { label: '30 days', words: 'last 30 days', ms: 30 * 24 * 60 * 60_000 },
} as const
export type RelativeRange = keyof typeof relativeRanges
export const relativeRangeNames = Object.keys(relativeRanges) as RelativeRange[]
export const isRelativeRange = (value: string | null | undefined): value is RelativeRange =>
  typeof value === 'string' && Object.hasOwn(relativeRanges, value)

export type OperatorAccess = 'include' | 'exclude'

/** What the page filters on, as its URL says (ids, not names; a range, not yet bounds). */
export interface AuditViewFilters {
  tenantId?: string
  action?: string
  actorId?: string
  targetId?: string
  q?: string
  /** A relative range, resolved when the list loads; excludes from/to. */
  range?: RelativeRange
  /** An absolute range (ISO instants), when no relative one. */
  from?: string
  to?: string
  /** Operators' access rows: hidden unless asked for. */
  operatorAccess: OperatorAccess
}

/** The query-string names of the filters, in the order they are written. */
export const filterParamNames = ['tenantId', 'action', 'actorId', 'targetId', 'q', 'range', 'from', 'to', 'operatorAccess'] as const
export type FilterParamName = (typeof filterParamNames)[number]

export const defaultFilters: AuditViewFilters = { operatorAccess: 'exclude' }

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
export const isUuid = (value: string | null | undefined): value is string => typeof value === 'string' && uuidPattern.test(value)
const isInstant = (value: string | null | undefined): value is string =>
  typeof value === 'string' &&
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value) &&
  !Number.isNaN(Date.parse(value))
const text = (value: string | null, max: number): string | undefined => {
  const trimmed = value?.trim()
  return trimmed && trimmed.length <= max ? trimmed : undefined
}

/**
 * The filters a query string holds; anything the backend would refuse (an unknown action, an id
 * that is not one, a date that is not a date) is left out rather than sent. `fixedTenantId`: the
 * tenant's own page, whose tenant is not a filter.
 */
export function filtersFromParams(params: URLSearchParams, fixedTenantId?: string): AuditViewFilters {
  const filters: AuditViewFilters = { operatorAccess: params.get('operatorAccess') === 'include' ? 'include' : 'exclude' }
  const tenantId = params.get('tenantId')
  if (fixedTenantId) filters.tenantId = fixedTenantId
  else if (isUuid(tenantId)) filters.tenantId = tenantId.toLowerCase()
  const action = params.get('action')
  if (action && isAuditActionFilter(action)) filters.action = action
  const actorId = params.get('actorId')
  if (isUuid(actorId)) filters.actorId = actorId.toLowerCase()
  const targetId = text(params.get('targetId'), 200)
  if (targetId) filters.targetId = targetId
  const q = text(params.get('q'), 200)
  if (q) filters.q = q
  const range = params.get('range')
  if (isRelativeRange(range)) filters.range = range
  else {
    const from = params.get('from')
    const to = params.get('to')
    if (isInstant(from)) filters.from = new Date(from).toISOString()
    if (isInstant(to)) filters.to = new Date(to).toISOString()
    if (filters.from && filters.to && Date.parse(filters.from) >= Date.parse(filters.to)) delete filters.to
  }
  return filters
}

/** A parameter of a link that names a filter but was not applied, and why. */
export interface IgnoredFilterParam {
  name: FilterParamName
  value: string
  why: string
}

const ignoredReasons: Record<FilterParamName, string> = {
  tenantId: 'not a tenant id',
  action: 'no such action',
  actorId: 'not an id',
  targetId: 'longer than 200 characters',
  q: 'longer than 200 characters',
  range: 'not one of 15m, 1h, 24h, 7d, 30d',
  from: 'not a date and time',
  to: 'not a date and time',
  operatorAccess: 'neither include nor exclude',
}

/**
 * The filter parameters of a link that `filtersFromParams` left out, so the page can say which
 * part of a shared link it did not apply instead of dropping it silently.
 */
export function ignoredFilterParams(params: URLSearchParams, fixedTenantId?: string): IgnoredFilterParam[] {
  const applied = filtersToParams(filtersFromParams(params, fixedTenantId), {}, fixedTenantId)
  const ignored: IgnoredFilterParam[] = []
  for (const name of filterParamNames) {
    const value = params.get(name)
    if (value === null || value.trim() === '') continue
    if (name === 'operatorAccess' && value === 'exclude') continue
    if (name === 'tenantId' && fixedTenantId) {
      ignored.push({ name, value, why: "this page is one tenant's log" })
      continue
    }
    if (applied.has(name)) continue
    const relative = name === 'from' || name === 'to' ? params.get('range') : null
    const why = isRelativeRange(relative)
      ? `a relative range (${relative}) is applied instead`
      : name === 'to' && isInstant(value)
        ? 'not after From'
        : ignoredReasons[name]
    ignored.push({ name, value, why })
  }
  return ignored
}

/**
 * The query string for `filters`, keeping the page's other parameters (`keep`: the tenant page's
 * tab). The tenant is written only where it is a filter (not on the tenant's own page).
 */
export function filtersToParams(filters: AuditViewFilters, keep: Record<string, string> = {}, fixedTenantId?: string): URLSearchParams {
  const params = new URLSearchParams(keep)
  for (const name of filterParamNames) {
    if (name === 'tenantId' && fixedTenantId) continue
    if (name === 'operatorAccess') {
      if (filters.operatorAccess === 'include') params.set(name, 'include')
      continue
    }
    if ((name === 'from' || name === 'to') && filters.range) continue
    const value = filters[name]
    if (value) params.set(name, value)
  }
  return params
}

/** The same filters, written the same way: what tells a changed filter from a re-render. */
export const filtersKey = (filters: AuditViewFilters): string => filtersToParams(filters).toString()

/** The absolute bounds a list was read with (a relative range resolved; `to` always set: the list's moment). */
export interface TimeBounds {
  from?: string
  to: string
}

/**
 * The bounds of `filters` at `now`: a relative range becomes [now - range, now); an absolute one
 * stays, its end capped at now; no range reads up to now. So rows written after the list loaded
 * (the export's own audit row, an operator's read) are in neither the list nor its export.
 */
export function resolveTimeBounds(filters: Pick<AuditViewFilters, 'range' | 'from' | 'to'>, now: number): TimeBounds {
  const nowIso = new Date(now).toISOString()
  if (filters.range) return { from: new Date(now - relativeRanges[filters.range].ms).toISOString(), to: nowIso }
  const to = filters.to && Date.parse(filters.to) < now ? filters.to : nowIso
  return filters.from ? { from: filters.from, to } : { to }
}

/** What the backend is asked for (the list and the export alike): the filters with resolved bounds. */
export interface AuditQueryFilters {
  tenantId?: string
  action?: string
  actorId?: string
  targetId?: string
  q?: string
  from?: string
  to?: string
  operatorAccess?: OperatorAccess
}

export function queryFilters(filters: AuditViewFilters, bounds: TimeBounds): AuditQueryFilters {
  const result: AuditQueryFilters = { operatorAccess: filters.operatorAccess }
  for (const name of ['tenantId', 'action', 'actorId', 'targetId', 'q'] as const) {
    const value = filters[name]
    if (value) result[name] = value
  }
  if (bounds.from) result.from = bounds.from
  result.to = bounds.to
  return result
}

/** The words for an action filter: "API key revoked", or "All auth events" for a family. */
export const familyWords: Record<string, string> = {
  auth: 'auth',
  session: 'session',
  tenant: 'tenant',
  member: 'member',
  invitation: 'invitation',
  api_key: 'API key',
  integration: 'integration',
  audit: 'audit log',
  ai: 'AI quota',
  operator: 'operator access',
}
export function actionFilterLabel(action: string): string {
  if (action.endsWith('.*')) {
    const family = action.slice(0, -2)
    return auditActionFamilies.includes(family) ? `All ${familyWords[family] ?? family} events` : action
  }
  return auditActionLabel(action)
}

/** A bounded count in words: "1,234 events", "1 event", "more than 10,000 events". */
export function countWords(count: { value: number; exact: boolean }): string {
  if (!count.exact) return `more than ${formatNumber(count.value)} events`
  return `${formatNumber(count.value)} event${count.value === 1 ? '' : 's'}`
}

/** The names the words use, where known (ids otherwise). */
export interface FilterNames {
  tenant?: string | null
  actor?: string | null
  target?: string | null
}

/** One chip per applied filter (the tenant's own page has no tenant chip). */
export interface FilterChip {
  name: Exclude<FilterParamName, 'from' | 'to' | 'operatorAccess'> | 'time'
  label: string
}

export function filterChips(
  filters: AuditViewFilters,
  names: FilterNames,
  formatInstant: (iso: string) => string,
  fixedTenantId?: string,
): FilterChip[] {
  const chips: FilterChip[] = []
  if (filters.tenantId && !fixedTenantId) chips.push({ name: 'tenantId', label: `Tenant: ${names.tenant ?? filters.tenantId}` })
  if (filters.action) chips.push({ name: 'action', label: `Action: ${actionFilterLabel(filters.action)}` })
  if (filters.actorId) chips.push({ name: 'actorId', label: `Actor: ${names.actor ?? filters.actorId}` })
  if (filters.targetId) chips.push({ name: 'targetId', label: `Target: ${names.target ?? filters.targetId}` })
  if (filters.q) chips.push({ name: 'q', label: `Text: “${filters.q}”` })
  const time = timeWords(filters, null, formatInstant)
  if (time) chips.push({ name: 'time', label: `Time: ${time}` })
  return chips
}

/** The time filter in words; with `bounds`, the absolute bounds it was read with too. */
export function timeWords(
  filters: Pick<AuditViewFilters, 'range' | 'from' | 'to'>,
  bounds: TimeBounds | null,
  formatInstant: (iso: string) => string,
): string | null {
  if (filters.range) {
    const words = relativeRanges[filters.range].words
    return bounds?.from ? `${words} (from ${formatInstant(bounds.from)} to ${formatInstant(bounds.to)})` : words
  }
  if (filters.from && filters.to) return `from ${formatInstant(filters.from)} to ${formatInstant(bounds?.to ?? filters.to)}`
  if (filters.from)
    return bounds ? `from ${formatInstant(filters.from)} to ${formatInstant(bounds.to)}` : `since ${formatInstant(filters.from)}`
  if (filters.to) return `before ${formatInstant(bounds?.to ?? filters.to)}`
  return bounds ? `any time up to ${formatInstant(bounds.to)}` : null
}

/**
 * The export's filter in one line: "1,234 events · API key revoked · tenant Acme · last 7 days
 * (from … to …, UTC) · operator access hidden".
 */
export function describeExport(
  filters: AuditViewFilters,
  bounds: TimeBounds,
  count: { value: number; exact: boolean } | null,
  names: FilterNames,
  formatInstant: (iso: string) => string,
  zoneName: string,
): string {
  const parts: string[] = []
  if (count) parts.push(countWords(count))
  parts.push(filters.action ? actionFilterLabel(filters.action) : 'every action')
  parts.push(filters.tenantId ? `tenant ${names.tenant ?? filters.tenantId}` : 'every tenant')
  if (filters.actorId) parts.push(`actor ${names.actor ?? filters.actorId}`)
  if (filters.targetId) parts.push(`target ${names.target ?? filters.targetId}`)
  if (filters.q) parts.push(`text “${filters.q}”`)
  const time = timeWords(filters, bounds, formatInstant)!
  parts.push(time.endsWith(')') ? `${time.slice(0, -1)}, ${zoneName})` : `${time} (${zoneName})`)
  parts.push(filters.operatorAccess === 'include' ? 'operator access shown' : 'operator access hidden')
  return parts.join(' · ')
}

/** `filters` without one chip's filter (the time chip removes the whole range). */
export function withoutFilter(filters: AuditViewFilters, name: FilterChip['name']): AuditViewFilters {
  const next = { ...filters }
  if (name === 'time') {
    delete next.range
    delete next.from
    delete next.to
  } else delete next[name]
  return next
}
