/**
 * Where a session from single sign-on may go, through HTTP. A session from tenant A's provider
 * reaches A only: B's routes, operator routes, and user routes that act beyond one tenant refuse
 * it, and the lists it reads show A alone. "Require SSO" refuses A's members' password sessions
 * on A's routes (naming A, saying to sign in with SSO) while A's SSO sessions, A's API keys,
 * the same people's password sessions elsewhere and operators' operator routes pass; and it can
 * be turned on only from a session that came from A's own provider.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withTenant } from '../../../src/server/db/with-tenant.js'
import { startTestProvider, type TestProvider } from '../../support/oidc-provider.js'
import { signInWithSso, ssoCallbackPath } from '../../support/sso-app.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, useTestServer } from '../../support/test-server.js'

const database = useTestDatabase()
const server = useTestServer(database)
const password = 'a password of some length for scoping'
const reason = { 'x-access-reason': 'checking the scope of SSO sessions' }
let provider: TestProvider
let ownerA: ApiClient
let tenantA: string
let tenantB: string
const ids: Record<string, string> = {}

async function passwordSession(email: string): Promise<ApiClient> {
  const client = new ApiClient(server().url)
  const answer = await client.login(email, password)
  if (answer.status !== 200) throw new Error(`sign-in of ${email}: ${answer.text}`)
  return client
}

async function ssoSession(login: string): Promise<ApiClient> {
  const { client, answer } = await signInWithSso(server().url, { tenant: 'scope-a' }, { login })
  if (answer.status !== 200) throw new Error(`SSO sign-in of ${login}: ${answer.text}`)
  return client
}

const ssoSettings = (requireSso: boolean) => ({
  issuer: provider.issuer,
  clientId: provider.clientId,
  allowedDomains: ['scope-a.test'],
  defaultRole: 'member',
  requireSso,
})

beforeAll(async () => {
  provider = await startTestProvider({
    redirectUri: `${server().url}${ssoCallbackPath}`,
    accounts: {
      owner: { email: 'owner@scope-a.test', emailVerified: true },
      both: { email: 'both@scope-a.test', emailVerified: true },
      ops: { email: 'ops@scope-a.test', emailVerified: true },
    },
  })
  for (const [name, email, platformAdmin] of [
    ['owner', 'owner@scope-a.test', false],
    ['both', 'both@scope-a.test', false],
    ['ops', 'ops@scope-a.test', true],
    ['ownerB', 'owner@scope-b.test', false],
  ] as const)
    ids[name] = await createUser(database(), { email, password, platformAdmin })
  ownerA = await passwordSession('owner@scope-a.test')
  tenantA = (await ownerA.request<{ id: string }>('POST', '/tenants', { body: { name: 'Scope A', slug: 'scope-a' } })).body.id
  const ownerB = await passwordSession('owner@scope-b.test')
  tenantB = (await ownerB.request<{ id: string }>('POST', '/tenants', { body: { name: 'Scope B', slug: 'scope-b' } })).body.id
  await withTenant(database().pools.app, tenantA, async (client) => {
    for (const name of ['both', 'ops'])
      await client.query("INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'member')", [tenantA, ids[name]])
  })
  await withTenant(database().pools.app, tenantB, (client) =>
    client.query("INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'admin')", [tenantB, ids.both]),
  )
  const configured = await ownerA.request('PUT', `/tenants/${tenantA}/sso`, {
    body: { ...ssoSettings(false), clientSecret: provider.clientSecret },
  })
  expect(configured.status, configured.text).toBe(200)
})

afterAll(async () => {
  await provider?.close()
})

describe("a session from tenant A's single sign-on", () => {
  let both: ApiClient

  beforeAll(async () => {
    both = await ssoSession('both')
  })

  it("reaches A's routes", async () => {
    expect((await both.request('GET', `/tenants/${tenantA}/members`)).status).toBe(200)
  })

  it("is refused on B's routes, although its person is B's admin, saying where it came from", async () => {
    for (const path of [`/tenants/${tenantB}`, `/tenants/${tenantB}/members`, `/tenants/${tenantB}/audit-logs.csv`]) {
      const answer = await both.request<{ detail: string }>('GET', path)
      expect(answer.status, path).toBe(403)
      expect(answer.body.detail).toMatch(/single sign-on and reaches that tenant only/)
    }
    const password = await passwordSession('both@scope-a.test')
    expect((await password.request('GET', `/tenants/${tenantB}/members`)).status).toBe(200)
  })

  it('shows A alone in the lists it reads', async () => {
    const tenants = await both.request<{ items: Array<{ id: string }> }>('GET', '/tenants')
    expect(tenants.body.items.map((item) => item.id)).toEqual([tenantA])
    const me = await both.request<{ memberships: Array<{ tenantId: string }> }>('GET', '/me')
    expect(me.body.memberships.map((membership) => membership.tenantId)).toEqual([tenantA])
    expect((await both.request('GET', '/tenant-lookup?ref=scope-b')).status).toBe(404)
    expect((await both.request('GET', '/tenant-lookup?ref=scope-a')).status).toBe(200)
  })

  it('is refused on user routes that act beyond one tenant', async () => {
    expect((await both.request('POST', '/tenants', { body: { name: 'Escape', slug: 'escape' } })).status).toBe(403)
    expect((await both.request('GET', '/me/invitations')).status).toBe(403)
  })

  it('is refused on every operator route, even for a platform operator', async () => {
    const ops = await ssoSession('ops')
    for (const path of ['/admin/tenants', `/admin/tenants/${tenantA}`, '/admin/posture']) {
      const answer = await ops.request<{ detail: string }>('GET', path, { headers: reason })
      expect(answer.status, path).toBe(403)
      expect(answer.body.detail).toMatch(/tenant's single sign-on/)
    }
    const password = await passwordSession('ops@scope-a.test')
    expect((await password.request('GET', '/admin/tenants', { headers: reason })).status).toBe(200)
  })
})

describe('require SSO', () => {
  let ownerSso: ApiClient
  let apiKey: string

  it("cannot be turned on from a session that did not come from the tenant's own single sign-on", async () => {
    const answer = await ownerA.request<{ detail: string }>('PUT', `/tenants/${tenantA}/sso`, { body: ssoSettings(true) })
    expect(answer.status).toBe(409)
    expect(answer.body.detail).toMatch(/own single sign-on/)
  })

  it("is turned on from the owner's SSO session", async () => {
    ownerSso = await ssoSession('owner')
    apiKey = (
      await ownerSso.request<{ key: string }>('POST', `/tenants/${tenantA}/api-keys`, { body: { name: 'ci', scopes: ['tenant:read'] } })
    ).body.key
    const answer = await ownerSso.request<{ requireSso: boolean }>('PUT', `/tenants/${tenantA}/sso`, { body: ssoSettings(true) })
    expect(answer.status, answer.text).toBe(200)
    expect(answer.body.requireSso).toBe(true)
  })

  it("refuses a member's password session on the tenant's routes, naming the tenant", async () => {
    const password = await passwordSession('both@scope-a.test')
    for (const path of [`/tenants/${tenantA}`, `/tenants/${tenantA}/members`, `/tenants/${tenantA}/audit-logs.csv`]) {
      const answer = await password.request<{ type: string; detail: string }>('GET', path)
      expect(answer.status, path).toBe(403)
      expect(answer.body.type).toBe('urn:limena:problem:sso-required')
      expect(answer.body.detail).toMatch(/^Scope A admits its members only through its single sign-on: sign in with SSO/)
    }
    expect((await ownerA.request('GET', `/tenants/${tenantA}/members`)).status).toBe(403)
    // The same password session still reaches the person's other tenant.
    expect((await password.request('GET', `/tenants/${tenantB}/members`)).status).toBe(200)
  })

  it('lets SSO sessions, API keys and operators on operator routes through', async () => {
    const member = await ssoSession('both')
    expect((await member.request('GET', `/tenants/${tenantA}/members`)).status).toBe(200)
    expect((await ownerSso.request('GET', `/tenants/${tenantA}/members`)).status).toBe(200)
    expect((await new ApiClient(server().url).request('GET', `/tenants/${tenantA}`, { auth: `Bearer ${apiKey}` })).status).toBe(200)
    const operator = await passwordSession('ops@scope-a.test')
    expect((await operator.request('GET', `/admin/tenants/${tenantA}`, { headers: reason })).status).toBe(200)
  })

  it('lifts when the owner turns it off', async () => {
    expect((await ownerSso.request('PUT', `/tenants/${tenantA}/sso`, { body: ssoSettings(false) })).status).toBe(200)
    expect((await ownerA.request('GET', `/tenants/${tenantA}/members`)).status).toBe(200)
  })
})
