/**
 * `limena seed-demo` on a fresh install: every kind of data, chains that verify, sealed
 * integration secrets, a clear error for bad arguments and nothing half-written.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { once } from 'node:events'
import { ensureCliBuilt, runLimena, startServe } from '../../support/cli.js'
import { ApiClient } from '../../support/test-server.js'

const env = { LIMENA_SECRETS_STORE: 'file', LIMENA_LOG_LEVEL: 'warn' }
let dataDir: string
let seeded: { stdout: string; stderr: string; code: number | null }

beforeAll(async () => {
  ensureCliBuilt()
  dataDir = await mkdtemp(join(tmpdir(), 'limena-seed-'))
  seeded = await runLimena(['seed-demo', '--data-dir', dataDir, '--tenants', '12', '--audit-rows', '3000'], { env, timeoutMs: 120_000 })
})

describe('limena seed-demo', () => {
  it('reports what it made and the demo password', () => {
    expect(seeded.stderr).toBe('')
    expect(seeded.code).toBe(0)
    expect(seeded.stdout).toMatch(
      /^limena: seeded 12 tenants, \d+ users, 3,000 audit rows, [\d,]+ hourly usage buckets, \d+ tenants over their ceiling, in [\d.]+ s$/m,
    )
    expect(seeded.stdout).toContain('every demo user signs in with the password limena-demo-password, for example:')
    // A few sign-ins to try, each a real account of the seeded install.
    expect(seeded.stdout.match(/^limena: {3}\S+@\S+\.example \((owner|admin) of .+\)$/gm)).toHaveLength(3)
  })

  it('leaves audit chains that verify', async () => {
    const verified = await runLimena(['verify-audit', '--data-dir', dataDir], { env })
    expect(verified.code).toBe(0)
    expect(verified.stdout).toMatch(/3000 audit rows in 12 tenant\(s\) and 0 platform audit rows checked; every chain verifies/)
  })

  it('makes members of every role who can sign in, with keys, integrations and usage to look at', async () => {
    const created = await runLimena(['create-operator', '--data-dir', dataDir, '--email', 'seed-ops@example.test', '--password-stdin'], {
      env,
      stdin: 'seed operator password',
    })
    expect(created.code, created.stderr).toBe(0)
    const serving = await startServe(['--data-dir', dataDir, '--port', '0'], env)
    try {
      const operator = new ApiClient(serving.url)
      await operator.login('seed-ops@example.test', 'seed operator password')
      const headers = { 'x-access-reason': 'checking the demo data' }
      const directory = await operator.request<{ items: Array<{ id: string; memberCount: number }> }>('GET', '/admin/tenants?limit=200', {
        headers,
      })
      expect(directory.body.items).toHaveLength(12)
      const busiest = directory.body.items.reduce((best, item) => (item.memberCount > best.memberCount ? item : best))
      const detail = await operator.request<{
        members: Array<{ email: string; role: string }>
        apiKeys: unknown[]
        integrations: unknown[]
      }>('GET', `/admin/tenants/${busiest.id}`, { headers })
      expect(new Set(detail.body.members.map((member) => member.role))).toEqual(new Set(['owner', 'admin', 'member', 'viewer']))
      expect(detail.body.apiKeys.length).toBeGreaterThan(0)
      const withIntegrations = await Promise.all(
        directory.body.items.map((item) => operator.request<{ integrations: unknown[] }>('GET', `/admin/tenants/${item.id}`, { headers })),
      )
      expect(withIntegrations.some((answer) => answer.body.integrations.length > 0)).toBe(true)
      const usage = await operator.request<{ totals: { tokens: number } }>('GET', '/admin/usage', { headers })
      expect(usage.body.totals.tokens).toBeGreaterThan(0)
      const owner = detail.body.members.find((member) => member.role === 'owner')!
      expect((await new ApiClient(serving.url).login(owner.email, 'limena-demo-password')).status).toBe(200)
    } finally {
      serving.child.kill('SIGTERM')
      await once(serving.child, 'exit')
    }
  })

  it('refuses bad arguments with one line, changing nothing', async () => {
    const rowsChecked = async () => /(\d+) audit rows/.exec((await runLimena(['verify-audit', '--data-dir', dataDir], { env })).stdout)![1]
    const before = await rowsChecked()
    const bad = await runLimena(['seed-demo', '--data-dir', dataDir, '--tenants', 'many'], { env })
    expect(bad.code).toBe(1)
    expect(bad.stderr.trim()).toBe('limena: --tenants takes a whole number from 1 to 100,000')
    expect(await rowsChecked()).toBe(before)
  })
})
