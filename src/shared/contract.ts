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
import { auditActionFilters, platformAuditActionNames } from './audit-actions.js'
import { apiKeyScopes, tenantRoles, type TenantAction } from './permissions.js'

export { accessReasonHeader, accessReasonSchema, decodeAccessReason, encodeAccessReason } from './access-reason.js'

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

export interface OperationDefinition<
  Input extends z.ZodType = z.ZodType,
  Output extends z.ZodType = z.ZodType,
  Access extends OperationAccess = OperationAccess,
  Produces extends 'text/csv' | undefined = 'text/csv' | undefined,
> {
  method: HttpMethod
  /** Path under /api/v1, with `:param` placeholders. */
  path: string
  access: Access
  /** For `tenant` access: the action of the permission matrix this operation performs. */
  permission?: TenantAction
  /** State-changing operations check CSRF unless they start a session (no session to bind to yet). */
  csrf?: 'exempt-before-session'
  /** A streamed body of this type instead of JSON (the handler writes it; `output` is unused). */
  produces?: Produces
  /**
   * How long a cache may keep the answer. Every answer is `no-store` unless its operation says
   * otherwise: only public answers that are the same for everyone may.
   */
  cache?: { public: true; maxAgeSeconds: number }
  summary: string
  /** 303: the handler answers a redirect itself (the single sign-on callback sends the browser on to the app). */
  successStatus?: 200 | 201 | 204 | 303
  /**
   * For `user` operations that act beyond one tenant (create a tenant, answer invitations): refused
   * to a session that came from a tenant's single sign-on, which reaches that tenant only.
   */
  tenantScopedSessions?: 'refused'
  input: Input
  output: Output
}

/** Keeps each operation's access kind and body type as literals, so handlers are typed by them. */
function defineOperation<
  Input extends z.ZodType,
  Output extends z.ZodType,
  Access extends OperationAccess,
  Produces extends 'text/csv' | undefined = undefined,
>(definition: OperationDefinition<Input, Output, Access, Produces>): OperationDefinition<Input, Output, Access, Produces> {
  return definition
}

export const apiBasePath = '/api/v1'

const pathParameterPattern = /:([A-Za-z]+)/g

/** The `:name` placeholders of an operation's path, in order. */
export function pathParameterNames(path: string): string[] {
  return [...path.matchAll(pathParameterPattern)].map((match) => match[1]!)
}

/** The path with each `:name` replaced by `value(name)`. */
export function fillPath(path: string, value: (name: string) => string): string {
  return path.replace(pathParameterPattern, (_match, name: string) => value(name))
}

/**
 * Whether an operation reads a JSON body: a state-changing method with input beyond its path
 * parameters. GET and DELETE take their input from the path and query string.
 */
export function takesBody(definition: OperationDefinition): boolean {
  if (definition.method === 'GET' || definition.method === 'DELETE') return false
  const shape = (definition.input as unknown as { shape?: Record<string, unknown> }).shape ?? {}
  const pathNames = pathParameterNames(definition.path)
  return Object.keys(shape).some((name) => !pathNames.includes(name))
}

/** The Cache-Control value of an operation's answers. */
export function cacheControlOf(definition: OperationDefinition): string {
  return definition.cache ? `public, max-age=${definition.cache.maxAgeSeconds}` : 'no-store'
}

const uuid = z.uuid()
/** The one rule for an email address, wherever one is typed: trimmed, at most 254 characters, lowercased. */
export const emailSchema = z.string().trim().max(254).toLowerCase().pipe(z.email()).meta({ format: 'email' })
const email = emailSchema
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

/**
 * How a session was opened. A session from a tenant's identity provider reaches that tenant only
 * (`tenantId`); one from the platform's provider (`tenantId: null`) is a full session.
 */
export const sessionOriginSchema = z.object({
  method: z.enum(['password', 'invitation', 'sso']),
  sso: z.object({ issuer: z.string(), tenantId: uuid.nullable(), amr: z.array(z.string()) }).nullable(),
})
export type SessionOrigin = z.infer<typeof sessionOriginSchema>

export const sessionSchema = z.object({
  accessToken: z.string(),
  expiresIn: z.number().int(),
  user: userSummarySchema,
  memberships: z.array(membershipSummarySchema),
  origin: sessionOriginSchema,
})
export type Session = z.infer<typeof sessionSchema>

export const accessTokenSchema = z.object({ accessToken: z.string(), expiresIn: z.number().int() })

export const meSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), user: userSummarySchema, memberships: z.array(membershipSummarySchema) }),
  z.object({ kind: z.literal('api_key'), keyId: uuid, tenantId: uuid, scopes: z.array(apiKeyScopeSchema) }),
])

export const jwksSchema = z.object({
  keys: z.array(
    z.object({ kty: z.literal('RSA'), kid: z.string(), alg: z.literal('RS256'), use: z.literal('sig'), n: z.string(), e: z.string() }),
  ),
})

const slug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'lowercase letters, digits and inner hyphens, at most 63 characters')
const tenantName = z.string().trim().min(1).max(200)

export const tenantSchema = z.object({
  id: uuid,
  name: z.string(),
  slug: z.string(),
  createdAt: isoDateTime,
  updatedAt: isoDateTime,
  /** Suspended by the platform's operators: set when the tenant is, so a member's console can say so. */
  suspendedAt: isoDateTime.nullable(),
})
export const tenantWithRoleSchema = tenantSchema.extend({ role: tenantRoleSchema })

export const memberSchema = z.object({
  userId: uuid,
  email: z.string(),
  displayName: z.string().nullable(),
  role: tenantRoleSchema,
  joinedAt: isoDateTime,
})

/** A pending invitation as its tenant's owners and admins see it. */
export const invitationSchema = z.object({
  id: uuid,
  email: z.string(),
  role: tenantRoleSchema,
  invitedBy: z.string().nullable(),
  createdAt: isoDateTime,
  expiresAt: isoDateTime,
})
/** A pending invitation as the invited person sees it: which tenant asks, for which role. */
export const myInvitationSchema = z.object({
  id: uuid,
  tenantId: uuid,
  tenantName: z.string(),
  tenantSlug: z.string(),
  role: tenantRoleSchema,
  invitedBy: z.string().nullable(),
  createdAt: isoDateTime,
  expiresAt: isoDateTime,
})

/** How long a new API key lives, in days: one of these, or null for a key that never expires. */
export const apiKeyLifetimes = [30, 90, 365] as const
export const apiKeyLifetimeSchema = z.literal(apiKeyLifetimes).nullable()
/** A rolled key's grace period, in hours: how long the old key keeps working beside its successor. */
export const apiKeyMaxGraceHours = 168

export const apiKeySummarySchema = z.object({
  id: uuid,
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(apiKeyScopeSchema),
  createdAt: isoDateTime,
  lastUsedAt: isoDateTime.nullable(),
  /** When the key stops working (null: never). A rolled key's is the end of its grace period. */
  expiresAt: isoDateTime.nullable(),
  /** Its expiry policy, which a successor inherits: days from creation, or null for never. */
  expiresInDays: apiKeyLifetimeSchema,
  /** When it was rolled, and the key that replaced it; both null for a key never rolled. */
  rolledAt: isoDateTime.nullable(),
  successorId: uuid.nullable(),
})

/** A key just made, by create or roll: the only answer that ever holds the key itself. */
const newApiKeySchema = z.object({
  id: uuid,
  key: z.string(),
  prefix: z.string(),
  name: z.string(),
  scopes: z.array(apiKeyScopeSchema),
  expiresAt: isoDateTime.nullable(),
})

export const auditActorSchema = z.object({
  type: z.enum(['user', 'api_key', 'operator', 'system']),
  id: z.string().nullable(),
  name: z.string().nullable(),
})
export const auditTargetSchema = z.object({ type: z.string().nullable(), id: z.string().nullable(), name: z.string().nullable() })

export const auditLogItemSchema = z.object({
  id: z.string(),
  tenantId: uuid,
  at: isoDateTime,
  action: z.string(),
  actor: auditActorSchema,
  target: auditTargetSchema,
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
  reason: z.string().nullable(),
  changes: z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() })).nullable(),
  metadata: z.record(z.string(), z.unknown()),
  chain: z.object({ seq: z.string(), prevHash: z.string(), hash: z.string() }),
})
export type AuditLogItem = z.infer<typeof auditLogItemSchema>

const isoInstant = z.iso.datetime({ offset: true })
export const auditFiltersSchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(512).optional(),
  /** An action of the catalogue (src/shared/audit-actions.ts), or a family such as `auth.*`. */
  action: z.enum(auditActionFilters).optional(),
  actorId: uuid.optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  q: z.string().trim().min(1).max(200).optional(),
  /** The `target.id` of the events (an API key's, a member's, an integration's id…). */
  targetId: z.string().trim().min(1).max(200).optional(),
  /** `exclude` leaves out operators' access rows (operator.read, operator.write): the noise of support work. */
  operatorAccess: z.enum(['include', 'exclude']).default('include'),
})
export type AuditFilters = z.infer<typeof auditFiltersSchema>

/** Counts stop at this many rows: past it a list says "more than 10,000", not a number it did not count. */
export const auditCountLimit = 10_000
/** A count of rows up to auditCountLimit: `exact` is false when there are more than `value`. */
const boundedCountSchema = z.object({ value: z.number().int(), exact: z.boolean() })
export type BoundedCount = z.infer<typeof boundedCountSchema>
export const auditPageSchema = z.object({
  items: z.array(auditLogItemSchema),
  nextCursor: z.string().nullable(),
  /**
   * On the first page only (no cursor), else null: the rows matching every filter, and the
   * operators' access rows among those matching every filter but `operatorAccess` (what the
   * console's "show operator access (N)" toggle would add or hides).
   */
  counts: z.object({ matching: boundedCountSchema, operatorAccess: boundedCountSchema }).nullable(),
})

/** Who acted, or what was acted on, in an audit log: the pickers' choices, by name. */
export const auditSubjectSchema = z.object({
  type: z.string(),
  id: z.string(),
  /** The newest name the log holds for this id (names are resolved when each event is written). */
  name: z.string().nullable(),
  /** How many events name it, as `role`. */
  events: z.number().int(),
})
const auditSubjectQuery = {
  role: z.enum(['actor', 'target']),
  /** Part of a name, email or id, case-insensitive. */
  q: z.string().trim().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
}

/** One row of the platform audit log: an operator's read of platform-wide data, hash-chained. */
export const platformAuditItemSchema = z.object({
  id: z.string(),
  at: isoDateTime,
  action: z.enum(platformAuditActionNames),
  operator: z.object({ id: z.string().nullable(), name: z.string().nullable() }),
  reason: z.string().nullable(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  /** What was read, in words ("tenant directory", "security posture"). */
  what: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  chain: z.object({ seq: z.string(), prevHash: z.string(), hash: z.string() }),
})
export type PlatformAuditItem = z.infer<typeof platformAuditItemSchema>
const platformAuditFilters = {
  action: z.enum(platformAuditActionNames).optional(),
  operatorId: uuid.optional(),
  from: isoInstant.optional(),
  to: isoInstant.optional(),
}

export const integrationProviderSchema = z.enum(['slack', 'jira', 'github'])
export const integrationSchema = z.object({
  id: uuid,
  provider: integrationProviderSchema,
  label: z.string(),
  connectedAt: isoDateTime,
  keyVersion: z.number().int(),
})

export const quotaStateSchema = z.enum(['ok', 'velocity_capped', 'ceiling_reached'])
export type QuotaState = z.infer<typeof quotaStateSchema>
export const quotaTripSchema = z.object({
  id: uuid,
  kind: z.enum(['velocity', 'monthly_ceiling']),
  trippedAt: isoDateTime,
  resetsAt: isoDateTime,
  resetAt: isoDateTime.nullable(),
  resetByName: z.string().nullable(),
  resetReason: z.string().nullable(),
})
export const quotasSchema = z.object({
  tenantId: uuid,
  velocityPerHour: z.number().int(),
  monthlyTokenCeiling: z.number().int(),
  hour: z.object({ windowStart: isoDateTime, calls: z.number().int(), remaining: z.number().int(), resetsAt: isoDateTime }),
  month: z.object({ windowStart: isoDateTime, tokens: z.number().int(), remaining: z.number().int(), resetsAt: isoDateTime }),
  state: quotaStateSchema,
  /** The cap that refuses calls now, or else the one closest to doing so. */
  binding: z.enum(['velocity', 'monthly_ceiling']),
  explanation: z.string(),
  /**
   * `ceilingReachedAt`: while within limits, when the recent rate reaches the ceiling (null if not
   * this month); once reached, when it was (the open trip's time), never a forecast of "now".
   */
  forecast: z.object({ tokensPerDay: z.number(), ceilingReachedAt: isoDateTime.nullable() }),
  trips: z.array(quotaTripSchema),
})
export type Quotas = z.infer<typeof quotasSchema>

export const adminTenantSummarySchema = z.object({
  id: uuid,
  name: z.string(),
  slug: z.string(),
  createdAt: isoDateTime,
  deletedAt: isoDateTime.nullable(),
  /** Suspended by an operator: its members and API keys are refused until it is restored. */
  suspendedAt: isoDateTime.nullable(),
  memberCount: z.number().int(),
  monthTokens: z.number().int(),
  monthlyTokenCeiling: z.number().int(),
  hourCalls: z.number().int(),
  velocityPerHour: z.number().int(),
  state: quotaStateSchema,
})

export const usageMetricSchema = z.enum(['tokens', 'calls'])
export type UsageMetric = z.infer<typeof usageMetricSchema>
/** A person as an operator finds them: account, and where they belong. */
export const adminUserSchema = z.object({
  id: uuid,
  email: z.string(),
  isPlatformAdmin: z.boolean(),
  createdAt: isoDateTime,
  disabledAt: isoDateTime.nullable(),
  memberships: z.array(z.object({ tenantId: uuid, tenantName: z.string(), tenantSlug: z.string(), role: tenantRoleSchema })),
})
export type AdminUser = z.infer<typeof adminUserSchema>

export const usageSeriesSchema = z.object({
  bucket: z.enum(['hour', 'day']),
  /** The metric the top tenants were chosen by (most first in `series`). */
  metric: usageMetricSchema,
  from: isoDateTime,
  to: isoDateTime,
  /** When the data was read: a last bucket ending after it is partial (it holds usage until then). */
  readAt: isoDateTime,
  buckets: z.array(isoDateTime),
  /** The top tenants, then (when it has usage) one series with `tenantId: null` summing all the others. */
  series: z.array(z.object({ tenantId: uuid.nullable(), tenantName: z.string(), tokens: z.array(z.number()), calls: z.array(z.number()) })),
  /** How many tenants with usage in the range the `tenantId: null` series sums. */
  otherTenants: z.number().int(),
  totals: z.object({ tokens: z.number(), calls: z.number() }),
  /**
   * Most used first; tenants at or above their ceiling (tied at 100%) by when they tripped,
   * earliest first (`trippedAt`: the open trip of this month's ceiling, else null).
   */
  nearCeiling: z.array(
    z.object({
      tenantId: uuid,
      tenantName: z.string(),
      monthTokens: z.number(),
      monthlyTokenCeiling: z.number(),
      ratio: z.number(),
      trippedAt: isoDateTime.nullable(),
    }),
  ),
  /** One page of the range's trips, newest first. */
  trips: z.array(quotaTripSchema.extend({ tenantId: uuid, tenantName: z.string() })),
  /**
   * Where the page is among the range's `total` trips (`first`: the 1-based position of its first
   * trip), and the cursors of the pages around it: `newer` to send as `tripsAfter`, `older` as
   * `tripsBefore` (null at either end).
   */
  tripsPage: z.object({ total: z.number().int(), first: z.number().int(), newer: uuid.nullable(), older: uuid.nullable() }),
})

export const accessLogItemSchema = z.object({
  id: z.string(),
  at: isoDateTime,
  tenantId: uuid,
  tenantName: z.string().nullable(),
  operator: z.object({ id: z.string().nullable(), name: z.string().nullable() }),
  action: z.enum(['operator.read', 'operator.write']),
  reason: z.string().nullable(),
  what: z.string().nullable(),
})

// ---- Single sign-on (OpenID Connect) ----------------------------------------------------------

/** A domain people's emails may end in, lowercased: `example.com`. */
export const emailDomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'a domain such as example.com')

/** Where an app waits for the one-time code (RFC 8252 loopback redirect): http, 127.0.0.1 or [::1], an explicit port. */
export const loopbackRedirectSchema = z
  .string()
  .max(200)
  .regex(/^http:\/\/(127\.0\.0\.1|\[::1\]):[0-9]{1,5}\/[A-Za-z0-9/_-]*$/, 'http://127.0.0.1:<port>/<path> (a loopback address)')

/** A PKCE S256 code challenge or verifier: base64url, 43 to 128 characters (RFC 7636). */
const pkceValue = z.string().regex(/^[A-Za-z0-9_~.-]{43,128}$/, 'base64url, 43 to 128 characters')

/** A tenant's identity provider as its owners see it: never the client secret. */
export const tenantSsoSchema = z.object({
  issuer: z.string(),
  clientId: z.string(),
  allowedDomains: z.array(z.string()),
  defaultRole: tenantRoleSchema,
  requireSso: z.boolean(),
  /** The address to register at the identity provider as this install's redirect URI. */
  redirectUri: z.string(),
  secretKeyVersion: z.number().int(),
  updatedAt: isoDateTime,
})
export type TenantSso = z.infer<typeof tenantSsoSchema>

export const tenantSsoInputSchema = z.object({
  issuer: z.url({ protocol: /^https?$/ }).max(500),
  clientId: z.string().trim().min(1).max(500),
  /** Required the first time; left out on a change, the stored secret is kept. */
  clientSecret: z.string().min(1).max(2000).optional(),
  allowedDomains: z.array(emailDomainSchema).min(1).max(50),
  defaultRole: z.enum(['admin', 'member', 'viewer']),
  requireSso: z.boolean(),
})

/** One session (refresh-token family) of a user; `ip` and `userAgent` as last seen (its sign-in, or its latest refresh). */
export const userSessionSchema = z.object({
  id: uuid,
  current: z.boolean(),
  origin: sessionOriginSchema,
  createdAt: isoDateTime,
  lastUsedAt: isoDateTime,
  expiresAt: isoDateTime,
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
})
export type UserSession = z.infer<typeof userSessionSchema>

export const postureSchema = z.object({
  tables: z.array(
    z.object({
      name: z.string(),
      tenantScoped: z.boolean(),
      rlsEnabled: z.boolean(),
      rlsForced: z.boolean(),
      policies: z.array(
        z.object({
          name: z.string(),
          command: z.string(),
          roles: z.array(z.string()),
          using: z.string().nullable(),
          check: z.string().nullable(),
        }),
      ),
    }),
  ),
  roles: z.array(
    z.object({
      name: z.string(),
      canLogin: z.boolean(),
      superuser: z.boolean(),
      bypassRls: z.boolean(),
      grants: z.array(z.object({ table: z.string(), privileges: z.array(z.string()) })),
    }),
  ),
  keys: z.array(
    z.object({
      kind: z.enum(['encryption', 'jwt-signing']),
      id: z.string(),
      createdAt: isoDateTime.nullable(),
      ageDays: z.number().nullable(),
      retired: z.boolean(),
      rotationDue: z.boolean(),
      /** Encryption keys: how many integration secrets are sealed under this version now (null for signing keys). */
      sealedSecrets: z.number().int().nullable(),
    }),
  ),
  migrations: z.object({ applied: z.array(z.string()), latest: z.string().nullable() }),
  guarantees: z.array(z.object({ name: z.string(), holds: z.boolean(), detail: z.string() })),
  /**
   * Live tenant API keys (not revoked, not expired, of live tenants): how many, how many are
   * older than `maxAgeDays` and in how many tenants, and the oldest of those (at most 100).
   */
  apiKeys: z.object({
    maxAgeDays: z.number().int(),
    live: z.number().int(),
    older: z.number().int(),
    tenants: z.number().int(),
    oldest: z.array(
      z.object({
        tenantId: uuid,
        tenantName: z.string(),
        keyId: uuid,
        name: z.string(),
        prefix: z.string(),
        createdAt: isoDateTime,
        ageDays: z.number().int(),
        lastUsedAt: isoDateTime.nullable(),
        expiresAt: isoDateTime.nullable(),
      }),
    ),
  }),
})
export type Posture = z.infer<typeof postureSchema>

const adminPage = { limit: z.coerce.number().int().min(1).max(200).default(50), cursor: z.string().max(512).optional() }

export const operations = {
  health: defineOperation({
    method: 'GET',
    path: '/healthz',
    access: 'public',
    summary: 'Liveness of the backend and reachability of its database',
    input: noInput,
    output: healthSchema,
  }),
  openapi: defineOperation({
    method: 'GET',
    path: '/openapi.json',
    access: 'public',
    summary: 'This API as an OpenAPI 3.1 document, generated from the shared contract',
    input: noInput,
    output: z.record(z.string(), z.unknown()),
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
    cache: { public: true, maxAgeSeconds: 300 },
    input: noInput,
    output: jwksSchema,
  }),
  ssoDiscover: defineOperation({
    method: 'GET',
    path: '/auth/sso/discover',
    access: 'public',
    summary:
      "Which identity provider signs in an email address (by its domain) or a tenant (by its slug): a tenant's, or the platform's for operators. 404 when none",
    input: z
      .object({ email: email.optional(), tenant: slug.optional() })
      .strict()
      .refine((value) => (value.email === undefined) !== (value.tenant === undefined), 'give either email or tenant'),
    output: z.object({
      provider: z.enum(['tenant', 'platform']),
      issuer: z.string(),
      tenant: z.object({ id: uuid, name: z.string(), slug: z.string() }).nullable(),
    }),
  }),
  ssoStart: defineOperation({
    method: 'POST',
    path: '/auth/sso/start',
    access: 'public',
    csrf: 'exempt-before-session',
    summary:
      "Begin single sign-on (authorization code with PKCE, state and nonce): the address to open in the system browser. The app's own PKCE challenge binds the one-time code the callback hands to its loopback redirect",
    input: z
      .object({
        email: email.optional(),
        tenant: slug.optional(),
        redirectUri: loopbackRedirectSchema,
        codeChallenge: pkceValue,
        codeChallengeMethod: z.literal('S256'),
        state: z.string().min(16).max(200),
      })
      .strict()
      .refine((value) => (value.email === undefined) !== (value.tenant === undefined), 'give either email or tenant'),
    output: z.object({ authorizationUrl: z.string(), expiresAt: isoDateTime }),
  }),
  ssoCallback: defineOperation({
    method: 'GET',
    path: '/auth/sso/callback',
    access: 'public',
    summary:
      "Where the identity provider returns: the code is exchanged and the ID token checked, then the browser is sent (303) to the app's loopback redirect with a one-time code and the app's state. An unknown state is answered here, as a problem",
    successStatus: 303,
    input: z
      .object({
        code: z.string().max(2000).optional(),
        state: z.string().max(200).optional(),
        iss: z.string().max(500).optional(),
        error: z.string().max(200).optional(),
        error_description: z.string().max(1000).optional(),
        session_state: z.string().max(500).optional(),
      })
      // Identity providers add parameters of their own (Google: scope, authuser, hd, prompt).
      .catchall(z.string().max(2000)),
    output: z.void(),
  }),
  ssoExchange: defineOperation({
    method: 'POST',
    path: '/auth/sso/token',
    access: 'public',
    csrf: 'exempt-before-session',
    summary:
      "Trade the one-time code from the loopback redirect and the app's PKCE verifier for a session (sets the refresh_token and csrf cookies); when sign-on failed, the problem says which check did",
    input: z.object({ code: z.string().min(1).max(200), codeVerifier: pkceValue }).strict(),
    output: sessionSchema,
  }),
  listMySessions: defineOperation({
    method: 'GET',
    path: '/me/sessions',
    access: 'user',
    summary: "The caller's active sessions: how each was opened, device, address, last use",
    input: noInput,
    output: z.object({ items: z.array(userSessionSchema) }),
  }),
  endMySession: defineOperation({
    method: 'DELETE',
    path: '/me/sessions/:sessionId',
    access: 'user',
    summary: "End one of the caller's sessions (the current one too: that signs out)",
    successStatus: 204,
    input: z.object({ sessionId: uuid }).strict(),
    output: z.void(),
  }),
  endMyOtherSessions: defineOperation({
    method: 'POST',
    path: '/me/sessions/end-others',
    access: 'user',
    summary: 'End every session of the caller but the current one',
    input: noInput,
    output: z.object({ endedSessions: z.number().int() }),
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
    tenantScopedSessions: 'refused',
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
    summary: 'Rename a tenant or change its slug',
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
    summary: 'Create an API key that expires after 30, 90 (when not said) or 365 days, or never (null); the key is in this answer only',
    successStatus: 201,
    input: tenantParams
      .extend({
        name: z.string().trim().min(1).max(200),
        scopes: z.array(apiKeyScopeSchema).min(1).max(apiKeyScopes.length),
        expiresInDays: apiKeyLifetimeSchema.default(90),
      })
      .strict(),
    output: newApiKeySchema,
  }),
  rollApiKey: defineOperation({
    method: 'POST',
    path: '/tenants/:tenantId/api-keys/:keyId/roll',
    access: 'tenant',
    permission: 'keys:write',
    summary:
      'Roll an API key: a successor with the same name, scopes and expiry policy (the key is in this answer only), while the old key keeps working for `graceHours` (0 to 168), never beyond its own expiry',
    successStatus: 201,
    input: tenantParams.extend({ keyId: uuid, graceHours: z.number().int().min(0).max(apiKeyMaxGraceHours) }).strict(),
    output: newApiKeySchema.extend({ replaced: z.object({ id: uuid, validUntil: isoDateTime }) }),
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
  acceptInvite: defineOperation({
    method: 'POST',
    path: '/auth/accept-invite',
    access: 'public',
    csrf: 'exempt-before-session',
    summary:
      'Accept an invitation addressed to an email with no account: creates that account with this password and signs in. An email that already has an account accepts from GET /me/invitations while signed in (no password is checked here)',
    input: z.object({ token: z.string().min(1).max(200), password }).strict(),
    output: sessionSchema,
  }),
  addMember: defineOperation({
    method: 'POST',
    path: '/tenants/:tenantId/members',
    access: 'tenant',
    permission: 'members:write',
    summary:
      'Invite a person by email: always a pending invitation they accept or decline, with the same answer whether or not the email has an account (the token is in this answer only)',
    successStatus: 201,
    input: tenantParams.extend({ email, role: tenantRoleSchema }).strict(),
    output: z.object({ invitation: invitationSchema, inviteToken: z.string() }),
  }),
  listInvitations: defineOperation({
    method: 'GET',
    path: '/tenants/:tenantId/invitations',
    access: 'tenant',
    permission: 'invitations:manage',
    summary: "A tenant's pending invitations (owners and admins)",
    input: tenantParams.strict(),
    output: z.object({ items: z.array(invitationSchema) }),
  }),
  revokeInvitation: defineOperation({
    method: 'DELETE',
    path: '/tenants/:tenantId/invitations/:invitationId',
    access: 'tenant',
    permission: 'invitations:manage',
    summary: 'Revoke a pending invitation',
    successStatus: 204,
    input: tenantParams.extend({ invitationId: uuid }).strict(),
    output: z.void(),
  }),
  resendInvitation: defineOperation({
    method: 'POST',
    path: '/tenants/:tenantId/invitations/:invitationId/resend',
    access: 'tenant',
    permission: 'invitations:manage',
    summary:
      'A new link for a pending invitation, valid for 7 days from now; the old link stops working (the token is in this answer only)',
    input: tenantParams.extend({ invitationId: uuid }).strict(),
    output: z.object({ invitation: invitationSchema, inviteToken: z.string() }),
  }),
  leaveTenant: defineOperation({
    method: 'DELETE',
    path: '/tenants/:tenantId/members/me',
    access: 'tenant',
    permission: 'membership:leave',
    summary: "Leave a tenant (any member but its last owner); the caller's API keys there are revoked",
    successStatus: 204,
    input: tenantParams.strict(),
    output: z.void(),
  }),
  listMyInvitations: defineOperation({
    method: 'GET',
    path: '/me/invitations',
    access: 'user',
    tenantScopedSessions: 'refused',
    summary: "The caller's pending invitations, addressed to their account's email",
    input: noInput,
    output: z.object({ items: z.array(myInvitationSchema) }),
  }),
  acceptMyInvitation: defineOperation({
    method: 'POST',
    path: '/me/invitations/:invitationId/accept',
    access: 'user',
    tenantScopedSessions: 'refused',
    summary: 'Accept one of your pending invitations: you become a member with its role',
    input: z.object({ invitationId: uuid }).strict(),
    output: membershipSummarySchema,
  }),
  declineMyInvitation: defineOperation({
    method: 'POST',
    path: '/me/invitations/:invitationId/decline',
    access: 'user',
    tenantScopedSessions: 'refused',
    summary: 'Decline one of your pending invitations',
    successStatus: 204,
    input: z.object({ invitationId: uuid }).strict(),
    output: z.void(),
  }),
  updateMember: defineOperation({
    method: 'PATCH',
    path: '/tenants/:tenantId/members/:userId',
    access: 'tenant',
    permission: 'members:write',
    summary: "Change a member's role (owner roles by owners only; never the last owner); their API keys lose the scopes the new role lacks",
    input: tenantParams.extend({ userId: uuid, role: tenantRoleSchema }).strict(),
    output: memberSchema,
  }),
  removeMember: defineOperation({
    method: 'DELETE',
    path: '/tenants/:tenantId/members/:userId',
    access: 'tenant',
    permission: 'members:write',
    summary: "Remove a member (owners by owners only; never the last owner); the member's API keys in the tenant are revoked",
    successStatus: 204,
    input: tenantParams.extend({ userId: uuid }).strict(),
    output: z.void(),
  }),
  listIntegrations: defineOperation({
    method: 'GET',
    path: '/tenants/:tenantId/integrations',
    access: 'tenant',
    permission: 'integrations:read',
    summary: "A tenant's integrations: provider, label, connection time; never the secret",
    input: tenantParams.strict(),
    output: z.object({ items: z.array(integrationSchema) }),
  }),
  connectIntegration: defineOperation({
    method: 'POST',
    path: '/tenants/:tenantId/integrations',
    access: 'tenant',
    permission: 'integrations:write',
    summary: 'Connect an integration; its secret is stored encrypted (AES-256-GCM, per-tenant key)',
    successStatus: 201,
    input: tenantParams
      .extend({ provider: integrationProviderSchema, label: z.string().trim().min(1).max(200), secret: z.string().min(1).max(8192) })
      .strict(),
    output: integrationSchema,
  }),
  disconnectIntegration: defineOperation({
    method: 'DELETE',
    path: '/tenants/:tenantId/integrations/:integrationId',
    access: 'tenant',
    permission: 'integrations:write',
    summary: 'Disconnect an integration and destroy its stored secret',
    successStatus: 204,
    input: tenantParams.extend({ integrationId: uuid }).strict(),
    output: z.void(),
  }),
  getTenantSso: defineOperation({
    method: 'GET',
    path: '/tenants/:tenantId/sso',
    access: 'tenant',
    permission: 'sso:manage',
    summary: "The tenant's single sign-on (never its client secret), or null when it has none",
    input: tenantParams.strict(),
    output: z.object({ sso: tenantSsoSchema.nullable(), redirectUri: z.string() }),
  }),
  putTenantSso: defineOperation({
    method: 'PUT',
    path: '/tenants/:tenantId/sso',
    access: 'tenant',
    permission: 'sso:manage',
    summary:
      "Configure or change the tenant's single sign-on (the issuer is discovered first; the client secret is sealed with the tenant's key and never returned)",
    input: tenantParams.extend(tenantSsoInputSchema.shape).strict(),
    output: tenantSsoSchema,
  }),
  deleteTenantSso: defineOperation({
    method: 'DELETE',
    path: '/tenants/:tenantId/sso',
    access: 'tenant',
    permission: 'sso:manage',
    summary: "Remove the tenant's single sign-on; sessions it opened end",
    successStatus: 204,
    input: tenantParams.strict(),
    output: z.void(),
  }),
  listAuditLogs: defineOperation({
    method: 'GET',
    path: '/tenants/:tenantId/audit-logs',
    access: 'tenant',
    permission: 'audit:read',
    summary: "Search a tenant's audit log, newest first, keyset-paginated",
    input: tenantParams.extend(auditFiltersSchema.shape).strict(),
    output: auditPageSchema,
  }),
  exportAuditLogs: defineOperation({
    method: 'GET',
    path: '/tenants/:tenantId/audit-logs.csv',
    access: 'tenant',
    permission: 'audit:read',
    produces: 'text/csv',
    summary: "Stream a tenant's audit log as CSV with the same filters; the export is itself audited",
    input: tenantParams.extend(auditFiltersSchema.omit({ limit: true, cursor: true }).shape).strict(),
    output: z.void(),
  }),
  listAuditSubjects: defineOperation({
    method: 'GET',
    path: '/tenants/:tenantId/audit-logs/subjects',
    access: 'tenant',
    permission: 'audit:read',
    summary: "The actors or targets of a tenant's audit log matching a name, email or id, most frequent first (the console's pickers)",
    input: tenantParams.extend(auditSubjectQuery).strict(),
    output: z.object({ items: z.array(auditSubjectSchema) }),
  }),
  getQuotas: defineOperation({
    method: 'GET',
    path: '/tenants/:tenantId/quotas',
    access: 'tenant',
    permission: 'quotas:read',
    summary: 'AI caps, current usage, state, which cap binds, forecast, trips',
    input: tenantParams.strict(),
    output: quotasSchema,
  }),
  recordAiUsage: defineOperation({
    method: 'POST',
    path: '/tenants/:tenantId/ai/usage',
    access: 'tenant',
    permission: 'ai:write',
    summary: 'Record one AI call; over a cap: 429 with {state, resetsAt, message}',
    input: tenantParams
      .extend({ tokens: z.number().int().min(0).max(10_000_000), model: z.string().trim().min(1).max(100).optional() })
      .strict(),
    output: z.object({
      state: z.literal('ok'),
      hour: z.object({ calls: z.number().int(), limit: z.number().int() }),
      month: z.object({ tokens: z.number().int(), ceiling: z.number().int() }),
    }),
  }),
  adminListTenants: defineOperation({
    method: 'GET',
    path: '/admin/tenants',
    access: 'operator',
    summary: 'Every tenant with member count, month tokens against the ceiling, quota state',
    input: z.object({ q: z.string().trim().min(1).max(200).optional(), ...adminPage }).strict(),
    output: z.object({ items: z.array(adminTenantSummarySchema), nextCursor: z.string().nullable() }),
  }),
  adminCreateTenant: defineOperation({
    method: 'POST',
    path: '/admin/tenants',
    access: 'operator',
    summary: "Create a tenant and its first owner's invitation",
    successStatus: 201,
    input: z.object({ name: tenantName, slug, ownerEmail: email }).strict(),
    output: z.object({ tenant: tenantSchema, inviteToken: z.string(), expiresAt: isoDateTime }),
  }),
  adminSuspendTenant: defineOperation({
    method: 'POST',
    path: '/admin/tenants/:tenantId/suspend',
    access: 'operator',
    summary:
      "Suspend a tenant: its members and API keys are refused (a problem says it is suspended) until it is restored; nothing is deleted. Audited in the tenant's log with the reason",
    input: tenantParams.strict(),
    output: adminTenantSummarySchema,
  }),
  adminRestoreTenant: defineOperation({
    method: 'POST',
    path: '/admin/tenants/:tenantId/restore',
    access: 'operator',
    summary: "Restore a suspended tenant: its members and API keys reach it again. Audited in the tenant's log with the reason",
    input: tenantParams.strict(),
    output: adminTenantSummarySchema,
  }),
  adminDeleteTenant: defineOperation({
    method: 'DELETE',
    path: '/admin/tenants/:tenantId',
    access: 'operator',
    summary:
      "Delete a tenant (soft: gone for every credential, its audit log kept). `confirmSlug` must repeat the tenant's slug, so a mistyped id deletes nothing",
    successStatus: 204,
    input: tenantParams.extend({ confirmSlug: slug }).strict(),
    output: z.void(),
  }),
  adminGetTenant: defineOperation({
    method: 'GET',
    path: '/admin/tenants/:tenantId',
    access: 'operator',
    summary: 'One tenant in detail: members, API keys and integrations (never secrets), quotas',
    input: tenantParams.strict(),
    output: z.object({
      tenant: adminTenantSummarySchema,
      members: z.array(memberSchema),
      apiKeys: z.array(apiKeySummarySchema),
      integrations: z.array(integrationSchema),
      quotas: quotasSchema,
    }),
  }),
  adminListAuditLogs: defineOperation({
    method: 'GET',
    path: '/admin/audit-logs',
    access: 'operator',
    summary: 'Search audit logs across tenants',
    input: auditFiltersSchema.extend({ tenantId: uuid.optional() }).strict(),
    output: auditPageSchema,
  }),
  adminListAuditSubjects: defineOperation({
    method: 'GET',
    path: '/admin/audit-logs/subjects',
    access: 'operator',
    summary:
      "The actors or targets of one tenant's audit log, or of every tenant's (there, counted over the newest 50,000 rows naming one), matching a name, email or id (recorded as a read of each tenant named)",
    input: z.object({ tenantId: uuid.optional(), ...auditSubjectQuery }).strict(),
    output: z.object({ items: z.array(auditSubjectSchema.extend({ tenantIds: z.array(uuid) })) }),
  }),
  adminExportAuditLogs: defineOperation({
    method: 'GET',
    path: '/admin/audit-logs.csv',
    access: 'operator',
    produces: 'text/csv',
    summary: 'Stream audit logs across tenants as CSV',
    input: auditFiltersSchema.omit({ limit: true, cursor: true }).extend({ tenantId: uuid.optional() }).strict(),
    output: z.void(),
  }),
  adminUsage: defineOperation({
    method: 'GET',
    path: '/admin/usage',
    access: 'operator',
    summary:
      'AI usage across tenants as chart-ready series: the top tenants by a metric plus all others, totals, tenants near their ceiling, a page of trips',
    input: z
      .object({
        from: isoInstant.optional(),
        to: isoInstant.optional(),
        bucket: z.enum(['hour', 'day']).default('day'),
        top: z.coerce.number().int().min(1).max(20).default(8),
        metric: usageMetricSchema.default('tokens'),
        /** The page of trips older than this trip (its `tripsPage.older`). */
        tripsBefore: uuid.optional(),
        /** The page of trips newer than this trip (its `tripsPage.newer`). */
        tripsAfter: uuid.optional(),
        tripsLimit: z.coerce.number().int().min(1).max(100).default(20),
      })
      .strict(),
    output: usageSeriesSchema,
  }),
  adminSetQuotas: defineOperation({
    method: 'PUT',
    path: '/admin/tenants/:tenantId/quotas',
    access: 'operator',
    summary: "Set a tenant's velocity cap and monthly token ceiling",
    input: tenantParams
      .extend({
        velocityPerHour: z.number().int().min(0).max(10_000_000),
        monthlyTokenCeiling: z.number().int().min(0).max(1_000_000_000_000),
      })
      .strict(),
    output: quotasSchema,
  }),
  adminResetQuota: defineOperation({
    method: 'POST',
    path: '/admin/tenants/:tenantId/quotas/reset',
    access: 'operator',
    summary: 'Clear a tripped quota (its window starts over), audited as ai.quota_reset',
    input: tenantParams.extend({ kind: z.enum(['velocity', 'monthly_ceiling']) }).strict(),
    output: quotasSchema,
  }),
  adminFindUsers: defineOperation({
    method: 'GET',
    path: '/admin/users',
    access: 'operator',
    summary:
      'People whose email contains the text, across tenants, with their memberships (the search is recorded in the platform audit log, and an operator.read in the log of each tenant whose membership it shows)',
    input: z
      .object({ email: z.string().trim().toLowerCase().min(3).max(254), limit: z.coerce.number().int().min(1).max(50).default(20) })
      .strict(),
    output: z.object({ items: z.array(adminUserSchema) }),
  }),
  adminListUserSessions: defineOperation({
    method: 'GET',
    path: '/admin/users/:userId/sessions',
    access: 'operator',
    summary: "A person's active sessions: how each was opened, device and address last seen, last use (recorded in the platform audit log)",
    input: z.object({ userId: uuid }).strict(),
    output: z.object({ user: z.object({ id: uuid, email: z.string() }), items: z.array(userSessionSchema) }),
  }),
  adminEndUserSession: defineOperation({
    method: 'DELETE',
    path: '/admin/users/:userId/sessions/:sessionId',
    access: 'operator',
    summary:
      "End one session of a person: its next call is refused. Audited as session.revoked, with the operator's reason, in each of the person's tenants",
    successStatus: 204,
    input: z.object({ userId: uuid, sessionId: uuid }).strict(),
    output: z.void(),
  }),
  adminRevokeSessions: defineOperation({
    method: 'POST',
    path: '/admin/users/:userId/sessions/revoke',
    access: 'operator',
    summary: 'Revoke every session (refresh family) of a user',
    input: z.object({ userId: uuid }).strict(),
    output: z.object({ revokedSessions: z.number().int() }),
  }),
  adminAccessLog: defineOperation({
    method: 'GET',
    path: '/admin/access-log',
    access: 'operator',
    summary: 'Operator accesses: who, when, which tenant, why',
    input: z.object({ tenantId: uuid.optional(), operatorId: uuid.optional(), ...adminPage }).strict(),
    output: z.object({ items: z.array(accessLogItemSchema), nextCursor: z.string().nullable() }),
  }),
  adminPlatformAuditLog: defineOperation({
    method: 'GET',
    path: '/admin/platform-audit-log',
    access: 'operator',
    summary:
      "The platform audit log, newest first: operators' reads of the tenant directory, usage, posture and access log (this read is recorded in it too)",
    input: z.object({ ...platformAuditFilters, ...adminPage }).strict(),
    output: z.object({ items: z.array(platformAuditItemSchema), nextCursor: z.string().nullable() }),
  }),
  adminExportPlatformAuditLog: defineOperation({
    method: 'GET',
    path: '/admin/platform-audit-log.csv',
    access: 'operator',
    produces: 'text/csv',
    summary: 'Stream the platform audit log as CSV with the same filters (times in UTC, ISO 8601); the export is recorded in it',
    input: z.object(platformAuditFilters).strict(),
    output: z.void(),
  }),
  lookupTenant: defineOperation({
    method: 'GET',
    path: '/tenant-lookup',
    access: 'user',
    summary:
      "A tenant by id or slug, if the caller may see it: a member of it, or a platform operator (no reason asked: it names the tenant before the console asks why; an operator's lookup is recorded in the platform audit log). 404 otherwise, and for a deleted tenant",
    input: z.object({ ref: z.string().trim().min(1).max(200) }).strict(),
    output: z.object({ id: uuid, name: z.string(), slug: z.string() }),
  }),
  adminPosture: defineOperation({
    method: 'GET',
    path: '/admin/posture',
    access: 'operator',
    summary:
      'Security posture read from the live database: RLS per table, role attributes and grants, install key ages and the live keyring, tenant API keys older than 90 days, migrations',
    input: noInput,
    output: postureSchema,
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
