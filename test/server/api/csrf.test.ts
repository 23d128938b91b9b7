/**
 * CSRF on every state-changing route, discovered from the router: with a valid session or access
 * token but no X-CSRF-Token header, each answers 403. Only the routes that start a session
 * (sign-in, accepting an invitation, single sign-on's start and exchange) are exempt, having no
 * session yet to bind a token to;
 * API-key callers (no cookies) are exempt.
 */
import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { apiBasePath, operations } from '../../../src/shared/contract.js'
import { discoverRoutes } from '../../support/routes.js'
import { useTestDatabase } from '../../support/test-database.js'
import { useTestServer } from '../../support/test-server.js'
import { buildTenantWorld, type TenantWorld } from '../../support/tenant-world.js'

const database = useTestDatabase()
const server = useTestServer(database)
let world: TenantWorld

beforeAll(async () => {
  world = await buildTenantWorld(database(), server(), 'csrf')
})

const stateChanging = () => discoverRoutes(server().app).filter((route) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(route.method))
const exempt = Object.values(operations)
  .filter((operation) => 'csrf' in operation && operation.csrf === 'exempt-before-session')
  .map((operation) => `${operation.method} ${apiBasePath}${operation.path}`)

function concrete(path: string): string {
  return path
    .replace(':tenantId', world.tenantA)
    .replace(/:[A-Za-z]+/g, () => randomUUID())
    .slice(apiBasePath.length)
}

describe('CSRF', () => {
  it('finds the state-changing routes in the router', () => {
    const found = stateChanging().map((route) => `${route.method} ${route.path}`)
    expect(found).toEqual(
      expect.arrayContaining([
        'POST /api/v1/auth/refresh',
        'POST /api/v1/auth/logout',
        'POST /api/v1/tenants',
        'DELETE /api/v1/tenants/:tenantId/api-keys/:keyId',
      ]),
    )
    expect(found.length).toBeGreaterThanOrEqual(8)
  })

  it('exempts only the routes that start a session (sign-in, accepting an invitation, single sign-on)', () => {
    expect(exempt.sort()).toEqual([
      'POST /api/v1/auth/accept-invite',
      'POST /api/v1/auth/login',
      'POST /api/v1/auth/sso/start',
      'POST /api/v1/auth/sso/token',
    ])
  })

  it('answers 403 on every other state-changing route when a signed-in caller omits X-CSRF-Token', async () => {
    const owner = world.clients.owner
    owner.sendCsrf = false
    try {
      for (const route of stateChanging()) {
        if (exempt.includes(`${route.method} ${route.path}`)) continue
        const answer = await owner.request<{ detail: string }>(route.method, concrete(route.path), {
          body: {},
          auth: route.path.includes('/auth/refresh') || route.path.includes('/auth/logout') ? null : undefined,
        })
        expect(answer.status, `${route.method} ${route.path}`).toBe(403)
        expect(answer.body.detail, `${route.method} ${route.path}`).toMatch(/X-CSRF-Token/)
      }
    } finally {
      owner.sendCsrf = true
    }
  })

  it('answers 403 when the header does not match the cookie, or the token belongs to another session', async () => {
    const owner = world.clients.owner
    const mismatched = await owner.request('POST', '/tenants', {
      body: { name: 'x', slug: 'csrf-x' },
      headers: { 'x-csrf-token': 'forged.value' },
    })
    expect(mismatched.status).toBe(403)
    const admin = world.clients.admin
    const borrowed = admin.cookies.get('csrf')!.value
    const crossSession = await owner.request('POST', '/tenants', {
      body: { name: 'x', slug: 'csrf-y' },
      headers: { 'x-csrf-token': borrowed, cookie: `csrf=${borrowed}` },
    })
    expect(crossSession.status).toBe(403)
  })

  it('lets a signed-in caller through with the token, and API-key callers without one', async () => {
    const withToken = await world.clients.owner.request('POST', '/tenants', { body: { name: 'With token', slug: 'csrf-ok' } })
    expect(withToken.status).toBe(201)
    const keyCaller = world.clients.outsider
    keyCaller.sendCsrf = false
    const byKey = await keyCaller.request('POST', `/tenants/${world.tenantA}/api-keys`, {
      body: { name: 'by key', scopes: ['keys:write'] },
      auth: `Bearer ${world.keys['keys:write']}`,
    })
    keyCaller.sendCsrf = true
    expect(byKey.status).toBe(201)
  })
})
