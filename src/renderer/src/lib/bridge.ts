/**
 * The renderer's typed access to main: `call` resolves with the operation's output or throws a
 * BridgeError carrying the problem (status, title, detail, field errors). An operator operation
 * does not compile without `{ accessReason }`; `useOperatorCall` asks the operator for it.
 */
import type {
  BridgeEventName,
  BridgeEvents,
  BridgeInput,
  BridgeOperationName,
  BridgeOutput,
  CallOptionsArgs,
  LimenaBridge,
} from '@shared/bridge'
import type { Problem } from '@shared/problem'

export class BridgeError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title)
    this.name = 'BridgeError'
  }
}

/** The preload exposes the bridge as `limena` on the page's global object (`window`). */
function bridge(): LimenaBridge {
  return (globalThis as typeof globalThis & { limena: LimenaBridge }).limena
}

export async function call<Name extends BridgeOperationName>(
  operation: Name,
  input: BridgeInput<Name>,
  ...options: CallOptionsArgs<Name>
): Promise<BridgeOutput<Name>> {
  const result = await bridge().call(operation, input, ...options)
  if (!result.ok) throw new BridgeError(result.problem)
  return result.value
}

export function onBridgeEvent<Event extends BridgeEventName>(event: Event, listener: (payload: BridgeEvents[Event]) => void): () => void {
  return bridge().on(event, listener)
}

export function problemOf(error: unknown): Problem | null {
  return error instanceof BridgeError ? error.problem : null
}
