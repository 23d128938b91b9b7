/**
 * Audit pages for the explorer: a tenant's own log through the tenant route (a member), or the
 * operator search with an access reason (an operator who is not a member, or across tenants);
 * the caller's TenantView decides which. Keyset pages, newest first; every filter is in the key,
 * so a changed filter is a new list.
 */
import { infiniteQueryOptions, queryOptions, skipToken } from '@tanstack/react-query'
import type { BridgeInput } from '@shared/bridge'
import type { AuditLogItem } from '@shared/contract'
import { crossTenantScope } from '@renderer/lib/access-reasons'
import { call } from '@renderer/lib/bridge'
import type { OperatorCall } from '@renderer/lib/operator-call'
import type { TenantView } from '@renderer/lib/tenant-view'

/** The explorer's filters are the export's (the contract's audit filters plus a tenant). */
export type AuditFilterValues = BridgeInput<'exportAuditCsv'>

/** Which route reads a tenant's audit log: the tenant route unless the view is an operator's. */
export type AuditRoute = 'tenant' | 'operator'
export const auditRouteOf = (view: Pick<TenantView, 'via'>): AuditRoute => (view.via === 'operator' ? 'operator' : 'tenant')

/** The reason scope of an operator read of the log: the tenant filtered on, or every tenant. */
export const auditReasonScope = (filters: Pick<AuditFilterValues, 'tenantId'>): string => filters.tenantId ?? crossTenantScope

const pageSize = 100
const neighbourCount = 25

export const auditKeys = {
  all: ['audit'] as const,
  lists: () => [...auditKeys.all, 'list'] as const,
  list: (route: AuditRoute, filters: AuditFilterValues) => [...auditKeys.lists(), route, pageSize, filters] as const,
  /** The events just before one event (an event's tenant and time never change: its id says both). */
  neighbours: (eventId: string | null, route: AuditRoute, reasonScope: string) =>
    [...auditKeys.all, 'chain-neighbours', eventId, route, reasonScope, neighbourCount] as const,
}

export function auditPagesQuery(route: AuditRoute, filters: AuditFilterValues, operatorCall: OperatorCall) {
  return infiniteQueryOptions({
    queryKey: auditKeys.list(route, filters),
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }): Promise<{ items: AuditLogItem[]; nextCursor: string | null }> => {
      const base = {
        limit: pageSize,
        ...(pageParam ? { cursor: pageParam } : {}),
        ...stripEmpty({ actorId: filters.actorId, action: filters.action, from: filters.from, to: filters.to, q: filters.q }),
      }
      if (route === 'tenant') return call('listAuditLogs', { tenantId: filters.tenantId!, ...base })
      return operatorCall(
        'adminListAuditLogs',
        { ...base, ...(filters.tenantId ? { tenantId: filters.tenantId } : {}) },
        { scope: auditReasonScope(filters), what: filters.tenantId ? "this tenant's audit log" : 'audit logs across tenants' },
      )
    },
    getNextPageParam: (last) => last.nextCursor,
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

export function stripEmpty<T extends Record<string, string | undefined>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== '')) as Partial<T>
}
