/**
 * The platform's own identity provider, configured by the real CLI (`limena sso configure|show|
 * remove --platform`) and used through HTTP: it signs existing operators in (never anyone else,
 * and creates no account); `--require-for-operators` makes operator routes refuse a password
 * session; its client secret comes from stdin only, is sealed under the install's key, printed
 * and audited nowhere, and survives `rotate-keys --encryption`; configuring and removing are in
 * the platform audit log, and removing ends the sessions it opened. Bad input is one line.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { withOperatorRead } from '../../../src/server/db/with-operator.js'
import { resolveInstallSecrets } from '../../../src/server/secrets/install-secrets.js'
import { ensureCliBuilt, runLimena, type CliResult } from '../../support/cli.js'
import { cliEnvironmentFor } from '../../support/cli-environment.js'
import { startTestProvider, type TestProvider } from '../../support/oidc-provider.js'
import { signInWithSso, ssoCallbackPath, type SessionAnswer } from '../../support/sso-app.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, startTestServer, type TestServer } from '../../support/test-server.js'

const database = useTestDatabase()
let server: TestServer
let provider: TestProvider
let dataDir: string
const password = 'an operator password of some length'
const reason = { 'x-access-reason': 'platform single sign-on test' }

function limena(args: string[], stdin?: string): Promise<CliResult> {
  return runLimena([...args, '--data-dir', dataDir], { env: cliEnvironmentFor(database()), stdin })
}

function configure(extra: string[] = []): Promise<CliResult> {
  return limena(
    [
      'sso',
      'configure',
      '--platform',
      '--issuer',
      provider.issuer,
      '--client-id',
      provider.clientId,
      '--client-secret-stdin',
      '--domains',
      'ops.test, Ops2.test',
      ...extra,
    ],
    `${provider.clientSecret}\n`,
  )
}

async function platformRows(action: string): Promise<Array<{ metadata: Record<string, unknown>; text: string }>> {
  return withOperatorRead(
    database().pools,
    async (client) =>
      (
        await client.query<{ metadata: Record<string, unknown>; text: string }>(
          'SELECT metadata, row_to_json(l)::text AS text FROM platform_audit_logs l WHERE action = $1 ORDER BY seq',
          [action],
        )
      ).rows,
  )
}

beforeAll(async () => {
  ensureCliBuilt()
  dataDir = await mkdtemp(join(tmpdir(), 'limena-platform-sso-'))
  const install = { dataDir, store: 'file' as const, env: {} }
  const { secrets } = await resolveInstallSecrets(install)
  server = await startTestServer(database(), {
    secrets,
    reloadEncryptionKeys: async () => (await resolveInstallSecrets(install)).secrets.encryptionKeys,
  })
  provider = await startTestProvider({
    redirectUri: `${server.url}${ssoCallbackPath}`,
    accounts: {
      ops: { email: 'ops@ops.test', emailVerified: true, amr: ['pwd', 'otp'] },
      notops: { email: 'user@ops.test', emailVerified: true },
      newcomer: { email: 'newcomer@ops.test', emailVerified: true },
    },
  })
  await createUser(database(), { email: 'ops@ops.test', password, platformAdmin: true })
  await createUser(database(), { email: 'user@ops.test', password })
})

afterAll(async () => {
  await provider?.close()
  await server?.close()
})

describe("the platform's single sign-on", () => {
  it('refuses bad input in one line, and takes the secret from stdin only', async () => {
    const noPlatform = await limena(['sso', 'show'])
    expect(noPlatform.code).toBe(1)
    expect(noPlatform.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^limena: .*--platform/)])
    const noStdin = await limena([
      'sso',
      'configure',
      '--platform',
      '--issuer',
      provider.issuer,
      '--client-id',
      'x',
      '--domains',
      'ops.test',
    ])
    expect(noStdin.code).toBe(1)
    expect(noStdin.stderr).toMatch(/^limena: pass the client secret on standard input with --client-secret-stdin\n$/)
    const badDomain = await limena(
      [
        'sso',
        'configure',
        '--platform',
        '--issuer',
        provider.issuer,
        '--client-id',
        'x',
        '--client-secret-stdin',
        '--domains',
        'not a domain',
      ],
      'secret',
    )
    expect(badDomain.stderr).toBe('limena: not an email domain: not a domain\n')
    const unreachable = await limena(
      [
        'sso',
        'configure',
        '--platform',
        '--issuer',
        'https://127.0.0.1:9/none',
        '--client-id',
        'x',
        '--client-secret-stdin',
        '--domains',
        'ops.test',
      ],
      'secret',
    )
    expect(unreachable.code).toBe(1)
    expect(unreachable.stderr).toMatch(/^limena: the identity provider https:\/\/127\.0\.0\.1:9\/none could not be reached\n$/)
    expect((await limena(['sso', 'show', '--platform'])).stdout).toBe('limena: no platform single sign-on is configured\n')
  })

  it('is configured by the CLI, shown without its secret, and audited without it', async () => {
    const configured = await configure(['--trust-provider-mfa'])
    expect(configured.stderr).toBe('')
    expect(configured.code).toBe(0)
    expect(configured.stdout).toContain(`platform single sign-on: ${provider.issuer}`)
    expect(configured.stdout).toContain("operators' email domains: ops.test, ops2.test")
    expect(configured.stdout).toMatch(/trust the provider's second factor \(amr\): yes \(takes effect with the operator second factor/)
    const shown = await limena(['sso', 'show', '--platform'])
    expect(shown.stdout).toContain('required for operators: no')
    for (const output of [configured, shown]) expect(output.stdout + output.stderr).not.toContain(provider.clientSecret)
    const [row] = await platformRows('platform.sso_configured')
    expect(row!.metadata).toMatchObject({
      issuer: provider.issuer,
      domains: ['ops.test', 'ops2.test'],
      trustProviderMfa: true,
      secretChanged: true,
    })
    expect(row!.text).not.toContain(provider.clientSecret)
    const admin = await database().admin()
    try {
      const stored = await admin.query<{ ciphertext: Buffer }>('SELECT client_secret_ciphertext AS ciphertext FROM limena.platform_sso')
      expect(stored.rows).toHaveLength(1)
      expect(stored.rows[0]!.ciphertext.includes(Buffer.from(provider.clientSecret))).toBe(false)
      const anywhere = await admin.query(
        'SELECT 1 FROM limena.platform_sso p WHERE position($1 in p::text) > 0 UNION ALL SELECT 1 FROM limena.platform_audit_logs l WHERE position($1 in l::text) > 0',
        [provider.clientSecret],
      )
      expect(anywhere.rowCount).toBe(0)
    } finally {
      await admin.end()
    }
  })

  it("is discovered by an operator's email domain, and signs the operator in with the provider's amr", async () => {
    const discovered = await new ApiClient(server.url).request('GET', '/auth/sso/discover?email=anyone@ops2.test')
    expect(discovered.body).toEqual({ provider: 'platform', issuer: provider.issuer, tenant: null })
    const { client, answer } = await signInWithSso(server.url, { email: 'ops@ops.test' }, { login: 'ops' })
    expect(answer.status, answer.text).toBe(200)
    const session = answer.body as SessionAnswer
    expect(session.user).toMatchObject({ email: 'ops@ops.test', isPlatformAdmin: true })
    expect(session.origin).toEqual({ method: 'sso', sso: { issuer: provider.issuer, tenantId: null, amr: ['pwd', 'otp'] } })
    expect((await client.request('GET', '/admin/tenants', { headers: reason })).status).toBe(200)
  })

  it('signs in no one but an existing operator, and creates no account', async () => {
    for (const login of ['notops', 'newcomer']) {
      const { answer } = await signInWithSso(server.url, { email: `${login}@ops.test` }, { login })
      expect(answer.status).toBe(403)
      expect(answer.body).toMatchObject({ check: 'account' })
    }
    expect((await platformRows('platform.sso_failed')).map((row) => row.metadata.check)).toEqual(['account', 'account'])
    const created = await withOperatorRead(
      database().pools,
      async (client) => (await client.query("SELECT 1 FROM users WHERE email = 'newcomer@ops.test'")).rowCount,
    )
    expect(created).toBe(0)
  })

  it('with --require-for-operators, refuses password sessions on operator routes, and lets its own through', async () => {
    expect((await configure(['--require-for-operators'])).code).toBe(0)
    const passwordSession = new ApiClient(server.url)
    expect((await passwordSession.login('ops@ops.test', password)).status).toBe(200)
    const refused = await passwordSession.request<{ type: string; detail: string }>('GET', '/admin/tenants', { headers: reason })
    expect(refused.status).toBe(403)
    expect(refused.body.type).toBe('urn:limena:problem:sso-required')
    expect(refused.body.detail).toMatch(/platform's single sign-on/)
    expect((await passwordSession.request('GET', '/me')).status).toBe(200)
    const { client } = await signInWithSso(server.url, { email: 'ops@ops.test' }, { login: 'ops' })
    expect((await client.request('GET', '/admin/tenants', { headers: reason })).status).toBe(200)
  })

  it('survives rotate-keys --encryption', async () => {
    const rotation = await limena(['rotate-keys', '--encryption'])
    expect(rotation.code, rotation.stderr).toBe(0)
    expect(rotation.stdout).toContain("and the platform's under key version 2")
    const stored = await withOperatorRead(
      database().pools,
      async (client) => (await client.query<{ key_version: number }>('SELECT key_version FROM platform_sso')).rows,
    )
    expect(stored).toEqual([{ key_version: 2 }])
    expect((await platformRows('platform.sso_reencrypted')).length).toBe(1)
    const { answer } = await signInWithSso(server.url, { email: 'ops@ops.test' }, { login: 'ops' })
    expect(answer.status, answer.text).toBe(200)
  })

  it('is removed by the CLI, ending the sessions it opened, audited', async () => {
    const { client } = await signInWithSso(server.url, { email: 'ops@ops.test' }, { login: 'ops' })
    expect((await client.request('GET', '/me')).status).toBe(200)
    const removed = await limena(['sso', 'remove', '--platform'])
    expect(removed.code).toBe(0)
    expect(removed.stdout).toMatch(/^limena: removed the platform single sign-on .*; ended \d+ session\(s\) it had opened\n$/)
    const removedAt = Date.now()
    let status = 0
    while (Date.now() - removedAt < 1000 && status !== 401) status = (await client.request('GET', '/me')).status
    expect(status).toBe(401)
    expect((await platformRows('platform.sso_removed')).at(-1)?.metadata).toMatchObject({ issuer: provider.issuer })
    expect((await limena(['sso', 'show', '--platform'])).stdout).toBe('limena: no platform single sign-on is configured\n')
    // Operators sign in with their password again, and operator routes take it.
    const passwordSession = new ApiClient(server.url)
    expect((await passwordSession.login('ops@ops.test', password)).status).toBe(200)
    expect((await passwordSession.request('GET', '/admin/tenants', { headers: reason })).status).toBe(200)
  })
})
