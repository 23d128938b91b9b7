/**
 * Audit pages for the explorer: a tenant's own log through the tenant route, or (operators) the
 * cross-tenant search with an access reason. Keyset pages, newest first; every filter is in the
 * key, so a changed filter is a new list.
 */
import { infiniteQueryOptions } from '@tanstack/react-query'
import type { AuditLogItem } from '@shared/contract'
import { call } from '@renderer/lib/bridge'

export interface AuditFilterValues {
  tenantId?: string
  actorId?: string
  action?: string
  from?: string
  to?: string
  q?: string
}

export const auditKeys = { all: ['audit'] as const, list: (mode: 'tenant' | 'operator', filters: AuditFilterValues) => ['audit', mode, filters] as const }

export function auditPagesQuery(mode: 'tenant' | 'operator', filters: AuditFilterValues, reason: () => Promise<string>) {
  return infiniteQueryOptions({
    queryKey: auditKeys.list(mode, filters),
    initialPageParam: null as string | null,
    queryFn: async ({ pageParam }): Promise<{ items: AuditLogItem[]; nextCursor: string | null }> => {
      const base = { limit: 100, ...(pageParam ? { cursor: pageParam } : {}), ...stripEmpty({ actorId: filters.actorId, action: filters.action, from: filters.from, to: filters.to, q: filters.q }) }
      if (mode === 'tenant') return call('listAuditLogs', { tenantId: filters.tenantId!, ...base })
      return call('adminListAuditLogs', { ...base, ...(filters.tenantId ? { tenantId: filters.tenantId } : {}) }, { accessReason: await reason() })
    },
    getNextPageParam: (last) => last.nextCursor,
  })
}

export function stripEmpty<T extends Record<string, string | undefined>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== '')) as Partial<T>
}
