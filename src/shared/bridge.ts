/**
 * @module bridge
 * The shape of `window.limena`, the renderer's only way to main. `call` takes an operation of the
 * HTTP contract (main's API client performs it against the active connection) or one of the
 * operations main performs itself (connections, sign-in, exports), both validated by their zod
 * schemas on each side. `on` subscribes to main's events. No token or secret crosses it.
 *
 * Main's own operations reuse the contract's schemas wherever they carry the same fields (sign-in,
 * export filters), so a rule changed in the contract changes here too. An operator operation
 * cannot be called without an access reason: the type of `call` says so.
 *
 * The operations that open, renew or end a session (password sign-in, single sign-on's start,
 * callback and code exchange, refresh, logout, accepting an invitation by token) are main's alone:
 * their answers carry tokens, so the bridge offers only main's own `signIn`, `signInWithSso` and
 * `signOut` in their place, and main's router refuses them by name.
 */
import { z } from 'zod'
import { accessReasonSchema } from './access-reason.js'
import { operations, sessionSchema, type OperationName, type Operations } from './contract.js'
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
  /**
   * How the session was opened (password, invitation, or single sign-on through which provider);
   * null when signed out. A session from a tenant's provider reaches that tenant only.
   */
  origin: sessionSchema.shape.origin.nullable(),
})
export type SessionStatus = z.infer<typeof sessionStatusSchema>

const connectionFields = z.object({ name: z.string().trim().min(1).max(100), url: z.string().trim().min(1).max(2048) })

/** What asking a backend found: it answers (and its database), or why not. */
export const connectionTestSchema = z.object({
  ok: z.boolean(),
  reason: z.enum(['certificate', 'unreachable', 'timeout', 'not-limena', 'invalid-url']).nullable(),
  message: z.string(),
  database: z.enum(['up', 'down']).nullable(),
})
export type ConnectionTest = z.infer<typeof connectionTestSchema>

/** Sign-in fields are the login operation's: the same email and password rules as the backend. */
const signInFields = operations.login.input

/**
 * Single sign-on by a work email (its domain names the tenant) or a tenant's slug: the fields, and
 * their rules, of the discovery operation.
 */
const ssoTarget = operations.ssoDiscover.input

/**
 * Operations of the contract the renderer may not call: they open, renew or end a session, and
 * their answers (or cookies) carry the tokens main keeps to itself. Main performs them in its own
 * operations (signIn, signInWithSso, signOut, and the refresh behind every call).
 */
export const mainOnlyOperations = [
  'login',
  'refresh',
  'logout',
  'acceptInvite',
  'ssoStart',
  'ssoCallback',
  'ssoExchange',
] as const satisfies readonly OperationName[]
export type MainOnlyOperationName = (typeof mainOnlyOperations)[number]

export function isMainOnlyOperation(name: unknown): name is MainOnlyOperationName {
  return typeof name === 'string' && (mainOnlyOperations as readonly string[]).includes(name)
}

/** Operations of the contract the renderer calls through main. */
export type ContractBridgeOperationName = Exclude<OperationName, MainOnlyOperationName>

/**
 * Export filters are the cross-tenant export's: the tenant export's filters plus an optional
 * tenant, so one schema covers both routes main chooses between (the tenant route for a tenant
 * read without an access reason, the operator route otherwise).
 */
const exportFilters = operations.adminExportAuditLogs.input

/** What an export to a file came to: where, how much, or that it was cancelled (no file left behind). */
const exportResultSchema = z.object({
  exportId: z.string(),
  path: z.string().nullable(),
  rows: z.number().int(),
  bytes: z.number().int(),
  outcome: z.enum(['done', 'cancelled']),
})

/** Operations main performs itself; the renderer calls them exactly like HTTP ones. */
export const localOperations = {
  sessionStatus: { input: z.object({}).strict(), output: sessionStatusSchema },
  listConnections: {
    input: z.object({}).strict(),
    output: z.object({ items: z.array(connectionSchema), activeId: z.string().nullable() }),
  },
  /**
   * Adds a remote backend after asking it: a certificate this computer does not trust, or a server
   * that is not a Limena backend, is refused with why; one that does not answer now is refused
   * unless `evenIfUnreachable` (it may simply not be running yet).
   */
  addConnection: {
    input: connectionFields.extend({ evenIfUnreachable: z.boolean().optional() }).strict(),
    output: connectionSchema,
  },
  /** Renames or moves a remote backend (asked first, as when added); a new address ends its stored session. */
  updateConnection: {
    input: connectionFields.extend({ id: z.string().min(1).max(100), evenIfUnreachable: z.boolean().optional() }).strict(),
    output: connectionSchema,
  },
  /** Asks a backend whether it answers, and if not, why in words (certificate, unreachable, not Limena). */
  testConnection: { input: z.object({ url: connectionFields.shape.url }).strict(), output: connectionTestSchema },
  removeConnection: { input: z.object({ id: z.string().min(1).max(100) }).strict(), output: z.object({ removed: z.boolean() }) },
  selectConnection: { input: z.object({ id: z.string().min(1).max(100) }).strict(), output: sessionStatusSchema },
  signIn: { input: signInFields, output: sessionStatusSchema },
  signOut: { input: z.object({}).strict(), output: sessionStatusSchema },
  /**
   * Single sign-on through the system browser (RFC 8252): main opens a loopback redirect, starts the
   * sign-on with its PKCE challenge, opens the provider's page in the browser, and trades the
   * one-time code the browser brings back for the session. Resolves when signed in (the status),
   * when cancelled (the status, still signed out), or with the problem that refused it.
   */
  signInWithSso: { input: ssoTarget, output: sessionStatusSchema },
  /** Stops waiting for the browser: the sign-in in progress resolves signed out. */
  cancelSso: { input: z.object({}).strict(), output: z.object({ cancelled: z.boolean() }) },
  createFirstOperator: { input: signInFields, output: sessionStatusSchema },
  exportAuditCsv: {
    input: exportFilters,
    /** With a reason main reads through the operator route; without one, through the tenant route. */
    accessReason: 'optional',
    output: exportResultSchema,
  },
  /** The platform audit log as CSV (operators only: the reason is required). */
  exportPlatformAuditCsv: { input: operations.adminExportPlatformAuditLog.input, accessReason: 'required', output: exportResultSchema },
  cancelExport: { input: z.object({ exportId: z.string().min(1).max(100) }).strict(), output: z.object({ cancelled: z.boolean() }) },
} as const

export type LocalOperationName = keyof typeof localOperations
export type BridgeOperationName = ContractBridgeOperationName | LocalOperationName

export type BridgeInput<Name extends BridgeOperationName> = Name extends LocalOperationName
  ? z.input<(typeof localOperations)[Name]['input']>
  : Name extends ContractBridgeOperationName
    ? z.input<(typeof operations)[Name]['input']>
    : never

export type BridgeOutput<Name extends BridgeOperationName> = Name extends LocalOperationName
  ? z.output<(typeof localOperations)[Name]['output']>
  : Name extends ContractBridgeOperationName
    ? z.output<(typeof operations)[Name]['output']>
    : never

export function isLocalOperation(name: unknown): name is LocalOperationName {
  return typeof name === 'string' && Object.hasOwn(localOperations, name)
}

export type BridgeResult<Name extends BridgeOperationName> = { ok: true; value: BridgeOutput<Name> } | { ok: false; problem: Problem }

/** Operations of the contract only a platform operator may call (access `operator`), read from the contract. */
export type OperatorOperationName = { [Name in OperationName]: Operations[Name]['access'] extends 'operator' ? Name : never }[OperationName]

/** Main's own operations that take an access reason when an operator uses them (exports). */
export type ReasonOptionalOperationName = {
  [Name in LocalOperationName]: (typeof localOperations)[Name] extends { accessReason: 'optional' } ? Name : never
}[LocalOperationName]

/** Main's own operations for operators only: they cannot be called without an access reason. */
export type ReasonRequiredLocalOperationName = {
  [Name in LocalOperationName]: (typeof localOperations)[Name] extends { accessReason: 'required' } ? Name : never
}[LocalOperationName]

/** Every operation that cannot be called without an access reason. */
export type ReasonRequiredOperationName = OperatorOperationName | ReasonRequiredLocalOperationName

/** Every operation an access reason may travel with. */
export type ReasonedOperationName = ReasonRequiredOperationName | ReasonOptionalOperationName

export interface OperatorCallOptions {
  /** Why the operator looks: lands in the audit log of every tenant the operation reads or writes. */
  accessReason: string
}

/**
 * The options of a call: an operator operation requires its access reason, an export may take
 * one, and every other operation takes none (a reason sent to a tenant route would be lost).
 */
export type CallOptions<Name extends BridgeOperationName> = Name extends ReasonRequiredOperationName
  ? OperatorCallOptions
  : Name extends ReasonOptionalOperationName
    ? Partial<OperatorCallOptions>
    : { accessReason?: never }

/** The options argument of `call`: required for operator operations, optional for the others. */
export type CallOptionsArgs<Name extends BridgeOperationName> = Name extends ReasonRequiredOperationName
  ? [options: CallOptions<Name>]
  : [options?: CallOptions<Name>]

export const callOptionsSchema = z.object({ accessReason: accessReasonSchema.optional() }).strict()

export interface BridgeEvents {
  'session-changed': SessionStatus
  'export-progress': { exportId: string; rows: number; bytes: number; done: boolean }
  /** Open a view: main got a `limena://open/…` link (shared/deep-link.ts), already checked to be an in-app route. */
  navigate: { route: string }
}
export type BridgeEventName = keyof BridgeEvents
export const bridgeEventNames: readonly BridgeEventName[] = ['session-changed', 'export-progress', 'navigate']

export interface LimenaBridge {
  call<Name extends BridgeOperationName>(
    operation: Name,
    input: BridgeInput<Name>,
    ...options: CallOptionsArgs<Name>
  ): Promise<BridgeResult<Name>>
  on<Event extends BridgeEventName>(event: Event, listener: (payload: BridgeEvents[Event]) => void): () => void
}
