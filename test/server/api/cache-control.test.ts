/**
 * No authenticated answer may be kept by a cache (a shared proxy, the browser's disk cache):
 * every route of the router, found by walking it, answers a signed-in user, an API key and an
 * operator with `Cache-Control: no-store` — successes, refusals and errors alike.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { apiBasePath } from '../../../src/shared/contract.js'
import { apiKeyScopes } from '../../../src/shared/permissions.js'
import { discoverRoutes, operationOfRoute } from '../../support/routes.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, useTestServer } from '../../support/test-server.js'
import { buildTenantWorld, type TenantWorld } from '../../support/tenant-world.js'

const database = useTestDatabase()
const server = useTestServer(database)
let world: TenantWorld
let allScopeKey: string
let operator: ApiClient

beforeAll(async () => {
  world = await buildTenantWorld(database(), server(), 'cache')
  allScopeKey = (
    await world.clients.owner.request<{ key: string }>('POST', `/tenants/${world.tenantA}/api-keys`, {
      body: { name: 'all', scopes: [...apiKeyScopes] },
    })
  ).body.key
  await createUser(database(), { email: 'cache-ops@example.test', password: 'cache ops password', platformAdmin: true })
  operator = new ApiClient(server().url)
  await operator.login('cache-ops@example.test', 'cache ops password')
})

const fill = (path: string) =>
  path
    .slice(apiBasePath.length)
    .replace(':tenantId', world.tenantA)
    .replace(/:[A-Za-z]+/g, '00000000-0000-4000-8000-000000000000')

describe('Cache-Control on authenticated answers', () => {
  it('is no-store on every GET route, for a user, an API key and an operator', async () => {
    const routes = discoverRoutes(server().app).filter(
      (route) => route.method === 'GET' && operationOfRoute(route.method, route.path).access !== 'public',
    )
    expect(routes.length).toBeGreaterThanOrEqual(15)
    for (const route of routes) {
      const callers: Array<[string, ApiClient, string | undefined]> = [
        ['owner', world.clients.owner, undefined],
        ['API key', new ApiClient(server().url), `Bearer ${allScopeKey}`],
        ['operator', operator, undefined],
      ]
      for (const [name, client, auth] of callers) {
        const answer = await client.request('GET', fill(route.path), {
          headers: { 'x-access-reason': 'checking cache headers' },
          ...(auth ? { auth } : {}),
        })
        expect(answer.headers.get('cache-control'), `${name} GET ${route.path} → ${answer.status}`).toBe('no-store')
      }
    }
  })

  it('is no-store on state-changing answers and on refusals of a bad credential', async () => {
    const created = await world.clients.admin.request('POST', `/tenants/${world.tenantA}/integrations`, {
      body: { provider: 'jira', label: 'cache', secret: 's' },
    })
    expect(created.status).toBe(201)
    expect(created.headers.get('cache-control')).toBe('no-store')
    const badToken = await new ApiClient(server().url).request('GET', '/me', { auth: 'Bearer not.a.token' })
    expect(badToken.status).toBe(401)
    expect(badToken.headers.get('cache-control')).toBe('no-store')
    const refused = await world.clients.viewer.request('GET', `/tenants/${world.tenantA}/api-keys`)
    expect(refused.status).toBe(403)
    expect(refused.headers.get('cache-control')).toBe('no-store')
  })

  it('leaves the public key set cacheable', async () => {
    const jwks = await new ApiClient(server().url).request('GET', '/auth/jwks')
    expect(jwks.headers.get('cache-control')).toBe('public, max-age=300')
  })
})
