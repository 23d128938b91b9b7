/**
 * @module rpc-router
 * Main's side of the bridge, free of Electron so it is tested under Node. A call is accepted only
 * from the app's own page (the sender frame's URL), only for an operation of the contract (HTTP
 * or local), and only with input that passes the operation's schema; HTTP operations go through
 * the active connection's API client, whose answers are validated too. The contract's session
 * operations (sign-in, single sign-on, refresh, logout) are main's alone and refused here by name:
 * the console signs in through main's own operations. Whatever happens, the renderer gets a value
 * or a problem: never a token, a secret or a stack.
 */
import { randomUUID } from 'node:crypto'
import { isOperationName, operations, type OperationName } from '@shared/contract.js'
import {
  callOptionsSchema,
  isLocalOperation,
  isMainOnlyOperation,
  localOperations,
  type BridgeEventName,
  type BridgeEvents,
  type LocalOperationName,
} from '@shared/bridge.js'
import { problemTypes, type Problem } from '@shared/problem.js'
import type { ApiResult } from './api-client.js'
import { ConnectionUrlError } from './connection-url.js'
import { ConnectionProbeError, type ConnectionManager } from './connection-manager.js'
import { writeCsvStream } from './csv-export.js'
import { SsoSignIn, type ExternalOpener } from './sso-sign-in.js'
import { createLogger, type Logger } from '../server/platform/log.js'
import { oneLineMessage } from '../server/platform/errors.js'

export interface RpcCaller {
  /** URL of the frame that sent the call. */
  senderUrl: string
}

export interface RpcRouterOptions {
  isTrustedSender: (url: string) => boolean
  connections: ConnectionManager
  /** The native save dialog; null when the person cancels it. */
  chooseSavePath: (suggestedName: string) => Promise<string | null>
  emit: <Event extends BridgeEventName>(event: Event, payload: BridgeEvents[Event]) => void
  /** Where a failure the console is spared is recorded (main's log); standard error when not given. */
  log?: Pick<Logger, 'error'>
  /**
   * Opens single sign-on's provider page in the system browser (Electron: shell.openExternal). A
   * console without one answers signInWithSso with a problem saying it cannot open a browser.
   */
  openExternal?: ExternalOpener
  /** How long single sign-on waits for the browser to come back (default ten minutes). */
  ssoLifetimeMillis?: number
}

type RouteResult = { ok: true; value: unknown } | { ok: false; problem: Problem }

const problem = (status: number, type: string, title: string, detail: string, errors?: Problem['errors']): RouteResult => ({
  ok: false,
  problem: { type, title, status, detail, ...(errors ? { errors } : {}) },
})

/** A connection that cannot be added or changed, as a problem on its `url` field: a bad URL, or what asking the backend found. */
function connectionProblem(error: unknown): RouteResult {
  if (error instanceof ConnectionUrlError)
    return problem(400, problemTypes.validation, 'Invalid connection', error.message, [{ path: 'url', message: error.message }])
  if (error instanceof ConnectionProbeError) {
    const title =
      error.result.reason === 'certificate'
        ? 'Certificate not trusted'
        : error.result.reason === 'not-limena'
          ? 'Not a Limena backend'
          : 'Backend not reachable'
    return problem(400, problemTypes.validation, title, error.message, [{ path: 'url', message: error.message }])
  }
  throw error
}

/** A 400 whose detail names each field and what is wrong with it, so a form can say which box to fix. */
function validationProblem(issues: Array<{ path: PropertyKey[]; message: string }>): RouteResult {
  const errors = issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message }))
  return problem(400, problemTypes.validation, 'Invalid input', errors.map((error) => `${error.path}: ${error.message}`).join('; '), errors)
}

export function createRpcRouter(options: RpcRouterOptions) {
  const exports = new Map<string, AbortController>()
  const log = options.log ?? createLogger({ level: 'error' })
  const sso = new SsoSignIn({
    openExternal:
      options.openExternal ??
      (async () => {
        throw new Error('this console has no system browser to open')
      }),
    lifetimeMillis: options.ssoLifetimeMillis,
  })

  async function status() {
    return options.connections.status()
  }

  async function statusChanged() {
    const current = await status()
    options.emit('session-changed', current)
    return current
  }

  /** Downloads a CSV operation into the file the user picks, reporting progress; a cancelled export leaves no file. */
  async function exportToFile(
    operation: OperationName,
    input: Record<string, unknown>,
    accessReason: string | undefined,
    fileStem: string,
  ): Promise<RouteResult> {
    const client = await options.connections.activeClient()
    if (!client) return problem(503, problemTypes.unavailable, 'Not connected', 'the backend is not ready yet')
    const exportId = randomUUID()
    const path = await options.chooseSavePath(`${fileStem}-${new Date().toISOString().slice(0, 10)}.csv`)
    if (!path) return { ok: true, value: { exportId, path: null, rows: 0, bytes: 0, outcome: 'cancelled' } }
    const controller = new AbortController()
    exports.set(exportId, controller)
    try {
      const download = await client.download(operation, input, { accessReason, signal: controller.signal })
      if (!download.ok) return download
      const result = await writeCsvStream(download.value, path, {
        signal: controller.signal,
        onProgress: (progress) => options.emit('export-progress', { exportId, ...progress }),
      })
      return {
        ok: true,
        value: {
          exportId,
          path: result.outcome === 'done' ? path : null,
          rows: result.rows,
          bytes: result.bytes,
          outcome: result.outcome,
        },
      }
    } catch (error) {
      if (controller.signal.aborted) return { ok: true, value: { exportId, path: null, rows: 0, bytes: 0, outcome: 'cancelled' } }
      throw error
    } finally {
      exports.delete(exportId)
    }
  }

  const local: { [Name in LocalOperationName]: (input: never, accessReason?: string) => Promise<RouteResult> } = {
    sessionStatus: async () => ({ ok: true, value: await status() }),
    listConnections: async () => ({ ok: true, value: await options.connections.list() }),
    addConnection: async (input: { name: string; url: string; evenIfUnreachable?: boolean }) => {
      try {
        return { ok: true, value: await options.connections.add(input.name, input.url, input) }
      } catch (error) {
        return connectionProblem(error)
      }
    },
    updateConnection: async (input: { id: string; name: string; url: string; evenIfUnreachable?: boolean }) => {
      try {
        const updated = await options.connections.update(input.id, input.name, input.url, input)
        return updated ? { ok: true, value: updated } : problem(404, problemTypes.notFound, 'Not found', 'no such remote connection')
      } catch (error) {
        return connectionProblem(error)
      }
    },
    testConnection: async (input: { url: string }) => {
      const result = await options.connections.test(input.url)
      return {
        ok: true,
        value: result.ok
          ? { ok: true, reason: null, message: `The backend answers; its database is ${result.database}.`, database: result.database }
          : { ok: false, reason: result.reason, message: result.message, database: null },
      }
    },
    removeConnection: async (input: { id: string }) => ({ ok: true, value: { removed: await options.connections.remove(input.id) } }),
    selectConnection: async (input: { id: string }) => {
      // A sign-in waiting for the browser belongs to the connection it started on.
      sso.cancel()
      try {
        await options.connections.select(input.id)
      } catch {
        return problem(404, problemTypes.notFound, 'No such connection', 'that connection is not saved')
      }
      return { ok: true, value: await statusChanged() }
    },
    signIn: async (input: { email: string; password: string }) => {
      const client = await options.connections.activeClient()
      if (!client) return problem(503, problemTypes.unavailable, 'Not connected', 'the backend is not ready yet')
      const result = await client.signIn(input.email, input.password)
      if (!result.ok) return result
      return { ok: true, value: await statusChanged() }
    },
    createFirstOperator: async (input: { email: string; password: string }) => {
      const firstRun = options.connections.firstRun()
      if (!firstRun || !(await firstRun.needed()))
        return problem(409, problemTypes.conflict, 'Already set up', 'this install already has an operator: sign in instead')
      const created = await firstRun.createOperator(input.email, input.password)
      if (!created.ok) return problem(400, problemTypes.validation, 'Cannot create the operator', created.reason)
      const client = await options.connections.activeClient()
      const signedIn = await client?.signIn(input.email, input.password)
      if (signedIn && !signedIn.ok) return signedIn
      return { ok: true, value: await statusChanged() }
    },
    signInWithSso: async (input: { email?: string; tenant?: string }) => {
      const client = await options.connections.activeClient()
      if (!client) return problem(503, problemTypes.unavailable, 'Not connected', 'the backend is not ready yet')
      const result = await sso.signIn(client, input)
      if (result.outcome === 'failed') return { ok: false, problem: result.problem }
      if (result.outcome === 'cancelled') return { ok: true, value: await status() }
      return { ok: true, value: await statusChanged() }
    },
    cancelSso: async () => ({ ok: true, value: { cancelled: sso.cancel() } }),
    signOut: async () => {
      await (await options.connections.activeClient())?.signOut()
      return { ok: true, value: await statusChanged() }
    },
    exportAuditCsv: async (input: { tenantId?: string }, accessReason?: string) => {
      const operation: OperationName = input.tenantId && !accessReason ? 'exportAuditLogs' : 'adminExportAuditLogs'
      return exportToFile(operation, input, accessReason, `audit-${input.tenantId ?? 'all-tenants'}`)
    },
    exportPlatformAuditCsv: async (input: Record<string, unknown>, accessReason?: string) => {
      if (!accessReason)
        return problem(400, problemTypes.validation, 'Invalid input', 'accessReason: operators say why they export', [
          { path: 'accessReason', message: 'required' },
        ])
      return exportToFile('adminExportPlatformAuditLog', input, accessReason, 'platform-audit')
    },
    cancelExport: async (input: { exportId: string }) => {
      const controller = exports.get(input.exportId)
      controller?.abort()
      return { ok: true, value: { cancelled: Boolean(controller) } }
    },
  }

  return async function route(caller: RpcCaller, operation: unknown, input: unknown, callOptions?: unknown): Promise<RouteResult> {
    if (!options.isTrustedSender(caller.senderUrl)) {
      return problem(403, problemTypes.forbidden, 'Forbidden', 'calls are accepted from the console page only')
    }
    const parsedOptions = callOptionsSchema.safeParse(callOptions ?? {})
    if (!parsedOptions.success) return validationProblem(parsedOptions.error.issues)
    try {
      if (isLocalOperation(operation)) {
        const parsed = localOperations[operation].input.safeParse(input ?? {})
        if (!parsed.success) return validationProblem(parsed.error.issues)
        const result = await local[operation](parsed.data as never, parsedOptions.data.accessReason)
        if (!result.ok) return result
        return { ok: true, value: localOperations[operation].output.parse(result.value) }
      }
      if (!isOperationName(operation)) return problem(400, problemTypes.badRequest, 'Unknown operation', 'no such operation')
      if (isMainOnlyOperation(operation))
        return problem(
          403,
          problemTypes.forbidden,
          'Not a console operation',
          'main opens, renews and ends sessions itself: the console signs in with signIn or signInWithSso',
        )
      const parsed = operations[operation].input.safeParse(input ?? {})
      if (!parsed.success) return validationProblem(parsed.error.issues)
      const client = await options.connections.activeClient()
      if (!client) return problem(503, problemTypes.unavailable, 'Not connected', 'the backend is not ready yet')
      const result: ApiResult<unknown> = await client.perform(operation, parsed.data, { accessReason: parsedOptions.data.accessReason })
      return result
    } catch (error) {
      // The console gets a plain problem; what went wrong goes to main's log, never to the renderer.
      log.error(
        { operation: typeof operation === 'string' ? operation.slice(0, 100) : null, err: { message: oneLineMessage(error) } },
        'a bridge call failed',
      )
      return problem(500, problemTypes.internal, 'Something went wrong', 'the console could not complete this; try again')
    }
  }
}

export type RpcRoute = ReturnType<typeof createRpcRouter>
