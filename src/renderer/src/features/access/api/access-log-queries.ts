/**
 * The operator access log: every operator read and write with its reason, newest first, keyset
 * pages. Reading it is itself an operator read across tenants, with a reason.
 */
import { infiniteQueryOptions } from '@tanstack/react-query'
import { crossTenantScope } from '@renderer/lib/access-reasons'
import type { OperatorCall } from '@renderer/lib/operator-call'

const pageSize = 100

export const accessLogKeys = {
  all: ['access-log'] as const,
  list: () => [...accessLogKeys.all, 'list', pageSize] as const,
}

export function accessLogQuery(operatorCall: OperatorCall) {
  return infiniteQueryOptions({
    queryKey: accessLogKeys.list(),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      operatorCall(
        'adminAccessLog',
        { limit: pageSize, ...(pageParam ? { cursor: pageParam } : {}) },
        { scope: crossTenantScope, what: 'the operator access log' },
      ),
    getNextPageParam: (last) => last.nextCursor,
  })
}
