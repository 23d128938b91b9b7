/**
 * @module openapi-document
 * The OpenAPI 3.1 document of the HTTP API, generated from the shared contract (zod's own JSON
 * Schema output), so it cannot drift from what the server validates. It states what the server
 * really does: per operation the credentials it accepts (operation-router's assertAccess), the
 * CSRF header and cookie it checks, the headers it sets, a request body only where one is read,
 * and only the error answers the operation can give (problem-responses.ts).
 * test/server/api/openapi-responses.test.ts holds real answers of every operation against it, and
 * test/server/api/openapi-lint.test.ts runs Redocly's linter on it.
 */
import type { z } from 'zod'
import { accessReasonMaxLength, accessReasonMinLength } from '@shared/access-reason.js'
import {
  apiBasePath,
  operations,
  stateChangingMethods,
  type OperationDefinition,
  type OperationName,
  fillPath,
  pathParameterNames,
  sessionSchema,
  takesBody,
} from '@shared/contract.js'
import { permissionMatrix } from '@shared/permissions.js'
import { problemSchema } from '@shared/problem.js'
import { csrfCookieName, refreshCookieName, refreshCookiePath, refreshTokenLifetimeMillis } from '../auth/session-cookies.js'
import { accessTokenLifetimeSeconds } from '../crypto/access-tokens.js'
import { jsonSchemaOf, type JsonSchema } from './json-schema.js'
import { problemResponsesOf, type OperationShape } from './problem-responses.js'

export function openApiPath(path: string): string {
  return fillPath(path, (name) => `{${name}}`)
}

/**
 * Served by its own router ahead of the body parser and authentication (app.ts), not by the
 * operation router: no 400, 401 or 5xx problem, and a 503 that is its own body.
 */
const healthOperation: OperationName = 'health'

const methodOrder = ['get', 'head', 'post', 'put', 'patch', 'delete']

const tagDescriptions: Record<string, string> = {
  healthz: 'Liveness, for load balancers and `limena doctor`.',
  openapi: 'This document.',
  auth: 'Sessions: sign in, refresh, sign out, passwords, invitations, and the keys that verify access tokens.',
  me: 'The caller, as the server sees it.',
  tenants: "A tenant's own data, for its members (by role) and its API keys (by scope).",
  'tenant-lookup': 'A tenant by id or slug, for its members and for platform operators.',
  admin:
    "Platform operators: cross-tenant reads and writes, each recorded with the operator's stated reason: a read or write of tenants' data in every affected tenant's audit log, a read about the platform in the platform audit log.",
}

function tagOf(path: string): string {
  return (path.split('/')[1] ?? 'api').replace(/\..*$/, '')
}

const days = (millis: number) => Math.round(millis / 86_400_000)

const sessionCookiesSet = {
  description: `Two cookies: \`${refreshCookieName}\` (HttpOnly, SameSite=Lax, Path=${refreshCookiePath}, Secure over TLS, ${days(refreshTokenLifetimeMillis)} days; single use) and \`${csrfCookieName}\` (readable by the page, SameSite=Lax, Path=/, same lifetime), whose value is the X-CSRF-Token of state-changing requests.`,
  required: true,
  schema: { type: 'string' },
}
const sessionCookiesCleared = {
  description: `Both cookies, \`${refreshCookieName}\` and \`${csrfCookieName}\`, cleared.`,
  required: true,
  schema: { type: 'string' },
}

/**
 * Whether an API key can ever succeed here. assertAccess lets keys into `authenticated` and
 * `tenant` operations, but a tenant action that no scope grants refuses every key (403), so
 * documenting the key there would promise what the server never gives.
 */
function acceptsApiKeys(definition: OperationDefinition): boolean {
  if (definition.access === 'authenticated') return true
  return definition.access === 'tenant' && definition.permission !== undefined && permissionMatrix[definition.permission].scope !== null
}

function securityOf(definition: OperationDefinition): JsonSchema[] {
  switch (definition.access) {
    case 'public':
      return []
    case 'session':
      return [{ refreshCookie: [] }]
    default:
      return acceptsApiKeys(definition) ? [{ accessToken: [] }, { apiKey: [] }] : [{ accessToken: [] }]
  }
}

/** Whether operation-router's assertCsrf can refuse some caller of this operation. */
function csrfChecked(definition: OperationDefinition): boolean {
  return stateChangingMethods.has(definition.method) && definition.csrf !== 'exempt-before-session' && definition.access !== 'public'
}

function csrfParameters(definition: OperationDefinition): JsonSchema[] {
  if (!csrfChecked(definition)) return []
  // Where every caller that can succeed holds a session the header is required; where API keys
  // succeed too it cannot be, since a key has no session and sends none (and a forged cross-site
  // request carries no key). OpenAPI has no requiredness per security scheme.
  const everyCaller = !acceptsApiKeys(definition)
  const who = everyCaller
    ? 'Required.'
    : 'Required with an access token; not sent with an API key, which has no session (the server ignores it then).'
  return [
    {
      name: 'X-CSRF-Token',
      in: 'header',
      required: everyCaller,
      description: `${who} The value of the \`${csrfCookieName}\` cookie set at sign-in: signed for this session, it must equal the cookie (double submit); otherwise 403.`,
      schema: { type: 'string', minLength: 1 },
    },
    {
      name: csrfCookieName,
      in: 'cookie',
      required: everyCaller,
      description: `${who} The cookie set at sign-in, sent back as it is; X-CSRF-Token must equal it.`,
      schema: { type: 'string', minLength: 1 },
    },
  ]
}

const accessReasonParameter = {
  name: 'X-Access-Reason',
  in: 'header',
  required: true,
  description: [
    "Why the operator looks: written, with the operator's identity, into the audit log of each tenant the call touches, which that tenant can read.",
    `${accessReasonMinLength} to ${accessReasonMaxLength} characters, counted once decoded and trimmed.`,
    'It carries UTF-8 percent-encoded (RFC 3986) when it holds anything but printable ASCII; the server decodes it (a `%` that is not a valid escape stays as written).',
    'Missing, out of bounds, or holding a NUL or an unpaired surrogate: 400.',
  ].join(' '),
  // No maxLength: the bound counts decoded characters, and an encoded one takes several.
  schema: { type: 'string', minLength: accessReasonMinLength },
}

function successOf(name: OperationName, definition: OperationDefinition): [string, JsonSchema] {
  const status = String(definition.successStatus ?? 200)
  const headers: Record<string, unknown> = { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } }
  if (definition.csrf === 'exempt-before-session' && definition.output === sessionSchema) headers['Set-Cookie'] = sessionCookiesSet
  else if (definition.access === 'session')
    headers['Set-Cookie'] =
      status === '204'
        ? sessionCookiesCleared
        : { ...sessionCookiesSet, description: `Both cookies, rotated. ${sessionCookiesSet.description}` }
  if (status === '204') return [status, { description: 'Done; no content.', headers }]
  if (status === '303') {
    headers.Location = { description: 'Where the browser goes next.', required: true, schema: { type: 'string' } }
    return [status, { description: 'See Other: the browser is sent on, with no body.', headers }]
  }
  if (definition.produces === 'text/csv') {
    headers['Content-Disposition'] = { description: 'attachment, with a dated file name', required: true, schema: { type: 'string' } }
    return [
      status,
      {
        description: 'CSV, streamed (a failure midway cuts the connection, so a short file is never mistaken for a whole one).',
        headers,
        content: { 'text/csv': { schema: { type: 'string' } } },
      },
    ]
  }
  const description = name === healthOperation ? 'The backend and its database are up.' : 'OK'
  return [status, { description, headers, content: { 'application/json': { schema: jsonSchemaOf(definition.output, 'output') } } }]
}

function describeOperation(name: OperationName, definition: OperationDefinition): JsonSchema {
  const pathNames = pathParameterNames(definition.path)
  const input = definition.input as z.ZodObject<z.ZodRawShape>
  const inputSchema = jsonSchemaOf(input, 'input')
  const inputProperties = (inputSchema.properties ?? {}) as Record<string, JsonSchema>
  const required = new Set((inputSchema.required as string[] | undefined) ?? [])
  const inputFields = Object.keys(inputProperties).filter((field) => !pathNames.includes(field))
  const readsQuery = definition.method === 'GET' || definition.method === 'DELETE'

  const parameters: JsonSchema[] = pathNames.map((parameter) => ({
    name: parameter,
    in: 'path',
    required: true,
    description: 'A malformed id is answered 404, as an unknown one.',
    schema: inputProperties[parameter] ?? { type: 'string' },
  }))
  if (readsQuery) {
    for (const field of inputFields)
      parameters.push({ name: field, in: 'query', required: required.has(field), schema: inputProperties[field] })
  }
  if (definition.access === 'operator') parameters.push(accessReasonParameter)
  parameters.push(...csrfParameters(definition))

  let requestBody: JsonSchema | undefined
  if (takesBody(definition)) {
    const bodySchema: JsonSchema = {
      ...inputSchema,
      properties: Object.fromEntries(inputFields.map((field) => [field, inputProperties[field]])),
      required: [...required].filter((field) => !pathNames.includes(field)),
    }
    const bodyRequired = (bodySchema.required as string[]).length > 0
    if (!bodyRequired) delete bodySchema.required
    requestBody = { required: bodyRequired, content: { 'application/json': { schema: bodySchema } } }
  }

  const shape: OperationShape = {
    name,
    definition,
    pathParameters: pathNames,
    inputFields,
    takesBody: requestBody !== undefined,
    csrfChecked: csrfChecked(definition),
    servedBeforeAuthentication: name === healthOperation,
  }
  const [successStatus, success] = successOf(name, definition)
  const responses: Record<string, JsonSchema> = { [successStatus]: success, ...problemResponsesOf(shape) }
  if (name === healthOperation) {
    responses['503'] = {
      description: 'The database does not answer: the same body, saying so.',
      headers: { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } },
      content: { 'application/json': { schema: jsonSchemaOf(definition.output, 'output') } },
    }
  }
  const orderedResponses = Object.fromEntries(Object.entries(responses).sort(([a], [b]) => Number(a) - Number(b)))

  return {
    operationId: name,
    summary: definition.summary,
    tags: [tagOf(definition.path)],
    security: securityOf(definition),
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: orderedResponses,
  }
}

export function buildOpenApiDocument(version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {}
  for (const [name, definition] of Object.entries(operations) as Array<[OperationName, OperationDefinition]>) {
    const path = openApiPath(definition.path)
    paths[path] ??= {}
    paths[path][definition.method.toLowerCase()] = describeOperation(name, definition)
  }
  for (const [path, pathItem] of Object.entries(paths)) {
    paths[path] = Object.fromEntries(Object.entries(pathItem).sort(([a], [b]) => methodOrder.indexOf(a) - methodOrder.indexOf(b)))
  }
  const tags = [...new Set(Object.values(operations).map((definition) => tagOf(definition.path)))]
  return {
    openapi: '3.1.0',
    info: {
      title: 'Limena security backend',
      version,
      description: [
        'Tenants, members, API keys, integrations, audit logs, AI quotas and operator access.',
        'Errors are RFC 9457 problem details (application/problem+json) carrying the request id, which every answer also sends as X-Request-Id.',
        'Each pattern and bound below is the one the server checks; `format` only annotates it.',
        'The backend embedded in the desktop app also answers 421 to a request whose Host is not its own loopback address and port (DNS rebinding).',
      ].join(' '),
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: apiBasePath }],
    tags: tags.map((name) => ({ name, ...(tagDescriptions[name] ? { description: tagDescriptions[name] } : {}) })),
    paths,
    components: {
      securitySchemes: {
        accessToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: `A signed-in user: an RS256 access token from login, accept-invite or refresh, valid ${accessTokenLifetimeSeconds / 60} minutes (public keys at /auth/jwks). State-changing operations also need X-CSRF-Token.`,
        },
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'lmn_…',
          description:
            "A tenant's API key: that tenant's operations its scopes allow, and GET /me. Refused (403) on operations for signed-in users and operators. Sends no X-CSRF-Token.",
        },
        refreshCookie: {
          type: 'apiKey',
          in: 'cookie',
          name: refreshCookieName,
          description: `The HttpOnly cookie set at sign-in, sent only to ${refreshCookiePath}. Single use: each refresh rotates it, and presenting a used one revokes its whole session.`,
        },
      },
      headers: {
        RequestId: {
          description:
            "This request's id, as in the problem body and the server's log; a well-formed X-Request-Id sent with the request is kept.",
          required: true,
          schema: { type: 'string' },
        },
        RetryAfter: { description: 'Seconds to wait before trying again.', required: true, schema: { type: 'integer', minimum: 1 } },
        WwwAuthenticate: { description: 'The scheme to authenticate with.', required: true, schema: { type: 'string', const: 'Bearer' } },
      },
      schemas: { Problem: jsonSchemaOf(problemSchema, 'output') },
    },
  }
}
