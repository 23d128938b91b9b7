/**
 * @module operation-router
 * Builds the API's routes from the shared contract. Every route runs the same steps in the same
 * order, so none can skip one:
 *   1. access: who may call (anonymous, session cookie, user, API key, operator);
 *   2. CSRF: every state-changing call by a session or access token carries a valid X-CSRF-Token;
 *   3. input: path parameters plus query (GET) or JSON body, validated by the operation's schema;
 *   4. tenant operations: one transaction with the tenant set, membership and role (or the API
 *      key's tenant and scopes) checked against the permission matrix first; a session from a
 *      tenant's single sign-on reaches that tenant only, and a tenant that requires single sign-on
 *      admits its members only through a session from its provider;
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

/** The tenant a session from a tenant's single sign-on is confined to; null for any other session. */
function ssoScopeOf(principal: UserPrincipal | ApiKeyPrincipal): string | null {
  return principal.kind === 'user' ? (principal.origin.sso?.tenantId ?? null) : null
}

const scopedSessionRefused = () =>
  problems.forbidden(
    "this session came from a tenant's single sign-on and reaches that tenant only: sign in with a password or that tenant's single sign-on for anything else",
  )

/** Operations that act beyond one tenant refuse a session confined to one (the contract marks them). */
function assertNotScopedBeyond(definition: OperationDefinition, principal: UserPrincipal | ApiKeyPrincipal): void {
  if (definition.tenantScopedSessions === 'refused' && ssoScopeOf(principal) !== null) throw scopedSessionRefused()
}

function assertCsrf(request: Request, definition: OperationDefinition, deps: ServerDependencies, sessionId: string | null): void {
  if (!stateChangingMethods.has(definition.method) || definition.csrf === 'exempt-before-session') return
  if (sessionId === null) return // API keys send no cookies, so a forged cross-site request carries none
  if (!csrfTokenMatches(deps.csrfKey, sessionId, request.get('x-csrf-token'), cookieOf(request, csrfCookieName))) {
    throw problems.forbidden('missing or invalid X-CSRF-Token: send the value of the csrf cookie')
  }
}

/** Whether the tenant is live, suspended or gone, read in the opening round trip (migration 0014). */
function tenantStatusStatement(tenantId: string): string {
  return `SELECT tenant_status(${quoteLiteral(tenantId)}) AS status`
}

/**
 * The caller's role in the tenant, the tenant's status, and its name when it requires single
 * sign-on, read in the transaction's opening round trip (migrations 0006, 0014, 0013).
 */
function memberRoleStatement(tenantId: string, userId: string): string {
  const tenant = quoteLiteral(tenantId)
  return `SELECT tenant_role_of(${tenant}, ${quoteLiteral(userId)}) AS role, tenant_status(${tenant}) AS status, tenant_sso_required(${tenant}) AS sso_required_by`
}

/** A tenant that requires single sign-on admits its members only through a session from its own provider. */
function assertSsoSatisfied(requiredBy: unknown, principal: UserPrincipal, tenantId: string): void {
  if (typeof requiredBy !== 'string' || ssoScopeOf(principal) === tenantId) return
  throw problems.ssoRequired(
    `${requiredBy} admits its members only through its single sign-on: sign in with SSO (by your email or the tenant's slug) to reach it`,
  )
}

/** A suspended tenant refuses its members and keys; only those who could reach it learn that it is suspended. */
function assertNotSuspended(status: unknown): void {
  if (status === 'suspended') throw problems.tenantSuspended()
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
        if (!firstRows[0]?.status) throw problems.notFound()
        assertNotSuspended(firstRows[0].status)
        if (!scopesAllow(principal.scopes, action)) throw problems.forbidden(`this API key lacks the scope for ${action}`)
        return work({ id: tenantId, client, role: null })
      },
      { readOnly, firstStatement: tenantStatusStatement(tenantId) },
    )
  }
  const scope = ssoScopeOf(principal)
  if (scope !== null && scope !== tenantId)
    throw problems.forbidden("this session came from another tenant's single sign-on and reaches that tenant only")
  return withTenant(
    deps.pools.app,
    tenantId,
    async (client, firstRows) => {
      const role = (firstRows[0]?.role as TenantRole | undefined) ?? null
      if (!role) throw problems.notFound()
      assertNotSuspended(firstRows[0]?.status)
      assertSsoSatisfied(firstRows[0]?.sso_required_by, principal, tenantId)
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

/**
 * The platform operator behind a user principal, as their audit rows name them; 403 for anyone
 * else, for a session from a tenant's single sign-on, and for a session that did not come from the
 * platform's single sign-on when operators are required to use it (`limena sso configure
 * --platform --require-for-operators`), read in the same round trip.
 */
async function platformOperator(deps: ServerDependencies, request: Request, user: UserPrincipal): Promise<OperatorIdentity> {
  if (ssoScopeOf(user) !== null)
    throw problems.forbidden("this session came from a tenant's single sign-on, which reaches that tenant only: operator routes refuse it")
  const found = await inTransaction(deps.pools.app, { readOnly: true }, async (client) => {
    const result = await client.query<{ email: string; required_issuer: string | null }>(
      `SELECT u.email, (SELECT p.issuer FROM platform_sso p WHERE p.require_for_operators) AS required_issuer
         FROM users u WHERE u.id = $1 AND u.is_platform_admin AND u.disabled_at IS NULL`,
      [user.userId],
    )
    return result.rows[0] ?? null
  })
  if (found === null) throw problems.forbidden('this operation is for platform operators')
  const sso = user.origin.sso
  if (found.required_issuer !== null && !(sso !== null && sso.tenantId === null && sso.issuer === found.required_issuer))
    throw problems.ssoRequired("operators must sign in through the platform's single sign-on: this session did not come from it")
  return { actor: { type: 'operator', id: user.userId, name: found.email }, reason: accessReasonOf(request) }
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
      assertNotScopedBeyond(definition, user)
      return run({ ...base, principal: user }, parseRequestInput(definition, request))
    }
    case 'authenticated': {
      const caller = userOrKey(principal)
      assertCsrf(request, definition, deps, caller.kind === 'user' ? caller.sessionId : null)
      assertNotScopedBeyond(definition, caller)
      return run({ ...base, principal: caller }, parseRequestInput(definition, request))
    }
    case 'operator': {
      const user = signedInUser(principal)
      assertCsrf(request, definition, deps, user.sessionId)
      const operator = await platformOperator(deps, request, user)
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
