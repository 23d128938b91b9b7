/**
 * The OpenAPI document is generated from the contract; every routed path is documented, and
 * every documented path is routed, with the same methods.
 */
import { describe, expect, it } from 'vitest'
import { apiBasePath } from '../../../src/shared/contract.js'
import { openApiPath } from '../../../src/server/openapi/openapi-document.js'
import { discoverRoutes } from '../../support/routes.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, useTestServer } from '../../support/test-server.js'

const database = useTestDatabase()
const server = useTestServer(database)

describe('GET /api/v1/openapi.json', () => {
  it('documents exactly the routes the server serves', async () => {
    const answer = await new ApiClient(server().url).request<{ openapi: string; paths: Record<string, Record<string, unknown>> }>('GET', '/openapi.json')
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
    const answer = await new ApiClient(server().url).request<{ paths: Record<string, Record<string, { parameters: Array<{ name: string; in: string; required: boolean }>; requestBody?: unknown; responses: Record<string, unknown> }>> }>('GET', '/openapi.json')
    const createKey = answer.body.paths['/tenants/{tenantId}/api-keys']!.post!
    expect(createKey.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'tenantId', in: 'path', required: true })]))
    expect(JSON.stringify(createKey.requestBody)).toContain('"scopes"')
    expect(createKey.responses).toHaveProperty('201')
    const usage = answer.body.paths['/admin/usage']!.get!
    expect(usage.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'X-Access-Reason', in: 'header', required: true }), expect.objectContaining({ name: 'bucket', in: 'query' })]))
    expect(JSON.stringify(usage.responses.default)).toContain('application/problem+json')
  })
})
