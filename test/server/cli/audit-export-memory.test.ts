/**
 * One million audit rows exported as CSV through a real `limena serve`: every row arrives, and
 * the server's peak resident memory grows by less than 100 MB while it streams (COPY with
 * backpressure, never the whole result in memory). The bound is the benchmark target of
 * issue 7; this test guards the mechanism, the benchmark measures the speed.
 */
import { once } from 'node:events'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureCliBuilt, runLimena, startServe, type ServingProcess } from '../../support/cli.js'
import { ApiClient } from '../../support/test-server.js'

const env = { LIMENA_SECRETS_STORE: 'file', LIMENA_LOG_LEVEL: 'warn', LIMENA_RATE_LIMIT_PER_MINUTE: '0' }
const rows = 1_000_000
const peakGrowthBoundBytes = 100 * 1024 * 1024
let serving: ServingProcess
let operator: ApiClient

async function peakResidentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) * 1024
}

beforeAll(async () => {
  ensureCliBuilt()
  const dataDir = await mkdtemp(join(tmpdir(), 'limena-export-'))
  const seeded = await runLimena(['seed-demo', '--data-dir', dataDir, '--tenants', '20', '--audit-rows', String(rows)], {
    env,
    timeoutMs: 180_000,
  })
  expect(seeded.code, seeded.stderr).toBe(0)
  await runLimena(['create-operator', '--data-dir', dataDir, '--email', 'export-ops@example.test', '--password-stdin'], {
    env,
    stdin: 'export operator password',
  })
  serving = await startServe(['--data-dir', dataDir, '--port', '0'], env)
  operator = new ApiClient(serving.url)
  await operator.login('export-ops@example.test', 'export operator password')
}, 240_000)

afterAll(async () => {
  serving?.child.kill('SIGTERM')
  if (serving) await once(serving.child, 'exit')
})

describe('audit export of one million rows', () => {
  it(`streams every row with the server's peak memory growing by less than ${peakGrowthBoundBytes / 1024 / 1024} MB`, async () => {
    const pid = serving.child.pid!
    const peakBefore = await peakResidentBytes(pid)
    const response = await fetch(`${serving.url}/api/v1/admin/audit-logs.csv`, {
      headers: { authorization: `Bearer ${operator.accessToken}`, 'x-access-reason': 'export memory check' },
    })
    expect(response.status).toBe(200)
    let newlines = 0
    let bytes = 0
    const reader = response.body!.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      bytes += value.length
      for (const byte of value) if (byte === 10) newlines += 1
    }
    const growth = (await peakResidentBytes(pid)) - peakBefore
    expect(newlines).toBeGreaterThanOrEqual(rows + 1)
    expect(bytes).toBeGreaterThan(rows * 100)
    expect(growth).toBeLessThan(peakGrowthBoundBytes)
  }, 180_000)
})
