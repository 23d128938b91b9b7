/**
 * @module openapi-document
 * The OpenAPI 3.1 document of the HTTP API, generated from the shared contract (zod's own JSON
 * Schema output), so it cannot drift from what the server validates.
 */
import { z } from 'zod'
import { apiBasePath, operations, stateChangingMethods, type OperationDefinition } from '@shared/contract.js'
import { problemSchema } from '@shared/problem.js'

type JsonSchema = Record<string, unknown>

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema
  return rest
}

export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, '{$1}')
}

function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1]!)
}

function describeOperation(name: string, definition: OperationDefinition): JsonSchema {
  const pathNames = pathParameterNames(definition.path)
  const input = definition.input as z.ZodObject<z.ZodRawShape>
  const inputProperties = (jsonSchema(input, 'input').properties ?? {}) as Record<string, JsonSchema>
  const required = new Set((jsonSchema(input, 'input').required as string[] | undefined) ?? [])
  const parameters: JsonSchema[] = pathNames.map((parameter) => ({ name: parameter, in: 'path', required: true, schema: inputProperties[parameter] ?? { type: 'string' } }))
  const rest = Object.fromEntries(pathNames.map((parameter) => [parameter, true])) as Record<string, true>
  const bodyOrQuery = Object.keys(rest).length ? input.omit(rest) : input
  if (definition.method === 'GET' || definition.method === 'DELETE') {
    for (const [parameter, schema] of Object.entries(inputProperties)) {
      if (!pathNames.includes(parameter)) parameters.push({ name: parameter, in: 'query', required: required.has(parameter), schema })
    }
  }
  if (definition.access === 'operator') {
    parameters.push({ name: 'X-Access-Reason', in: 'header', required: true, description: "Why the operator looks: written into each affected tenant's audit log", schema: { type: 'string', minLength: 3, maxLength: 500 } })
  }
  if (stateChangingMethods.has(definition.method) && definition.csrf !== 'exempt-before-session') {
    parameters.push({ name: 'X-CSRF-Token', in: 'header', required: false, description: 'The csrf cookie value; required for session and access-token callers, not for API keys', schema: { type: 'string' } })
  }
  const status = String(definition.successStatus ?? 200)
  const success: JsonSchema =
    status === '204'
      ? { description: 'Done' }
      : definition.produces === 'text/csv'
        ? { description: 'CSV, streamed', content: { 'text/csv': { schema: { type: 'string' } } } }
        : { description: 'OK', content: { 'application/json': { schema: jsonSchema(definition.output, 'output') } } }
  return {
    operationId: name,
    summary: definition.summary,
    tags: [definition.path.split('/')[1] ?? 'api'],
    ...(definition.access === 'public' ? { security: [] } : definition.access === 'session' ? { security: [{ refreshCookie: [] }] } : {}),
    parameters,
    ...(definition.method === 'GET' || definition.method === 'DELETE' ? {} : { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(bodyOrQuery, 'input') } } } }),
    responses: { [status]: success, default: { description: 'Problem', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } } },
  }
}

export function buildOpenApiDocument(version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {}
  for (const [name, definition] of Object.entries(operations) as Array<[string, OperationDefinition]>) {
    const path = openApiPath(definition.path)
    paths[path] ??= {}
    paths[path][definition.method.toLowerCase()] = describeOperation(name, definition)
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Limena security backend', version, description: 'Tenants, members, API keys, integrations, audit logs, AI quotas and operator access. Errors are RFC 9457 problem details.' },
    servers: [{ url: apiBasePath }],
    security: [{ accessToken: [] }, { apiKey: [] }],
    components: {
      securitySchemes: {
        accessToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiKey: { type: 'http', scheme: 'bearer', description: 'lmn_… API key' },
        refreshCookie: { type: 'apiKey', in: 'cookie', name: 'refresh_token' },
      },
      schemas: { Problem: jsonSchema(problemSchema, 'output') },
    },
    paths,
  }
}
