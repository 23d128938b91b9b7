/**
 * @module operation-router
 * Builds the API's routes from the shared contract. Every route runs the same steps in the same
 * order, so none can skip one:
 *   1. access: who may call (anonymous, session cookie, user, API key, operator);
 *   2. CSRF: every state-changing call by a session or access token carries a valid X-CSRF-Token;
 *   3. input: path parameters plus query (GET) or JSON body, validated by the operation's schema;
 *   4. tenant operations: one transaction with the tenant set, membership and role (or the API
 *      key's tenant and scopes) checked against the permission matrix first;
 *   5. output: the answer is parsed by the operation's output schema, so no field outside it
 *      (a hash, a secret) can leave the server.
 */
import { Router, type Request, type Response } from 'express'
import type { z } from 'zod'
import { operations, stateChangingMethods, type OperationDefinition, type OperationName } from '@shared/contract.js'
import { roleAllows, scopesAllow, type TenantRole } from '@shared/permissions.js'
import type { AuditActor, AuditRequestMeta } from '../audit/audit-writer.js'
import type { ResolvedSession } from '../auth/auth-service.js'
import type { SessionRevocations } from '../auth/session-revocations.js'
import type { Principal } from '../auth/principal.js'
import { csrfCookieName } from '../auth/session-cookies.js'
import type { AccessTokens } from '../crypto/access-tokens.js'
import { csrfTokenMatches } from '../crypto/csrf-token.js'
import type { EncryptionKeyring } from '../crypto/encryption-keyring.js'
import type { KeyAge } from '../secrets/key-ages.js'
import type { InFlightTracker } from './in-flight.js'
import { quoteLiteral, type DatabasePools, type DbClient } from '../db/pools.js'
import { inTransaction, withTenant } from '../db/with-tenant.js'
import type { Logger } from '../log.js'
import type { RateLimits } from '../middleware/rate-limit.js'
import { clientIp } from '../middleware/rate-limit.js'
import { problems } from './http-problem.js'
import { findUnstorableText, unstorableReason } from './storable-text.js'
import { accessReasonHeader, accessReasonMaxLength, accessReasonMinLength, decodeAccessReason } from '@shared/access-reason.js'

export interface ServerDependencies {
  pools: DatabasePools
  log: Logger
  tls: boolean
  accessTokens: AccessTokens
  /** HMAC key of CSRF tokens (HKDF of the master key). */
  csrfKey: Buffer
  /** HMAC key of opaque pagination cursors. */
  cursorKey: Buffer
  keyring: EncryptionKeyring
  /** Ages of the install's keys (never the keys), for the posture screen. */
  keyAges: () => KeyAge[]
  /** Handlers still working: shutdown waits for them before ending the pools. */
  inFlight: InFlightTracker
  rateLimits: RateLimits
  /** Whether an access token's session is still active; listens on its own connection, closed at shutdown. */
  sessionRevocations: SessionRevocations
}

export interface TenantScope {
  id: string
  client: DbClient
  /** The caller's role; null for an API key. */
  role: TenantRole | null
}

export interface OperationContext {
  request: Request
  response: Response
  principal: Principal
  deps: ServerDependencies
  meta: AuditRequestMeta
  /** Set for `session` operations: the refresh token (and its family) the cookie belongs to. */
  session?: ResolvedSession
  /** Set for `tenant` operations (inside the operation's transaction). */
  tenant?: TenantScope
  /**
   * Set instead of `tenant` for streaming operations: the caller is authorised, but no transaction
   * is held, so the handler can commit its audit row before it streams on a connection of its own.
   */
  tenantAuthorized?: { id: string; role: TenantRole | null }
  /** Set for `operator` operations: the X-Access-Reason the operator gave (lands in tenants' logs). */
  accessReason?: string
}

function accessReasonOf(request: Request): string {
  const reason = decodeAccessReason(request.get(accessReasonHeader) ?? '').trim()
  if (reason.length < accessReasonMinLength || reason.length > accessReasonMaxLength) {
    throw problems.badRequest(
      `operator requests need an X-Access-Reason header of ${accessReasonMinLength} to ${accessReasonMaxLength} characters (UTF-8 percent-encoded beyond printable ASCII): the tenant will see it in its audit log`,
    )
  }
  const unstorable = unstorableReason(reason)
  if (unstorable) throw problems.badRequest(`the X-Access-Reason ${unstorable}`)
  return reason
}

type Definition<Name extends OperationName> = (typeof operations)[Name]
export type OperationHandler<Name extends OperationName> = (
  context: OperationContext,
  input: z.output<Definition<Name>['input']>,
) => Promise<z.input<Definition<Name>['output']>>

export type OperationHandlers = { [Name in OperationName]?: OperationHandler<Name> }

/**
 * Resolves the session of a `session` operation from its cookie. Supplied by the auth module,
 * which owns refresh tokens; the router only needs the family to check CSRF against.
 */
export type SessionResolver = (request: Request) => Promise<ResolvedSession | null>

export function requestMeta(request: Request): AuditRequestMeta {
  return { ip: clientIp(request.socket.remoteAddress), userAgent: request.get('user-agent') ?? null, requestId: request.requestId }
}

/** How a principal appears in audit rows; user names are resolved by the caller when known. */
export function actorOf(principal: Principal, userName: string | null = null): AuditActor {
  switch (principal.kind) {
    case 'user':
      return { type: 'user', id: principal.userId, name: userName }
    case 'api_key':
      return { type: 'api_key', id: principal.keyId, name: principal.name }
    default:
      return { type: 'system', id: null, name: null }
  }
}

function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1]!)
}

function assembleInput(request: Request, definition: OperationDefinition): Record<string, unknown> {
  const params = request.params as Record<string, string>
  if (definition.method === 'GET' || definition.method === 'DELETE') {
    return { ...(request.query as Record<string, unknown>), ...params }
  }
  const body: unknown = request.body
  if (body === undefined || body === null) {
    if (Number(request.get('content-length') ?? 0) > 0 || request.get('transfer-encoding')) throw problems.unsupportedMediaType()
    return { ...params }
  }
  if (typeof body !== 'object' || Array.isArray(body)) throw problems.badRequest('the body must be a JSON object')
  for (const name of Object.keys(params)) {
    if (Object.hasOwn(body, name)) throw problems.badRequest(`"${name}" belongs in the path, not the body`)
  }
  return { ...(body as Record<string, unknown>), ...params }
}

function parseInput(definition: OperationDefinition, raw: Record<string, unknown>): unknown {
  const pathNames = pathParameterNames(definition.path)
  const unstorable = findUnstorableText(Object.fromEntries(Object.entries(raw).filter(([name]) => !pathNames.includes(name))))
  if (unstorable) throw problems.badRequest(`"${unstorable.path}" ${unstorable.message}`, [unstorable])
  const parsed = definition.input.safeParse(raw)
  if (parsed.success) return parsed.data
  // A malformed id in the path names no resource: answer as for one that does not exist.
  if (parsed.error.issues.some((issue) => pathNames.includes(String(issue.path[0])))) throw problems.notFound()
  throw problems.badRequest(
    'the input does not match the operation',
    parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message })),
  )
}

function assertAccess(definition: OperationDefinition, principal: Principal): void {
  switch (definition.access) {
    case 'public':
    case 'session':
      return
    case 'user':
    case 'operator':
      if (principal.kind === 'anonymous') throw problems.unauthorized()
      if (principal.kind !== 'user') throw problems.forbidden('this operation needs a signed-in user, not an API key')
      return
    case 'authenticated':
    case 'tenant':
      if (principal.kind === 'anonymous') throw problems.unauthorized()
      return
  }
}

function assertCsrf(request: Request, definition: OperationDefinition, deps: ServerDependencies, sessionId: string | null): void {
  if (!stateChangingMethods.has(definition.method) || definition.csrf === 'exempt-before-session') return
  if (sessionId === null) return // API keys send no cookies, so a forged cross-site request carries none
  if (!csrfTokenMatches(deps.csrfKey, sessionId, request.get('x-csrf-token'), request.cookies[csrfCookieName])) {
    throw problems.forbidden('missing or invalid X-CSRF-Token: send the value of the csrf cookie')
  }
}

/** Whether the tenant exists and is not deleted, read in the opening round trip (migration 0010). */
function tenantLiveStatement(tenantId: string): string {
  return `SELECT tenant_is_live(${quoteLiteral(tenantId)}) AS live`
}

/** The caller's role in the tenant, read in the transaction's opening round trip (migration 0006). */
function memberRoleStatement(tenantId: string, userId: string): string {
  return `SELECT tenant_role_of(${quoteLiteral(tenantId)}, ${quoteLiteral(userId)}) AS role`
}

async function runTenantOperation<T>(
  definition: OperationDefinition,
  context: OperationContext,
  tenantId: string,
  work: (tenant: TenantScope) => Promise<T>,
): Promise<T> {
  const action = definition.permission
  if (!action) throw new Error(`operation ${definition.path} has tenant access but no permission`)
  const { principal, deps } = context
  const readOnly = definition.method === 'GET'
  if (principal.kind === 'api_key') {
    if (principal.tenantId !== tenantId) throw problems.notFound()
    return withTenant(
      deps.pools.app,
      tenantId,
      async (client, firstRows) => {
        // A deleted tenant is gone for its keys too: not found before any scope is weighed.
        if (firstRows[0]?.live !== true) throw problems.notFound()
        if (!scopesAllow(principal.scopes, action)) throw problems.forbidden(`this API key lacks the scope for ${action}`)
        return work({ id: tenantId, client, role: null })
      },
      { readOnly, firstStatement: tenantLiveStatement(tenantId) },
    )
  }
  if (principal.kind !== 'user') throw problems.unauthorized()
  return withTenant(
    deps.pools.app,
    tenantId,
    async (client, firstRows) => {
      const role = (firstRows[0]?.role as TenantRole | undefined) ?? null
      if (!role) throw problems.notFound()
      if (!roleAllows(role, action)) throw problems.forbidden(`the ${role} role may not do ${action}`)
      return work({ id: tenantId, client, role })
    },
    { readOnly, userId: principal.userId, firstStatement: memberRoleStatement(tenantId, principal.userId) },
  )
}

/** Operator routes that name a tenant treat a deleted one as gone, as every other credential does. */
async function assertTenantLive(deps: ServerDependencies, tenantId: string): Promise<void> {
  const live = await inTransaction(deps.pools.readonly, { readOnly: true }, async (client) =>
    (await client.query<{ live: boolean }>('SELECT tenant_is_live($1) AS live', [tenantId])).rows[0]?.live === true,
  )
  if (!live) throw problems.notFound()
}

async function assertPlatformAdmin(deps: ServerDependencies, userId: string): Promise<void> {
  const isAdmin = await inTransaction(deps.pools.app, { readOnly: true }, async (client) => {
    const result = await client.query<{ is_platform_admin: boolean }>('SELECT is_platform_admin FROM users WHERE id = $1 AND disabled_at IS NULL', [userId])
    return result.rows[0]?.is_platform_admin === true
  })
  if (!isAdmin) throw problems.forbidden('this operation is for platform operators')
}

export function createOperationRouter(options: { deps: ServerDependencies; handlers: OperationHandlers; resolveSession: SessionResolver }): Router {
  const router = Router()
  for (const [name, definition] of Object.entries(operations) as Array<[OperationName, OperationDefinition]>) {
    const handler = options.handlers[name] as OperationHandler<OperationName> | undefined
    if (!handler) continue
    const method = definition.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'
    router[method](definition.path, async (request, response, next) => {
      const finished = options.deps.inFlight.begin()
      try {
        const principal = request.principal ?? { kind: 'anonymous' }
        assertAccess(definition, principal)
        const context: OperationContext = { request, response, principal, deps: options.deps, meta: requestMeta(request) }
        if (definition.access === 'session') {
          const session = await options.resolveSession(request)
          if (!session) throw problems.unauthorized('no valid session: sign in again')
          context.session = session
          assertCsrf(request, definition, options.deps, session.familyId)
        } else {
          assertCsrf(request, definition, options.deps, principal.kind === 'user' ? principal.sessionId : null)
        }
        if (definition.access === 'operator' && principal.kind === 'user') {
          await assertPlatformAdmin(options.deps, principal.userId)
          context.accessReason = accessReasonOf(request)
        }
        const input = parseInput(definition, assembleInput(request, definition)) as never
        const tenantId = (input as { tenantId: string }).tenantId
        if (definition.access === 'operator' && pathParameterNames(definition.path).includes('tenantId')) await assertTenantLive(options.deps, tenantId)
        let result: unknown
        if (definition.access === 'tenant' && definition.produces) {
          const authorized = await runTenantOperation(definition, context, tenantId, async (tenant) => ({ id: tenant.id, role: tenant.role }))
          result = await handler({ ...context, tenantAuthorized: authorized }, input)
        } else if (definition.access === 'tenant') {
          result = await runTenantOperation(definition, context, tenantId, (tenant) => handler({ ...context, tenant }, input))
        } else {
          result = await handler(context, input)
        }
        if (definition.produces || response.headersSent) return
        const status = definition.successStatus ?? 200
        if (status === 204) {
          response.status(204).end()
          return
        }
        response.status(status).json(definition.output.parse(result))
      } catch (error) {
        next(error)
      } finally {
        finished()
      }
    })
  }
  return router
}
