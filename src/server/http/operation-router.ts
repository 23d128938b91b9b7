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
import { Router, type Request } from 'express'
import {
  accessReasonHeader,
  accessReasonSchema,
  cacheControlOf,
  decodeAccessReason,
  operations,
  pathParameterNames,
  stateChangingMethods,
  type OperationDefinition,
  type OperationName,
} from '@shared/contract.js'
import { roleAllows, scopesAllow, type TenantRole } from '@shared/permissions.js'
import { csrfCookieName, csrfTokenMatches } from '../crypto/csrf-token.js'
import { quoteLiteral } from '../db/pools.js'
import { inTransaction, withTenant } from '../db/with-tenant.js'
import { cookieOf } from '../middleware/cookies.js'
import { clientIp } from '../middleware/rate-limit.js'
import { problems } from './http-problem.js'
import type {
  ApiKeyPrincipal,
  OperationHandler,
  DomainHandlers,
  RoutedOperationName,
  OperatorIdentity,
  RequestMeta,
  ResolvedSession,
  ServerDependencies,
  TenantScope,
  UserPrincipal,
} from './operation-context.js'
import type { Principal } from './principal.js'
import { findUnstorableText, unstorableReason } from './storable-text.js'

function accessReasonOf(request: Request): string {
  const parsed = accessReasonSchema.safeParse(decodeAccessReason(request.get(accessReasonHeader) ?? ''))
  if (!parsed.success) {
    throw problems.badRequest(
      'operator requests need an X-Access-Reason header of 3 to 500 characters (UTF-8 percent-encoded beyond printable ASCII): the tenant will see it in its audit log',
    )
  }
  const unstorable = unstorableReason(parsed.data)
  if (unstorable) throw problems.badRequest(`the X-Access-Reason ${unstorable}`)
  return parsed.data
}

/**
 * Resolves the session of a `session` operation from its cookie. Supplied by the auth module,
 * which owns refresh tokens; the router only needs the family to check CSRF against.
 */
export type SessionResolver = (request: Request) => Promise<ResolvedSession | null>

export function requestMeta(request: Request): RequestMeta {
  return { ip: clientIp(request.socket.remoteAddress), userAgent: request.get('user-agent') ?? null, requestId: request.requestId }
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
  const errors = parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message }))
  throw problems.badRequest(fieldErrorsDetail(errors), errors)
}

/** One sentence naming each failing field and what is wrong with it: `email: Invalid email address; role: …`. */
function fieldErrorsDetail(errors: ReadonlyArray<{ path: string; message: string }>): string {
  return errors.map((error) => (error.path === '(root)' ? error.message : `${error.path}: ${error.message}`)).join('; ')
}

function signedInUser(principal: Principal): UserPrincipal {
  if (principal.kind === 'anonymous') throw problems.unauthorized()
  if (principal.kind !== 'user') throw problems.forbidden('this operation needs a signed-in user, not an API key')
  return principal
}

function userOrKey(principal: Principal): UserPrincipal | ApiKeyPrincipal {
  if (principal.kind === 'anonymous') throw problems.unauthorized()
  return principal
}

function assertCsrf(request: Request, definition: OperationDefinition, deps: ServerDependencies, sessionId: string | null): void {
  if (!stateChangingMethods.has(definition.method) || definition.csrf === 'exempt-before-session') return
  if (sessionId === null) return // API keys send no cookies, so a forged cross-site request carries none
  if (!csrfTokenMatches(deps.csrfKey, sessionId, request.get('x-csrf-token'), cookieOf(request, csrfCookieName))) {
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
  deps: ServerDependencies,
  principal: UserPrincipal | ApiKeyPrincipal,
  tenantId: string,
  work: (tenant: TenantScope) => Promise<T>,
): Promise<T> {
  const action = definition.permission
  if (!action) throw new Error(`operation ${definition.path} has tenant access but no permission`)
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
  const live = await inTransaction(
    deps.pools.readonly,
    { readOnly: true },
    async (client) => (await client.query<{ live: boolean }>('SELECT tenant_is_live($1) AS live', [tenantId])).rows[0]?.live === true,
  )
  if (!live) throw problems.notFound()
}

/** The platform operator behind a user principal, as their audit rows name them; 403 for anyone else. */
async function platformOperator(deps: ServerDependencies, request: Request, userId: string): Promise<OperatorIdentity> {
  const email = await inTransaction(deps.pools.app, { readOnly: true }, async (client) => {
    const result = await client.query<{ email: string }>(
      'SELECT email FROM users WHERE id = $1 AND is_platform_admin AND disabled_at IS NULL',
      [userId],
    )
    return result.rows[0]?.email ?? null
  })
  if (email === null) throw problems.forbidden('this operation is for platform operators')
  return { actor: { type: 'operator', id: userId, name: email }, reason: accessReasonOf(request) }
}

/**
 * Proves what the operation's access kind promises, then runs the handler with that context:
 * the per-kind contexts of operation-context.ts are built only here.
 */
async function runOperation(
  definition: OperationDefinition,
  handler: OperationHandler<OperationName>,
  request: Request,
  base: BaseContextParts,
  resolveSession: SessionResolver,
): Promise<unknown> {
  const { deps } = base
  const principal: Principal = request.principal ?? { kind: 'anonymous' }
  const run = handler as (context: object, input: unknown) => Promise<unknown>
  switch (definition.access) {
    case 'public': {
      assertCsrf(request, definition, deps, principal.kind === 'user' ? principal.sessionId : null)
      return run({ ...base, principal }, parseRequestInput(definition, request))
    }
    case 'session': {
      const session = await resolveSession(request)
      if (!session) throw problems.unauthorized('no valid session: sign in again')
      assertCsrf(request, definition, deps, session.familyId)
      return run({ ...base, principal, session }, parseRequestInput(definition, request))
    }
    case 'user': {
      const user = signedInUser(principal)
      assertCsrf(request, definition, deps, user.sessionId)
      return run({ ...base, principal: user }, parseRequestInput(definition, request))
    }
    case 'authenticated': {
      const caller = userOrKey(principal)
      assertCsrf(request, definition, deps, caller.kind === 'user' ? caller.sessionId : null)
      return run({ ...base, principal: caller }, parseRequestInput(definition, request))
    }
    case 'operator': {
      const user = signedInUser(principal)
      assertCsrf(request, definition, deps, user.sessionId)
      const operator = await platformOperator(deps, request, user.userId)
      const input = parseRequestInput(definition, request)
      if (pathParameterNames(definition.path).includes('tenantId')) await assertTenantLive(deps, (input as { tenantId: string }).tenantId)
      return run({ ...base, principal: user, operator }, input)
    }
    case 'tenant': {
      const caller = userOrKey(principal)
      assertCsrf(request, definition, deps, caller.kind === 'user' ? caller.sessionId : null)
      const input = parseRequestInput(definition, request)
      const tenantId = (input as { tenantId: string }).tenantId
      if (definition.produces) {
        const tenantAuthorized = await runTenantOperation(definition, deps, caller, tenantId, async (tenant) => ({
          id: tenant.id,
          role: tenant.role,
        }))
        return run({ ...base, principal: caller, tenantAuthorized }, input)
      }
      return runTenantOperation(definition, deps, caller, tenantId, (tenant) => run({ ...base, principal: caller, tenant }, input))
    }
  }
}

type BaseContextParts = { request: Request; response: import('express').Response; deps: ServerDependencies; meta: RequestMeta }

function parseRequestInput(definition: OperationDefinition, request: Request): unknown {
  return parseInput(definition, assembleInput(request, definition))
}

export function createOperationRouter(options: {
  deps: ServerDependencies
  handlers: DomainHandlers
  resolveSession: SessionResolver
}): Router {
  const router = Router()
  for (const [name, definition] of Object.entries(operations) as Array<[OperationName, OperationDefinition]>) {
    const handler = options.handlers[name as RoutedOperationName] as OperationHandler<OperationName> | undefined
    if (!handler) continue
    const method = definition.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'
    router[method](definition.path, async (request, response, next) => {
      const finished = options.deps.inFlight.begin()
      try {
        response.setHeader('Cache-Control', cacheControlOf(definition))
        const base = { request, response, deps: options.deps, meta: requestMeta(request) }
        const result = await runOperation(definition, handler, request, base, options.resolveSession)
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
