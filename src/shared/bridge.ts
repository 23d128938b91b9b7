/**
 * @module bridge
 * The shape of `window.limena`, the renderer's only way to main: call an operation of the
 * contract by name, or listen to a main-process event.
 */
import type { OperationInput, OperationName, OperationOutput } from './contract.js'
import type { Problem } from './problem.js'

export const rpcChannel = 'limena:rpc'
export const eventChannel = 'limena:event'

export type BridgeResult<Name extends OperationName> = { ok: true; value: OperationOutput<Name> } | { ok: false; problem: Problem }

export interface BridgeEvents {
  'backend-status': { state: 'starting' | 'ready' | 'failed'; message?: string }
}

export interface LimenaBridge {
  call<Name extends OperationName>(operation: Name, input: OperationInput<Name>): Promise<BridgeResult<Name>>
  on<Event extends keyof BridgeEvents>(event: Event, listener: (payload: BridgeEvents[Event]) => void): () => void
}
