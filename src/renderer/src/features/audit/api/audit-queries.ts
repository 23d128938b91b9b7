/**
 * Audit pages for the explorer: a tenant's own log through the tenant route (a member), or the
 * operator search with an access reason (an operator who is not a member, or across tenants);
 * the caller's TenantView decides which. Keyset pages, newest first; every filter is in the key,
 * so a changed filter is a new list.
 *
 * The first page resolves the time bounds (a relative range, and "up to now" in every case) and
 * carries them; the next pages and the export reuse them, so the list is one consistent snapshot
 * and the export holds exactly its rows.
 */
import { infiniteQueryOptions, queryOptions, skipToken } from '@tanstack/react-query'
import type { BridgeInput, BridgeOutput } from '@shared/bridge'
import type { AuditLogItem, BoundedCount } from '@shared/contract'
import { crossTenantScope } from '@renderer/lib/access-reasons'
import { call } from '@renderer/lib/bridge'
import type { OperatorCall } from '@renderer/lib/operator-call'
import type { TenantView } from '@renderer/lib/tenant-view'
import { resolveTimeBounds, type RelativeRange, type TimeBounds } from '../model/audit-filters'

/** The explorer's filters are the export's (the contract's audit filters plus a tenant). */
export type AuditFilterValues = BridgeInput<'exportAuditCsv'>
/** The list's filters: the export's, with a relative range still to resolve. */
export type AuditListFilters = AuditFilterValues & { range?: RelativeRange }

/** Which route reads a tenant's audit log: the tenant route unless the view is an operator's. */
export type AuditRoute = 'tenant' | 'operator'
export const auditRouteOf = (view: Pick<TenantView, 'via'>): AuditRoute => (view.via === 'operator' ? 'operator' : 'tenant')

/** The reason scope of an operator read of the log: the tenant filtered on, or every tenant. */
export const auditReasonScope = (filters: Pick<AuditFilterValues, 'tenantId'>): string => filters.tenantId ?? crossTenantScope

const pageSize = 100
const neighbourCount = 25
const subjectLimit = 20
const tenantSearchLimit = 20

export type SubjectRole = 'actor' | 'target'

export const auditKeys = {
  all: ['audit'] as const,
  lists: () => [...auditKeys.all, 'list'] as const,
  list: (route: AuditRoute, filters: AuditListFilters) => [...auditKeys.lists(), route, pageSize, filters] as const,
  /** The events just before one event (an event's tenant and time never change: its id says both). */
  neighbours: (eventId: string | null, route: AuditRoute, reasonScope: string) =>
    [...auditKeys.all, 'chain-neighbours', eventId, route, reasonScope, neighbourCount] as const,
  /** The actor or target pickers' choices. */
  subjects: (route: AuditRoute, tenantId: string | null, role: SubjectRole, q: string) =>
    [...auditKeys.all, 'subjects', route, tenantId, role, q, subjectLimit] as const,
  /** The name of one actor or target id (when no listed event names it). */
  subjectName: (route: AuditRoute, tenantId: string | null, role: SubjectRole, id: string) =>
    [...auditKeys.all, 'subject-name', route, tenantId, role, id] as const,
  /** The tenant picker's choices: every tenant for an operator, the member's own otherwise. */
  tenantSearch: (operator: boolean, q: string) => [...auditKeys.all, 'tenant-search', operator, q, tenantSearchLimit] as const,
  /** Every tenant's name, for the cross-tenant list's tenant column. */
  tenantNames: (operator: boolean) => [...auditKeys.all, 'tenant-names', operator] as const,
  /** One tenant's name by id (no reason asked). */
  tenantName: (tenantId: string) => [...auditKeys.all, 'tenant-name', tenantId] as const,
}

/** One page of the list, with the bounds it was read with and (first page only) its counts. */
export interface AuditPage {
  items: AuditLogItem[]
  nextCursor: string | null
  counts: { matching: BoundedCount; operatorAccess: BoundedCount } | null
  bounds: TimeBounds
}

type PageParam = { cursor: string; bounds: TimeBounds } | null

function withoutEmpty<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== '')) as Partial<T>
}

/** What the backend is asked for: the filters with the resolved bounds, no relative range. */
export function boundedFilters(filters: AuditListFilters, bounds: TimeBounds): AuditFilterValues {
  const { range: _range, from: _from, to: _to, ...rest } = filters
  return withoutEmpty({ ...rest, from: bounds.from, to: bounds.to })
}

export function auditPagesQuery(route: AuditRoute, filters: AuditListFilters, operatorCall: OperatorCall, now: () => number = Date.now) {
  return infiniteQueryOptions({
    queryKey: auditKeys.list(route, filters),
    initialPageParam: null as PageParam,
    queryFn: async ({ pageParam }): Promise<AuditPage> => {
      const bounds = pageParam?.bounds ?? resolveTimeBounds(filters, now())
      const { tenantId, ...search } = boundedFilters(filters, bounds)
      const base = { limit: pageSize, ...(pageParam ? { cursor: pageParam.cursor } : {}), ...search }
      const page =
        route === 'tenant'
          ? await call('listAuditLogs', { tenantId: tenantId!, ...base })
          : await operatorCall(
              'adminListAuditLogs',
              { ...base, ...(tenantId ? { tenantId } : {}) },
              { scope: auditReasonScope({ tenantId }), what: tenantId ? "this tenant's audit log" : 'audit logs across tenants' },
            )
      return { items: page.items, nextCursor: page.nextCursor, counts: page.counts ?? null, bounds }
    },
    getNextPageParam: (last): PageParam => (last.nextCursor ? { cursor: last.nextCursor, bounds: last.bounds } : null),
  })
}

/** The events up to `event` in its tenant's log, read the way `route` says (nothing without an event). */
export function previousEventsQuery(event: AuditLogItem | null, route: AuditRoute, reasonScope: string, operatorCall: OperatorCall) {
  return queryOptions({
    queryKey: auditKeys.neighbours(event?.id ?? null, route, reasonScope),
    queryFn: !event
      ? skipToken
      : async () => {
          const before = { to: new Date(Date.parse(event.at) + 1).toISOString(), limit: neighbourCount }
          const page =
            route === 'operator'
              ? await operatorCall(
                  'adminListAuditLogs',
                  { tenantId: event.tenantId, ...before },
                  { scope: reasonScope, what: "this tenant's audit log" },
                )
              : await call('listAuditLogs', { tenantId: event.tenantId, ...before })
          return page.items
        },
  })
}

/** A picker's choice of actor or target, by name; `tenantIds`: where it appears (the operator route's answer). */
export type AuditSubject = BridgeOutput<'adminListAuditSubjects'>['items'][number]

/** The actors or targets of the log matching `q`, read the way `route` says (see auditSubjectsQuery). */
async function fetchSubjects(
  route: AuditRoute,
  tenantId: string | undefined,
  role: SubjectRole,
  q: string,
  operatorCall: OperatorCall,
): Promise<AuditSubject[]> {
  const input = { role, limit: subjectLimit, ...(q ? { q } : {}) }
  if (route === 'tenant') {
    const answer = await call('listAuditSubjects', { tenantId: tenantId!, ...input })
    return answer.items.map((item) => ({ ...item, tenantIds: [tenantId!] }))
  }
  const answer = await operatorCall(
    'adminListAuditSubjects',
    { ...input, ...(tenantId ? { tenantId } : {}) },
    {
      scope: auditReasonScope({ tenantId }),
      what: tenantId ? `the ${role}s of this tenant's audit log` : `the ${role}s of audit logs across tenants`,
    },
  )
  return answer.items
}

/**
 * The actors or targets of the log matching `q` (name, email or id), most frequent first: one
 * tenant's through the tenant route (a member), or through the operator route (one tenant's or
 * every tenant's), asked with the list's reason scope. Nothing for a member without a tenant.
 */
export function auditSubjectsQuery(
  route: AuditRoute,
  tenantId: string | undefined,
  role: SubjectRole,
  q: string,
  operatorCall: OperatorCall,
) {
  const search = q.trim()
  return queryOptions({
    queryKey: auditKeys.subjects(route, tenantId ?? null, role, search),
    queryFn: route === 'tenant' && !tenantId ? skipToken : () => fetchSubjects(route, tenantId, role, search, operatorCall),
    staleTime: 60_000,
  })
}

/** The name of one actor or target id, looked up among the log's subjects (null when none names it). */
export function subjectNameQuery(
  route: AuditRoute,
  tenantId: string | undefined,
  role: SubjectRole,
  id: string | undefined,
  operatorCall: OperatorCall,
) {
  return queryOptions({
    queryKey: auditKeys.subjectName(route, tenantId ?? null, role, id ?? ''),
    queryFn:
      !id || (route === 'tenant' && !tenantId)
        ? skipToken
        : async (): Promise<string | null> => {
            const found = await fetchSubjects(route, tenantId, role, id, operatorCall)
            return found.find((subject) => subject.id.toLowerCase() === id.toLowerCase())?.name ?? null
          },
    staleTime: Infinity,
  })
}

export interface TenantChoice {
  id: string
  name: string
  slug: string
}

/**
 * The tenant picker's choices matching `q`: an operator searches every tenant (the directory,
 * with the cross-tenant reason), anyone else their own tenants.
 */
export function tenantSearchQuery(q: string, operatorCall: OperatorCall | null) {
  const search = q.trim()
  return queryOptions({
    queryKey: auditKeys.tenantSearch(operatorCall !== null, search),
    queryFn: async (): Promise<TenantChoice[]> => {
      if (!operatorCall) {
        const mine = await call('listTenants', {})
        const needle = search.toLowerCase()
        return mine.items
          .filter((tenant) => !needle || `${tenant.name} ${tenant.slug}`.toLowerCase().includes(needle))
          .map(({ id, name, slug }) => ({ id, name, slug }))
      }
      const page = await operatorCall(
        'adminListTenants',
        { limit: tenantSearchLimit, ...(search ? { q: search } : {}) },
        { scope: crossTenantScope, what: 'the tenant directory' },
      )
      return page.items.map(({ id, name, slug }) => ({ id, name, slug }))
    },
    staleTime: 60_000,
  })
}

/** Every tenant's name by id (all pages of the directory), for the cross-tenant list; kept a while. */
export function tenantNamesQuery(operatorCall: OperatorCall | null) {
  return queryOptions({
    queryKey: auditKeys.tenantNames(operatorCall !== null),
    queryFn: async (): Promise<Record<string, TenantChoice>> => {
      const names: Record<string, TenantChoice> = {}
      if (!operatorCall) {
        for (const { id, name, slug } of (await call('listTenants', {})).items) names[id] = { id, name, slug }
        return names
      }
      let cursor: string | null = null
      for (let pages = 0; pages < 50; pages += 1) {
        const page: { items: TenantChoice[]; nextCursor: string | null } = await operatorCall(
          'adminListTenants',
          { limit: 200, ...(cursor ? { cursor } : {}) },
          { scope: crossTenantScope, what: 'the tenant directory' },
        )
        for (const { id, name, slug } of page.items) names[id] = { id, name, slug }
        cursor = page.nextCursor
        if (!cursor) break
      }
      return names
    },
    staleTime: 5 * 60_000,
  })
}

/** One tenant's name by id: looked up without a reason (an unknown id answers 404). */
export function tenantNameQuery(tenantId: string | undefined) {
  return queryOptions({
    queryKey: auditKeys.tenantName(tenantId ?? ''),
    queryFn: !tenantId ? skipToken : (): Promise<TenantChoice> => call('lookupTenant', { ref: tenantId }),
    staleTime: 5 * 60_000,
    retry: false,
  })
}
