/**
 * @module problem-responses
 * The error answers each operation can really give, and only those, so a client knows what it
 * must handle. They follow from the operation's contract entry and from how every request is
 * served (app.ts's middleware order, then operation-router's steps, then errors.ts):
 *   rate limit (429) → JSON body parser (400, 413) → authentication (401, 503 while an API key is
 *   looked up) → access (401, 403) → CSRF (403) → operator check and X-Access-Reason (403, 400)
 *   → input (415, 400; a bad path id is 404) → tenant membership and permission (404, 403)
 *   → handler (the table below) → any database failure (503) or unexpected one (500).
 *
 * A few answers only the handlers know (a slug taken, the last owner): `handlerAnswers` lists
 * them by operation until the contract carries them.
 */
import type { OperationDefinition, OperationName } from '@shared/contract.js'
import { accessReasonMaxLength, accessReasonMinLength } from '@shared/access-reason.js'
import { permissionMatrix } from '@shared/permissions.js'
import { defaultRateLimitSettings } from '../middleware/rate-limit.js'
import type { JsonSchema } from './json-schema.js'

/** Statuses a handler answers on its own, beyond what its contract entry implies. */
type HandlerAnswers = Partial<Record<400 | 401 | 403 | 404 | 409 | 429 | 502, string>>

const ssoFailed = 'The problem (`urn:limena:problem:sso-failed`) names the check that failed in `check`, and says it in `detail`.'

/**
 * Found by reading the handlers (`problems.conflict`, `problems.forbidden`, the AI quota and the
 * sign-in limiter). Each 409 here is answered for real in test/server/api/openapi-responses.test.ts.
 */
export const handlerAnswers: { readonly [Name in OperationName]?: HandlerAnswers } = {
  login: {
    401: 'Wrong email or password: the same answer whether or not the email has an account.',
    429: 'Or too many failed sign-ins from this address, or for this account, in the window: nothing is checked until it has passed.',
  },
  acceptInvite: { 409: 'The invited email already has an account: sign in to it and accept from GET /me/invitations.' },
  changePassword: { 403: 'Or the current password is wrong.' },
  me: { 404: 'The tenant of this API key was deleted.' },
  lookupTenant: {
    404: 'No live tenant has this id or slug, or the caller is neither a member of it nor a platform operator: the same answer for each.',
  },
  createTenant: { 409: 'The slug is already taken.' },
  updateTenant: { 409: 'The slug is already taken.' },
  adminCreateTenant: { 409: 'The slug is already taken.' },
  createApiKey: { 403: 'Or an API key tried to grant a scope it does not hold itself.' },
  rollApiKey: {
    403: 'Or an API key tried to roll a key with a scope it does not hold itself.',
    404: 'Or the key was revoked.',
    409: 'The key was rolled already (roll its successor), or it has expired (create a new key).',
  },
  addMember: { 403: 'Or only an owner may grant the owner role.', 409: 'The email is already a member of the tenant.' },
  acceptMyInvitation: { 409: 'The caller is already a member of the tenant.' },
  leaveTenant: { 409: 'The caller is the last owner, who cannot leave: make someone else owner first.' },
  updateMember: {
    403: 'Or only an owner may change an owner, or grant the owner role.',
    409: 'The member is the last owner, who cannot be demoted: make someone else owner first.',
  },
  removeMember: { 403: 'Or only an owner may remove an owner.', 409: 'The member is the last owner, who cannot be removed.' },
  ssoDiscover: { 404: "No single sign-on for the email's domain, or the tenant has none (or does not exist)." },
  ssoStart: {
    404: "No single sign-on for the email's domain, or the tenant has none (or does not exist).",
    502: `The identity provider's discovery document could not be read (check \`configuration\`). ${ssoFailed}`,
  },
  ssoCallback: {
    400: `Or the state is unknown, was used already, or is more than 10 minutes old (check \`state\`): no sign-in to send the browser on with. ${ssoFailed}`,
  },
  ssoExchange: {
    401: `Or the sign-in did not hold: the one-time code is unknown, used or expired (\`code\`), the verifier does not match (\`pkce\`), or a check at the callback failed (\`state\`, \`provider_error\`, \`issuer\`, \`audience\`, \`signature\`, \`expired\`, \`nonce\`, \`configuration\`). ${ssoFailed}`,
    403: `The sign-in held, but the person may not come in this way: \`email_verified\`, \`domain\` or \`account\`. ${ssoFailed}`,
  },
  putTenantSso: {
    400: 'Or the issuer is not https (http only on loopback), or its discovery failed: the detail names the issuer and what failed. Or clientSecret is missing the first time.',
    409: "An allowed domain is already used by another tenant's single sign-on; or requireSso is turned on from a session that did not come from this tenant's single sign-on.",
  },
  deleteTenantSso: { 404: 'The tenant has no single sign-on.' },
  endMySession: { 404: 'No active session of the caller has this id.' },
  recordAiUsage: {
    429: "Or the tenant's AI quota refuses the call (velocity cap or monthly token ceiling): the problem adds `state`, `resetsAt` and a `message` to show, and Retry-After counts down to `resetsAt`.",
  },
}

/** How the server was reached before the operation ran: which steps of the pipeline apply. */
export interface OperationShape {
  name: OperationName
  definition: OperationDefinition
  pathParameters: string[]
  /** Fields of the query or body (not the path). */
  inputFields: string[]
  /** Whether the operation documents a JSON request body. */
  takesBody: boolean
  /** Whether the server checks X-CSRF-Token for some caller of this operation. */
  csrfChecked: boolean
  /** GET /healthz is served before the body parser and authentication (app.ts). */
  servedBeforeAuthentication: boolean
}

const problemContent = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } }
const requestIdHeader = { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } }

function answer(description: string, headers: Record<string, unknown> = {}): JsonSchema {
  return { description, headers: { ...requestIdHeader, ...headers }, content: problemContent }
}

function joined(...parts: Array<string | false | undefined>): string {
  return parts.filter(Boolean).join(' ')
}

function forbiddenReasons(shape: OperationShape): string[] {
  const { definition } = shape
  const reasons: string[] = []
  if (definition.access === 'user' || definition.access === 'operator')
    reasons.push('An API key was used: this operation is for signed-in users.')
  if (definition.access === 'operator') reasons.push('The user is not a platform operator.')
  if (shape.csrfChecked) {
    reasons.push(
      definition.access === 'session'
        ? 'X-CSRF-Token is missing or does not match the csrf cookie of this session.'
        : 'A caller with an access token sent no X-CSRF-Token, or one that does not match the csrf cookie of its session.',
    )
  }
  if (definition.access === 'tenant' && definition.permission) {
    const rule = permissionMatrix[definition.permission]
    reasons.push(
      rule.scope
        ? `The caller's role is below ${rule.minimumRole}, or the API key lacks the ${rule.scope} scope (${definition.permission}).`
        : `The caller's role is below ${rule.minimumRole}, or the caller is an API key: no scope grants ${definition.permission}.`,
      "The session came from another tenant's single sign-on, which reaches that tenant only; or the tenant admits its members only through its own single sign-on and this session did not come from it (`urn:limena:problem:sso-required`).",
    )
  }
  if (definition.access === 'operator')
    reasons.push(
      "The session came from a tenant's single sign-on; or operators are required to sign in through the platform's single sign-on and this session did not (`urn:limena:problem:sso-required`).",
    )
  if (definition.tenantScopedSessions === 'refused')
    reasons.push("The session came from a tenant's single sign-on, which reaches that tenant only: this operation acts beyond it.")
  return reasons
}

function unauthorizedReason(definition: OperationDefinition, own: HandlerAnswers): string {
  const badCredential =
    'an Authorization header was sent that is not a valid access token or API key: this operation needs none, but a credential given is checked.'
  if (definition.access === 'public') return own[401] ? `${own[401]} Also when ${badCredential}` : `Sent when ${badCredential}`
  if (definition.access === 'session')
    return joined(
      'No valid refresh_token cookie: missing, expired, revoked, or already used (reusing one revokes its whole session).',
      own[401],
    )
  return joined(
    'No credential, or one that is not valid, has expired or was revoked (an API key past its expiry or its grace period after a roll: the detail says when it expired).',
    own[401],
  )
}

export function problemResponsesOf(shape: OperationShape): Record<string, JsonSchema> {
  const { definition } = shape
  const own = handlerAnswers[shape.name] ?? {}
  const responses: Record<string, JsonSchema> = {}
  const tooMany = joined(
    `Too many requests from this address (a budget of ${defaultRateLimitSettings.requestsPerMinute} a minute unless configured otherwise).`,
    own[429],
    'Retry-After says how many seconds to wait.',
  )
  if (shape.servedBeforeAuthentication) {
    responses['429'] = answer(tooMany, { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } })
    return responses
  }

  responses['400'] = answer(
    joined(
      shape.inputFields.length || shape.pathParameters.length
        ? 'The input does not match the operation (or holds text the database cannot store: a NUL, an unpaired surrogate): `detail` names each failing field with its message, and `errors` lists them.'
        : 'This operation takes no input: a query parameter or body field is refused.',
      shape.pathParameters.length > 0 && 'So is a path whose percent-escapes are not valid UTF-8.',
      definition.method !== 'GET' &&
        definition.method !== 'DELETE' &&
        'So is a body that is not a JSON object, or that repeats a path parameter.',
      definition.access === 'operator' &&
        `X-Access-Reason is missing, is not ${accessReasonMinLength} to ${accessReasonMaxLength} characters once decoded, or holds a NUL or an unpaired surrogate.`,
      own[400],
    ),
  )

  // A refresh that fails once its token was read clears both cookies (auth-routes), whatever the cause.
  const cleared =
    definition.access === 'session' && definition.successStatus !== 204
      ? {
          'Set-Cookie': {
            description:
              'When the refresh failed after its token was read (already used, user disabled, database gone): both session cookies, cleared.',
            schema: { type: 'string' },
          },
        }
      : {}
  responses['401'] = answer(unauthorizedReason(definition, own), {
    'WWW-Authenticate': { $ref: '#/components/headers/WwwAuthenticate' },
    ...cleared,
  })

  const forbidden = [...forbiddenReasons(shape), own[403]].filter((reason): reason is string => Boolean(reason))
  if (forbidden.length) responses['403'] = answer(forbidden.join(' '))

  if (shape.pathParameters.length || definition.access === 'tenant' || own[404]) {
    responses['404'] = answer(
      joined(
        shape.pathParameters.length > 0 && 'A path id is malformed, or names nothing that exists (a deleted tenant included).',
        definition.access === 'tenant' &&
          'Also when the caller is not a member of the tenant, or the API key belongs to another one: a tenant one cannot see is answered as one that does not exist.',
        own[404],
      ),
    )
  }
  if (own[409]) responses['409'] = answer(own[409])
  if (shape.takesBody) {
    responses['413'] = answer('The body is over 100 KB.')
    responses['415'] = answer('A body that is not sent as application/json.')
  }
  responses['429'] = answer(tooMany, { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } })
  responses['500'] = answer('An unexpected failure: the detail quotes the request id, and nothing more.', cleared)
  if (own[502]) responses['502'] = answer(own[502])
  responses['503'] = answer('The database is unreachable; try again after Retry-After.', {
    'Retry-After': { $ref: '#/components/headers/RetryAfter' },
    ...cleared,
  })
  return responses
}
