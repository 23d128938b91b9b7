/**
 * The OpenAPI document is generated from the contract; every routed path is documented, and
 * every documented path is routed, with the same methods. Each operation states the credentials
 * operation-router accepts for its access kind, the CSRF token it checks, and a request body only
 * where the server reads one. (openapi-responses.test.ts holds real answers against it.)
 */
import { describe, expect, it } from 'vitest'
import {
  apiBasePath,
  operations,
  pathParameterNames,
  stateChangingMethods,
  type OperationAccess,
  type OperationDefinition,
  type OperationName,
} from '../../../src/shared/contract.js'
import { permissionMatrix } from '../../../src/shared/permissions.js'
import { jsonBodyLimit } from '../../../src/server/app.js'
import { openApiPath } from '../../../src/server/openapi/openapi-document.js'
import type { OpenApiDocument } from '../../support/openapi-conformance.js'
import { discoverRoutes } from '../../support/routes.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, useTestServer } from '../../support/test-server.js'

const database = useTestDatabase()
const server = useTestServer(database)

describe('GET /api/v1/openapi.json', () => {
  it('documents exactly the routes the server serves', async () => {
    const answer = await new ApiClient(server().url).request<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      'GET',
      '/openapi.json',
    )
    expect(answer.status).toBe(200)
    expect(answer.body.openapi).toBe('3.1.0')
    const documented = Object.entries(answer.body.paths)
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
      .sort()
    const routed = discoverRoutes(server().app)
      .filter((route) => route.path.startsWith(apiBasePath))
      .map((route) => `${route.method} ${openApiPath(route.path.slice(apiBasePath.length))}`)
      .sort()
    expect([...new Set(routed)]).toEqual(documented)
  })

  it('describes inputs, the access reason of operator routes, and problem answers', async () => {
    const answer = await new ApiClient(server().url).request<OpenApiDocument>('GET', '/openapi.json')
    const createKey = answer.body.paths['/tenants/{tenantId}/api-keys']!.post!
    expect(createKey.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'tenantId',
          in: 'path',
          required: true,
          schema: expect.objectContaining({ format: 'uuid', pattern: expect.any(String) }),
        }),
      ]),
    )
    expect(JSON.stringify(createKey.requestBody)).toContain('"scopes"')
    expect(createKey.responses).toHaveProperty('201')
    expect(createKey.responses['413']!.description).toContain(jsonBodyLimit.replace(/kb$/i, ' KB'))
    const usage = answer.body.paths['/admin/usage']!.get!
    expect(usage.parameters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'X-Access-Reason',
          in: 'header',
          required: true,
          description: expect.stringMatching(
            /3 to 500 characters.*UTF-8 percent-encoded \(RFC 3986\).*a `%` that is not a valid escape stays as written/,
          ),
        }),
        expect.objectContaining({ name: 'bucket', in: 'query' }),
      ]),
    )
    expect(usage.responses['403']!.content).toEqual({ 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } })
    expect(usage.responses).not.toHaveProperty('default')
  })

  it('states for each operation the credentials it takes, the CSRF token it checks, and a body only where one is read', async () => {
    const answer = await new ApiClient(server().url).request<OpenApiDocument>('GET', '/openapi.json')
    const credentials: Record<OperationAccess, unknown> = {
      public: [],
      session: [{ refreshCookie: [] }],
      user: [{ accessToken: [] }],
      operator: [{ accessToken: [] }],
      authenticated: [{ accessToken: [] }, { apiKey: [] }],
      tenant: [{ accessToken: [] }, { apiKey: [] }],
    }
    for (const [name, definition] of Object.entries(operations) as Array<[OperationName, OperationDefinition]>) {
      const operation = answer.body.paths[openApiPath(definition.path)]![definition.method.toLowerCase()]!
      // A tenant action no API-key scope grants refuses every key: only the access token is offered.
      const keysRefused = definition.access === 'tenant' && permissionMatrix[definition.permission!].scope === null
      expect(operation.security, name).toEqual(keysRefused ? credentials.user : credentials[definition.access])
      const csrfHeader = operation.parameters?.find((parameter) => parameter.name === 'X-CSRF-Token')
      if (stateChangingMethods.has(definition.method) && definition.csrf !== 'exempt-before-session' && definition.access !== 'public') {
        // Required where every credential that can succeed is a session's; API keys send none.
        expect(csrfHeader?.required, name).toBe(keysRefused || ['session', 'user', 'operator'].includes(definition.access))
      } else {
        expect(csrfHeader, name).toBeUndefined()
      }
      const pathNames = pathParameterNames(definition.path)
      const fields = Object.keys((definition.input as unknown as { shape: Record<string, unknown> }).shape).filter(
        (field) => !pathNames.includes(field),
      )
      const readsBody = !['GET', 'DELETE'].includes(definition.method) && fields.length > 0
      expect(Boolean(operation.requestBody), name).toBe(readsBody)
      expect(
        ['413', '415'].filter((status) => status in operation.responses),
        name,
      ).toEqual(readsBody ? ['413', '415'] : [])
      expect(operation.responses['429']?.headers, name).toHaveProperty('Retry-After')
    }
  })
})
