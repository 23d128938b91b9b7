/**
 * Every refusal of single sign-on through HTTP, each with its own problem `check` and its own
 * audit row (`auth.sso_failed` in the tenant's log, or `platform.sso_failed` where no sign-in is
 * known): a wrong state, a replayed callback, a replayed authorization code, a token re-signed by
 * another key, an expired token, a substituted nonce, another audience, another issuer, the
 * provider's `error=`, `email_verified: false`, a domain not allowed, an existing account that is
 * not a member, a wrong PKCE verifier (which burns the code), a replayed one-time code, a wrong
 * client secret and an issuer that is down. No audit row holds a code or a token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SsoCheck } from '../../../src/shared/problem.js'
import { withOperatorRead } from '../../../src/server/db/with-operator.js'
import { deliverCallback, driveSignIn, driveToCallback, startTestProvider, type TestProvider } from '../../support/oidc-provider.js'
import { exchangeCode, signInWithSso, ssoCallbackPath, startSignIn } from '../../support/sso-app.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, startTestServer, useTestServer, type ApiAnswer } from '../../support/test-server.js'

const database = useTestDatabase()
const server = useTestServer(database)
const password = 'a password of the owner, long enough'
let provider: TestProvider
let owner: ApiClient
let tenantId: string

interface FailureRow {
  action: string
  metadata: { check: string; reason: string; issuer: string | null }
  text: string
}

async function failureRows(): Promise<{ tenant: FailureRow[]; platform: FailureRow[] }> {
  return withOperatorRead(database().pools, async (client) => ({
    tenant: (
      await client.query<FailureRow>(
        "SELECT action, metadata, row_to_json(l)::text AS text FROM audit_logs l WHERE tenant_id = $1 AND action = 'auth.sso_failed' ORDER BY seq",
        [tenantId],
      )
    ).rows,
    platform: (
      await client.query<FailureRow>(
        "SELECT action, metadata, row_to_json(l)::text AS text FROM platform_audit_logs l WHERE action = 'platform.sso_failed' ORDER BY seq",
      )
    ).rows,
  }))
}

/** Runs `attempt`, then expects its answer to be the check's problem and one new audit row for it, in the log given. */
async function expectRefused(
  check: SsoCheck,
  status: number,
  where: 'tenant' | 'platform',
  attempt: () => Promise<ApiAnswer>,
  secrets: () => string[] = () => [],
): Promise<void> {
  const before = await failureRows()
  const answer = await attempt()
  expect(answer.status, answer.text).toBe(status)
  expect(answer.headers.get('content-type')).toMatch(/application\/problem\+json/)
  expect(answer.body).toMatchObject({ type: 'urn:limena:problem:sso-failed', check })
  expect((answer.body as { detail: string }).detail).toMatch(new RegExp(`single sign-on refused \\(${check}\\)`))
  expect(answer.text).not.toMatch(/at .*\.(ts|js):\d+/)
  const after = await failureRows()
  const added = after[where].slice(before[where].length)
  expect(added.map((row) => row.metadata.check)).toEqual([check])
  expect(added[0]!.metadata.issuer).toBe(where === 'tenant' ? provider.issuer : null)
  const other = where === 'tenant' ? 'platform' : 'tenant'
  expect(after[other]).toHaveLength(before[other].length)
  for (const secret of secrets()) expect(added[0]!.text).not.toContain(secret)
}

/** A sign-in through the tenant's provider, up to the app's exchange; answers the exchange. */
async function signIn(login: string, options: { abort?: boolean } = {}): Promise<ApiAnswer> {
  const started = await startSignIn(server().url, { tenant: 'refuse-inc' })
  const { code } = await driveSignIn(started.authorizationUrl, { login, ...options })
  return (await exchangeCode(server().url, code, started.verifier)).answer
}

beforeAll(async () => {
  provider = await startTestProvider({
    redirectUri: `${server().url}${ssoCallbackPath}`,
    accounts: {
      member: { email: 'member@refuse.test', emailVerified: true },
      unverified: { email: 'unverified@refuse.test', emailVerified: false },
      foreign: { email: 'someone@not-allowed.test', emailVerified: true },
      stranger: { email: 'stranger@refuse.test', emailVerified: true },
    },
  })
  await createUser(database(), { email: 'owner@refuse.test', password })
  await createUser(database(), { email: 'stranger@refuse.test', password })
  owner = new ApiClient(server().url)
  expect((await owner.login('owner@refuse.test', password)).status).toBe(200)
  tenantId = (await owner.request<{ id: string }>('POST', '/tenants', { body: { name: 'Refuse Inc', slug: 'refuse-inc' } })).body.id
  const configured = await owner.request('PUT', `/tenants/${tenantId}/sso`, {
    body: {
      issuer: provider.issuer,
      clientId: provider.clientId,
      clientSecret: provider.clientSecret,
      allowedDomains: ['refuse.test'],
      defaultRole: 'viewer',
      requireSso: false,
    },
  })
  expect(configured.status, configured.text).toBe(200)
})

afterAll(async () => {
  await provider?.close()
})

describe('single sign-on refusals, each with its check and its audit row', () => {
  it('lets a good sign-in through (the baseline every refusal departs from)', async () => {
    expect((await signIn('member')).status).toBe(200)
  })

  it('state: an unknown state is answered at the callback, in the platform log', async () => {
    await expectRefused('state', 400, 'platform', () =>
      new ApiClient(server().url).request('GET', '/auth/sso/callback?code=whatever&state=not-a-state-of-any-sign-in'),
    )
  })

  it('state: a replayed callback is answered as an unknown state', async () => {
    const started = await startSignIn(server().url, { tenant: 'refuse-inc' })
    const callback = await driveToCallback(started.authorizationUrl, { login: 'member' })
    await deliverCallback(callback)
    await expectRefused('state', 400, 'platform', () =>
      new ApiClient(server().url).request('GET', `${callback.pathname.replace('/api/v1', '')}${callback.search}`),
    )
  })

  it('code: an authorization code already redeemed (replayed into another sign-in) is refused by the provider', async () => {
    const first = await startSignIn(server().url, { tenant: 'refuse-inc' })
    const firstCallback = await driveToCallback(first.authorizationUrl, { login: 'member' })
    const firstResult = await deliverCallback(firstCallback)
    expect((await exchangeCode(server().url, firstResult.code, first.verifier)).answer.status).toBe(200)
    const second = await startSignIn(server().url, { tenant: 'refuse-inc' })
    const secondCallback = await driveToCallback(second.authorizationUrl, { login: 'member' })
    secondCallback.searchParams.set('code', firstCallback.searchParams.get('code')!)
    let oneTimeCode = ''
    await expectRefused(
      'code',
      401,
      'tenant',
      async () => {
        oneTimeCode = (await deliverCallback(secondCallback)).code
        return (await exchangeCode(server().url, oneTimeCode, second.verifier)).answer
      },
      () => [firstCallback.searchParams.get('code')!, oneTimeCode],
    )
  })

  for (const [mode, check] of [
    ['signature', 'signature'],
    ['expired', 'expired'],
    ['nonce', 'nonce'],
    ['audience', 'audience'],
    ['issuer', 'issuer'],
  ] as const) {
    it(`${check}: an ID token ${mode === 'signature' ? 're-signed with a key the provider does not publish' : `with its ${mode} changed (re-signed by the provider's key)`} is refused`, async () => {
      provider.setTamper(mode)
      try {
        await expectRefused(check, 401, 'tenant', () => signIn('member'))
      } finally {
        provider.setTamper('none')
      }
    })
  }

  it("provider_error: the provider's error= (the person cancelled) is refused", async () => {
    await expectRefused('provider_error', 401, 'tenant', () => signIn('member', { abort: true }))
  })

  it('email_verified: an email the provider does not say is verified is refused', async () => {
    await expectRefused('email_verified', 403, 'tenant', () => signIn('unverified'))
  })

  it('domain: an email outside the allowed domains is refused', async () => {
    await expectRefused('domain', 403, 'tenant', () => signIn('foreign'))
  })

  it('account: an existing account that is not a member is refused, and told how to join', async () => {
    const answer = await signIn('stranger')
    expect(answer.body).toMatchObject({ check: 'account' })
    expect((answer.body as { detail: string }).detail).toContain(
      'this email already has an account that is not a member of Refuse Inc: sign in with its password and accept an invitation',
    )
    await expectRefused('account', 403, 'tenant', () => signIn('stranger'))
  })

  it('pkce: a wrong verifier is refused, and the code is burned', async () => {
    const started = await startSignIn(server().url, { tenant: 'refuse-inc' })
    const { code } = await driveSignIn(started.authorizationUrl, { login: 'member' })
    const wrongVerifier = `${started.verifier.slice(0, -4)}AAAA`
    await expectRefused('pkce', 401, 'tenant', async () => (await exchangeCode(server().url, code, wrongVerifier)).answer)
    await expectRefused('code', 401, 'platform', async () => (await exchangeCode(server().url, code, started.verifier)).answer)
  })

  it('code: a one-time code exchanged twice is refused the second time', async () => {
    const started = await startSignIn(server().url, { tenant: 'refuse-inc' })
    const { code } = await driveSignIn(started.authorizationUrl, { login: 'member' })
    expect((await exchangeCode(server().url, code, started.verifier)).answer.status).toBe(200)
    await expectRefused('code', 401, 'platform', async () => (await exchangeCode(server().url, code, started.verifier)).answer)
  })

  it('configuration: a wrong client secret is refused by the provider at the exchange', async () => {
    const changed = await owner.request('PUT', `/tenants/${tenantId}/sso`, {
      body: {
        issuer: provider.issuer,
        clientId: provider.clientId,
        clientSecret: 'not the client secret',
        allowedDomains: ['refuse.test'],
        defaultRole: 'viewer',
        requireSso: false,
      },
    })
    expect(changed.status).toBe(200)
    try {
      await expectRefused('configuration', 401, 'tenant', () => signIn('member'))
    } finally {
      await owner.request('PUT', `/tenants/${tenantId}/sso`, {
        body: {
          issuer: provider.issuer,
          clientId: provider.clientId,
          clientSecret: provider.clientSecret,
          allowedDomains: ['refuse.test'],
          defaultRole: 'viewer',
          requireSso: false,
        },
      })
    }
    expect((await signIn('member')).status).toBe(200)
  })

  it('configuration: an identity provider that is down is answered at the start (502), with its row', async () => {
    const down = await startTestProvider({ redirectUri: `${server().url}${ssoCallbackPath}`, accounts: {} })
    const otherOwner = new ApiClient(server().url)
    await createUser(database(), { email: 'owner@down.test', password })
    expect((await otherOwner.login('owner@down.test', password)).status).toBe(200)
    const downTenant = (await otherOwner.request<{ id: string }>('POST', '/tenants', { body: { name: 'Down Inc', slug: 'down-inc' } })).body
      .id
    const configured = await otherOwner.request('PUT', `/tenants/${downTenant}/sso`, {
      body: {
        issuer: down.issuer,
        clientId: down.clientId,
        clientSecret: 'x',
        allowedDomains: ['down.test'],
        defaultRole: 'viewer',
        requireSso: false,
      },
    })
    expect(configured.status).toBe(200)
    await down.close()
    // The server keeps a discovery a few minutes; a new server has none, as after the provider went down for good.
    const fresh = await startTestServer(database())
    try {
      const answer = await new ApiClient(fresh.url).request('POST', '/auth/sso/start', {
        body: {
          tenant: 'down-inc',
          redirectUri: 'http://127.0.0.1:49152/sso/callback',
          codeChallenge: 'a'.repeat(43),
          codeChallengeMethod: 'S256',
          state: 'b'.repeat(16),
        },
      })
      expect(answer.status, answer.text).toBe(502)
      expect(answer.body).toMatchObject({ type: 'urn:limena:problem:sso-failed', check: 'configuration' })
      expect((answer.body as { detail: string }).detail).toContain(down.issuer)
      const rows = await withOperatorRead(
        database().pools,
        async (client) =>
          (await client.query("SELECT metadata FROM audit_logs WHERE tenant_id = $1 AND action = 'auth.sso_failed'", [downTenant])).rows,
      )
      expect(rows).toEqual([{ metadata: expect.objectContaining({ check: 'configuration', issuer: down.issuer }) }])
    } finally {
      await fresh.close()
    }
  })

  it('never lets a one-time code or authorization code into a failure row', async () => {
    const { tenant, platform } = await failureRows()
    for (const row of [...tenant, ...platform]) expect(row.text).not.toMatch(/"code":|id_token|eyJ/)
  })

  it('signs a member in through the whole flow after all of this', async () => {
    const { answer } = await signInWithSso(server().url, { email: 'member@refuse.test' }, { login: 'member' })
    expect(answer.status).toBe(200)
  })
})
