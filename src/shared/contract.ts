/**
 * @module contract
 * Every operation of the backend, declared once: HTTP method and path, who may call it, and the
 * zod schemas of its input and output. The server builds its routes from it and validates with
 * it (answers too, so no field outside the schema can leak), main's API client and IPC router
 * validate with it, and the renderer's hooks are typed by it.
 *
 * Input is one flat object: path parameters, plus the query string (GET) or the JSON body.
 */
import { z } from 'zod'
import { apiKeyScopes, tenantRoles, type TenantAction } from './permissions.js'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/**
 * Who may call an operation:
 * - `public`: nobody needs to be signed in;
 * - `session`: the refresh-token cookie identifies the caller (refresh, logout);
 * - `user`: a signed-in user (access token), not an API key;
 * - `authenticated`: a signed-in user or an API key;
 * - `tenant`: a member of `:tenantId` (or its API key) allowed `permission` by the matrix;
 * - `operator`: a platform admin.
 */
export type OperationAccess = 'public' | 'session' | 'user' | 'authenticated' | 'tenant' | 'operator'

export interface OperationDefinition<Input extends z.ZodType = z.ZodType, Output extends z.ZodType = z.ZodType> {
  method: HttpMethod
  /** Path under /api/v1, with `:param` placeholders. */
  path: string
  access: OperationAccess
  /** For `tenant` access: the action of the permission matrix this operation performs. */
  permission?: TenantAction
  /** State-changing operations check CSRF unless they start a session (no session to bind to yet). */
  csrf?: 'exempt-before-session'
  summary: string
  successStatus?: 200 | 201 | 204
  input: Input
  output: Output
}

function defineOperation<Input extends z.ZodType, Output extends z.ZodType>(
  definition: OperationDefinition<Input, Output>,
): OperationDefinition<Input, Output> {
  return definition
}

export const apiBasePath = '/api/v1'

const uuid = z.string().uuid()
const email = z
  .string()
  .trim()
  .max(254)
  .email()
  .transform((value) => value.toLowerCase())
const password = z.string().min(1).max(1024)
const isoDateTime = z.string()
const noInput = z.object({}).strict()
const tenantParams = z.object({ tenantId: uuid })

export const healthSchema = z.object({
  status: z.enum(['ok', 'unavailable']),
  db: z.enum(['up', 'down']),
})
export type Health = z.infer<typeof healthSchema>

export const tenantRoleSchema = z.enum(tenantRoles)
export const apiKeyScopeSchema = z.enum(apiKeyScopes)

export const userSummarySchema = z.object({ id: uuid, email: z.string(), isPlatformAdmin: z.boolean() })
export const membershipSummarySchema = z.object({ tenantId: uuid, tenantSlug: z.string(), role: tenantRoleSchema })

export const sessionSchema = z.object({
  accessToken: z.string(),
  expiresIn: z.number().int(),
  user: userSummarySchema,
  memberships: z.array(membershipSummarySchema),
})
export type Session = z.infer<typeof sessionSchema>

export const accessTokenSchema = z.object({ accessToken: z.string(), expiresIn: z.number().int() })

export const meSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), user: userSummarySchema, memberships: z.array(membershipSummarySchema) }),
  z.object({ kind: z.literal('api_key'), keyId: uuid, tenantId: uuid, scopes: z.array(apiKeyScopeSchema) }),
])

export const jwksSchema = z.object({
  keys: z.array(z.object({ kty: z.literal('RSA'), kid: z.string(), alg: z.literal('RS256'), use: z.literal('sig'), n: z.string(), e: z.string() })),
})

const slug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'lowercase letters, digits and inner hyphens, at most 63 characters')
const tenantName = z.string().trim().min(1).max(200)

export const tenantSchema = z.object({ id: uuid, name: z.string(), slug: z.string(), createdAt: isoDateTime, updatedAt: isoDateTime })
export const tenantWithRoleSchema = tenantSchema.extend({ role: tenantRoleSchema })

export const memberSchema = z.object({ userId: uuid, email: z.string(), displayName: z.string().nullable(), role: tenantRoleSchema, joinedAt: isoDateTime })

export const apiKeySummarySchema = z.object({
  id: uuid,
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(apiKeyScopeSchema),
  createdAt: isoDateTime,
  lastUsedAt: isoDateTime.nullable(),
})

export const operations = {
  health: defineOperation({
    method: 'GET',
    path: '/healthz',
    access: 'public',
    summary: 'Liveness of the backend and reachability of its database',
    input: noInput,
    output: healthSchema,
  }),
  login: defineOperation({
    method: 'POST',
    path: '/auth/login',
    access: 'public',
    csrf: 'exempt-before-session',
    summary: 'Sign in with email and password; sets the refresh_token and csrf cookies',
    input: z.object({ email, password }).strict(),
    output: sessionSchema,
  }),
  refresh: defineOperation({
    method: 'POST',
    path: '/auth/refresh',
    access: 'session',
    summary: 'A new access token for the refresh_token cookie, which is rotated',
    input: noInput,
    output: accessTokenSchema,
  }),
  logout: defineOperation({
    method: 'POST',
    path: '/auth/logout',
    access: 'session',
    summary: 'End the session: its refresh-token family is revoked and the cookies cleared',
    successStatus: 204,
    input: noInput,
    output: z.void(),
  }),
  changePassword: defineOperation({
    method: 'POST',
    path: '/auth/password',
    access: 'user',
    summary: "Change the caller's password; every other session is revoked",
    successStatus: 204,
    input: z.object({ currentPassword: password, newPassword: password }).strict(),
    output: z.void(),
  }),
  jwks: defineOperation({
    method: 'GET',
    path: '/auth/jwks',
    access: 'public',
    summary: 'Public keys that verify access tokens (RS256)',
    input: noInput,
    output: jwksSchema,
  }),
  me: defineOperation({
    method: 'GET',
    path: '/me',
    access: 'authenticated',
    summary: 'The caller: a user with memberships, or an API key with its tenant and scopes',
    input: noInput,
    output: meSchema,
  }),
  listTenants: defineOperation({
    method: 'GET',
    path: '/tenants',
    access: 'user',
    summary: 'Tenants the caller belongs to, with the role held in each',
    input: noInput,
    output: z.object({ items: z.array(tenantWithRoleSchema) }),
  }),
  createTenant: defineOperation({
    method: 'POST',
    path: '/tenants',
    access: 'user',
    summary: 'Create a tenant; the caller becomes its owner',
    successStatus: 201,
    input: z.object({ name: tenantName, slug }).strict(),
    output: tenantWithRoleSchema,
  }),
  getTenant: defineOperation({
    method: 'GET',
    path: '/tenants/:tenantId',
    access: 'tenant',
    permission: 'tenant:read',
    summary: 'One tenant',
    input: tenantParams.strict(),
    output: tenantSchema,
  }),
  updateTenant: defineOperation({
    method: 'PATCH',
    path: '/tenants/:tenantId',
    access: 'tenant',
    permission: 'tenant:update',
    summary: "Rename a tenant or change its slug",
    input: tenantParams.extend({ name: tenantName.optional(), slug: slug.optional() }).strict(),
    output: tenantSchema,
  }),
  deleteTenant: defineOperation({
    method: 'DELETE',
    path: '/tenants/:tenantId',
    access: 'tenant',
    permission: 'tenant:delete',
    summary: 'Soft-delete a tenant (owner only)',
    successStatus: 204,
    input: tenantParams.strict(),
    output: z.void(),
  }),
  listMembers: defineOperation({
    method: 'GET',
    path: '/tenants/:tenantId/members',
    access: 'tenant',
    permission: 'members:read',
    summary: "A tenant's members and their roles",
    input: tenantParams.strict(),
    output: z.object({ items: z.array(memberSchema) }),
  }),
  listApiKeys: defineOperation({
    method: 'GET',
    path: '/tenants/:tenantId/api-keys',
    access: 'tenant',
    permission: 'keys:read',
    summary: "A tenant's API keys: prefix, name, scopes, dates; never the key or its hash",
    input: tenantParams.strict(),
    output: z.object({ items: z.array(apiKeySummarySchema) }),
  }),
  createApiKey: defineOperation({
    method: 'POST',
    path: '/tenants/:tenantId/api-keys',
    access: 'tenant',
    permission: 'keys:write',
    summary: 'Create an API key; the key is in this answer only',
    successStatus: 201,
    input: tenantParams.extend({ name: z.string().trim().min(1).max(200), scopes: z.array(apiKeyScopeSchema).min(1).max(apiKeyScopes.length) }).strict(),
    output: z.object({ id: uuid, key: z.string(), prefix: z.string(), name: z.string(), scopes: z.array(apiKeyScopeSchema) }),
  }),
  deleteApiKey: defineOperation({
    method: 'DELETE',
    path: '/tenants/:tenantId/api-keys/:keyId',
    access: 'tenant',
    permission: 'keys:write',
    summary: 'Revoke an API key',
    successStatus: 204,
    input: tenantParams.extend({ keyId: uuid }).strict(),
    output: z.void(),
  }),
} as const

export type Operations = typeof operations
export type OperationName = keyof Operations
export type OperationInput<Name extends OperationName> = z.input<Operations[Name]['input']>
export type OperationOutput<Name extends OperationName> = z.output<Operations[Name]['output']>

export function isOperationName(name: unknown): name is OperationName {
  return typeof name === 'string' && Object.hasOwn(operations, name)
}

export const stateChangingMethods: ReadonlySet<HttpMethod> = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
