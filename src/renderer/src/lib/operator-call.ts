/**
 * The one way the renderer makes an operator call: take the access reason from where the call
 * says (asked once per scope and session through the AccessReasonProvider, or typed by the
 * operator for this one write) and call with it. Query options take the returned function, so
 * each feature's api module names the scope and the question next to the operation.
 */
import { useMemo } from 'react'
import type { BridgeInput, BridgeOutput, CallOptionsArgs, ReasonedOperationName } from '@shared/bridge'
import { useAccessReasons, type AccessReasons } from './access-reasons'
import { call } from './bridge'

/**
 * Where the reason comes from: asked for `scope` (a tenant id, or crossTenantScope) with `what`
 * telling the operator what they are about to read, or given by the operator for this call.
 */
export type ReasonSource = { scope: string; what: string } | { reason: string }

export type OperatorCall = <Name extends ReasonedOperationName>(
  operation: Name,
  input: BridgeInput<Name>,
  reason: ReasonSource,
) => Promise<BridgeOutput<Name>>

export function operatorCallWith(reasons: Pick<AccessReasons, 'ensureReason'>): OperatorCall {
  return async function operatorCall<Name extends ReasonedOperationName>(
    operation: Name,
    input: BridgeInput<Name>,
    source: ReasonSource,
  ): Promise<BridgeOutput<Name>> {
    const accessReason = 'reason' in source ? source.reason : await reasons.ensureReason(source.scope, source.what)
    // Every reasoned operation takes `{ accessReason }`; the generic Name hides which branch it is.
    const options = [{ accessReason }] as unknown as CallOptionsArgs<Name>
    return call(operation, input, ...options)
  }
}

export function useOperatorCall(): OperatorCall {
  const { ensureReason } = useAccessReasons()
  return useMemo(() => operatorCallWith({ ensureReason }), [ensureReason])
}
