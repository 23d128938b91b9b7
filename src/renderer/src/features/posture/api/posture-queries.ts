/** The security posture, read from the live database through the operator route (with a reason). */
import { queryOptions } from '@tanstack/react-query'
import { crossTenantScope } from '@renderer/lib/access-reasons'
import type { OperatorCall } from '@renderer/lib/operator-call'

export const postureKeys = {
  all: ['posture'] as const,
  current: () => [...postureKeys.all, 'current'] as const,
}

export function postureQuery(operatorCall: OperatorCall) {
  return queryOptions({
    queryKey: postureKeys.current(),
    queryFn: () => operatorCall('adminPosture', {}, { scope: crossTenantScope, what: 'the security posture' }),
  })
}
