/**
 * @module bridge
 * The shape of `window.limena`, the renderer's only way to main. `call` takes an operation of the
 * HTTP contract (main's API client performs it against the active connection) or one of the
 * operations main performs itself (connections, sign-in, exports), both validated by their zod
 * schemas on each side. `on` subscribes to main's events. No token or secret crosses it.
 */
import { z } from 'zod'
import { type operations, sessionSchema, type OperationName } from './contract.js'
import type { Problem } from './problem.js'

export const rpcChannel = 'limena:rpc'
export const eventChannel = 'limena:event'

const connectionSchema = z.object({ id: z.string(), name: z.string(), kind: z.enum(['embedded', 'remote']), url: z.string().nullable() })
export type Connection = z.infer<typeof connectionSchema>

export const sessionStatusSchema = z.object({
  connection: connectionSchema.nullable(),
  backend: z.enum(['starting', 'ready', 'failed']),
  backendMessage: z.string().nullable(),
  signedIn: z.boolean(),
  user: sessionSchema.shape.user.nullable(),
  memberships: sessionSchema.shape.memberships,
  /** Where the refresh token lives: the OS keychain, or memory only when no keychain answers. */
  credentialStore: z.enum(['keychain', 'session-only']),
  credentialStoreMessage: z.string().nullable(),
  /** The embedded install has no platform operator yet: the console offers to create the first. */
  firstRun: z.boolean(),
})
export type SessionStatus = z.infer<typeof sessionStatusSchema>

const exportFilters = z.object({
  tenantId: z.string().uuid().optional(),
  action: z.string().max(100).optional(),
  actorId: z.string().uuid().optional(),
  from: z.string().optional(),
  to: z.string().optional(),
  q: z.string().max(200).optional(),
})

/** Operations main performs itself; the renderer calls them exactly like HTTP ones. */
export const localOperations = {
  sessionStatus: { input: z.object({}).strict(), output: sessionStatusSchema },
  listConnections: { input: z.object({}).strict(), output: z.object({ items: z.array(connectionSchema), activeId: z.string().nullable() }) },
  addConnection: {
    input: z.object({ name: z.string().trim().min(1).max(100), url: z.string().trim().min(1).max(2048) }).strict(),
    output: connectionSchema,
  },
  removeConnection: { input: z.object({ id: z.string().min(1).max(100) }).strict(), output: z.object({ removed: z.boolean() }) },
  selectConnection: { input: z.object({ id: z.string().min(1).max(100) }).strict(), output: sessionStatusSchema },
  signIn: {
    input: z.object({ email: z.string().trim().min(3).max(254), password: z.string().min(1).max(1024) }).strict(),
    output: sessionStatusSchema,
  },
  signOut: { input: z.object({}).strict(), output: sessionStatusSchema },
  createFirstOperator: {
    input: z.object({ email: z.string().trim().min(3).max(254), password: z.string().min(1).max(1024) }).strict(),
    output: sessionStatusSchema,
  },
  exportAuditCsv: {
    input: exportFilters.strict(),
    output: z.object({ exportId: z.string(), path: z.string().nullable(), rows: z.number().int(), bytes: z.number().int(), outcome: z.enum(['done', 'cancelled']) }),
  },
  cancelExport: { input: z.object({ exportId: z.string().min(1).max(100) }).strict(), output: z.object({ cancelled: z.boolean() }) },
} as const

export type LocalOperationName = keyof typeof localOperations
export type BridgeOperationName = OperationName | LocalOperationName

export type BridgeInput<Name extends BridgeOperationName> = Name extends LocalOperationName
  ? z.input<(typeof localOperations)[Name]['input']>
  : Name extends OperationName
    ? z.input<(typeof operations)[Name]['input']>
    : never

export type BridgeOutput<Name extends BridgeOperationName> = Name extends LocalOperationName
  ? z.output<(typeof localOperations)[Name]['output']>
  : Name extends OperationName
    ? z.output<(typeof operations)[Name]['output']>
    : never

export function isLocalOperation(name: unknown): name is LocalOperationName {
  return typeof name === 'string' && Object.hasOwn(localOperations, name)
}

export type BridgeResult<Name extends BridgeOperationName> = { ok: true; value: BridgeOutput<Name> } | { ok: false; problem: Problem }

export interface CallOptions {
  /** For operator operations: why the operator looks (lands in the tenant's audit log). */
  accessReason?: string
}
export const callOptionsSchema = z.object({ accessReason: z.string().trim().min(3).max(500).optional() }).strict()

export interface BridgeEvents {
  'session-changed': SessionStatus
  'export-progress': { exportId: string; rows: number; bytes: number; done: boolean }
}
export type BridgeEventName = keyof BridgeEvents
export const bridgeEventNames: readonly BridgeEventName[] = ['session-changed', 'export-progress']

export interface LimenaBridge {
  call<Name extends BridgeOperationName>(operation: Name, input: BridgeInput<Name>, options?: CallOptions): Promise<BridgeResult<Name>>
  on<Event extends BridgeEventName>(event: Event, listener: (payload: BridgeEvents[Event]) => void): () => void
}
