/**
 * The renderer's typed access to main: `call` resolves with the operation's output or throws a
 * BridgeError carrying the problem (status, title, detail, field errors).
 */
import type { BridgeEventName, BridgeEvents, BridgeInput, BridgeOperationName, BridgeOutput, CallOptions } from '@shared/bridge'
import type { Problem } from '@shared/problem'

export class BridgeError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title)
    this.name = 'BridgeError'
  }
}

export async function call<Name extends BridgeOperationName>(operation: Name, input: BridgeInput<Name>, options?: CallOptions): Promise<BridgeOutput<Name>> {
  const result = await window.limena.call(operation, input, options)
  if (!result.ok) throw new BridgeError(result.problem)
  return result.value as BridgeOutput<Name>
}

export function onBridgeEvent<Event extends BridgeEventName>(event: Event, listener: (payload: BridgeEvents[Event]) => void): () => void {
  return window.limena.on(event, listener)
}

export function problemOf(error: unknown): Problem | null {
  return error instanceof BridgeError ? error.problem : null
}
