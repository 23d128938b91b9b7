/**
 * The security posture, read from the live database through the operator route (with a reason).
 * Never kept: it is read again whenever the page mounts or the window regains focus, so what it
 * shows after `rotate-keys` or a roll is what the backend holds now, not what it held before.
 */
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
    staleTime: 0,
    // Not kept once the page is left: coming back reads it afresh instead of showing the old answer first.
    gcTime: 0,
    refetchOnMount: 'always',
    refetchOnWindowFocus: 'always',
  })
}
