/**
 * The platform audit log: operators' reads of the directory, usage, posture, access log and of
 * this log itself, one hash-chained row each, newest first. Reading it is an operator read with
 * the cross-tenant reason, and is recorded in it.
 */
import { infiniteQueryOptions } from '@tanstack/react-query'
import type { PlatformAuditAction } from '@shared/audit-actions'
import { crossTenantScope } from '@renderer/lib/access-reasons'
import type { OperatorCall } from '@renderer/lib/operator-call'

const pageSize = 100

export interface PlatformAuditFilters {
  action?: PlatformAuditAction
}

export const platformAuditKeys = {
  all: ['platform-audit'] as const,
  list: (filters: PlatformAuditFilters) => [...platformAuditKeys.all, 'list', pageSize, filters] as const,
}

export const platformAuditReason = { scope: crossTenantScope, what: 'the platform audit log' }

export function platformAuditQuery(filters: PlatformAuditFilters, operatorCall: OperatorCall) {
  return infiniteQueryOptions({
    queryKey: platformAuditKeys.list(filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      operatorCall(
        'adminPlatformAuditLog',
        { limit: pageSize, ...filters, ...(pageParam ? { cursor: pageParam } : {}) },
        platformAuditReason,
      ),
    getNextPageParam: (last) => last.nextCursor,
  })
}
