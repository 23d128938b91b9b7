/**
 * @module rpc-router
 * Main's side of the bridge, free of Electron so it is tested under Node: accepts a call only
 * from the app's own page, only for an operation of the contract, with input that passes the
 * contract's schema; calls the backend over HTTP and validates the answer too.
 */
import { apiBasePath, isOperationName, operations } from '@shared/contract.js'
import type { BridgeResult } from '@shared/bridge.js'
import { problemSchema, problemTypes, type Problem } from '@shared/problem.js'

export interface RpcCaller {
  /** URL of the frame that sent the call. */
  senderUrl: string
}

const problem = (status: number, type: string, title: string, detail: string): Problem => ({ type, title, status, detail })

export function createRpcRouter(options: { backendUrl: () => string | null; isTrustedSender: (url: string) => boolean; fetch?: typeof fetch }) {
  const fetchImpl = options.fetch ?? fetch
  return async function route(caller: RpcCaller, operation: unknown, input: unknown): Promise<BridgeResult<never>> {
    if (!options.isTrustedSender(caller.senderUrl)) {
      return { ok: false, problem: problem(403, problemTypes.forbidden, 'Forbidden', 'calls are accepted from the console page only') }
    }
    if (!isOperationName(operation)) {
      return { ok: false, problem: problem(400, problemTypes.badRequest, 'Unknown operation', 'no such operation') }
    }
    const definition = operations[operation]
    const parsedInput = definition.input.safeParse(input ?? {})
    if (!parsedInput.success) {
      return { ok: false, problem: { ...problem(400, problemTypes.validation, 'Invalid input', 'the input does not match the operation'), errors: parsedInput.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) } }
    }
    const baseUrl = options.backendUrl()
    if (!baseUrl) return { ok: false, problem: problem(503, problemTypes.unavailable, 'Backend not ready', 'the backend is still starting') }
    let response: Response
    try {
      response = await fetchImpl(`${baseUrl}${apiBasePath}${definition.path}`, { method: definition.method, headers: { accept: 'application/json' } })
    } catch {
      return { ok: false, problem: problem(503, problemTypes.unavailable, 'Backend unreachable', 'the backend did not answer') }
    }
    const body: unknown = await response.json().catch(() => null)
    const output = definition.output.safeParse(body)
    if (output.success) return { ok: true, value: output.data as never }
    const answeredProblem = problemSchema.safeParse(body)
    if (answeredProblem.success) return { ok: false, problem: { ...answeredProblem.data } }
    return { ok: false, problem: problem(502, problemTypes.internal, 'Unexpected answer', `the backend answered ${response.status} with an unexpected body`) }
  }
}
