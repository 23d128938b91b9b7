/**
 * testssl.sh (Debian's) against `limena serve --tls-cert/--tls-key`: SSLv2/3, TLS 1.0 and 1.1 not
 * offered, TLS 1.2 and 1.3 offered, HSTS for a year with includeSubDomains and preload.
 */
import { execFile, execFileSync } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureCliBuilt, startServe, type ServingProcess } from '../support/cli.js'

const testssl = '/usr/bin/testssl'
const required = process.env.LIMENA_REQUIRE_TESTSSL === '1'
const available = existsSync(testssl)
if (!available && !required) console.warn('testssl.sh test skipped: /usr/bin/testssl is not installed (npm run test:all installs it)')

describe.skipIf(!available && !required)('testssl.sh against limena serve', () => {
  let dataDir: string
  let serving: ServingProcess
  let findings: Map<string, string>

  beforeAll(async () => {
    ensureCliBuilt()
    dataDir = await mkdtemp(join(tmpdir(), 'limena-testssl-'))
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', join(dataDir, 'key.pem'), '-out', join(dataDir, 'cert.pem')], { stdio: 'ignore' })
    serving = await startServe(['--data-dir', dataDir, '--port', '0', '--tls-cert', join(dataDir, 'cert.pem'), '--tls-key', join(dataDir, 'key.pem')], { LIMENA_SECRETS_STORE: 'file', LIMENA_LOG_LEVEL: 'warn' })
    const report = join(dataDir, 'testssl.json')
    await promisify(execFile)(testssl, ['--protocols', '--headers', '--quiet', '--color', '0', '--warnings', 'off', '--jsonfile', report, `${serving.url}/api/v1/healthz`], { timeout: 120_000 })
    const entries = JSON.parse(await readFile(report, 'utf8')) as Array<{ id: string; finding: string }>
    findings = new Map(entries.map((entry) => [entry.id, entry.finding]))
  }, 180_000)

  afterAll(async () => {
    serving?.child.kill('SIGTERM')
    if (serving) await once(serving.child, 'exit')
  })

  it('does not offer SSLv2, SSLv3, TLS 1.0 or TLS 1.1', () => {
    for (const protocol of ['SSLv2', 'SSLv3', 'TLS1', 'TLS1_1']) expect(findings.get(protocol), protocol).toBe('not offered')
  })

  it('offers TLS 1.2 and TLS 1.3', () => {
    expect(findings.get('TLS1_2')).toMatch(/^offered/)
    expect(findings.get('TLS1_3')).toMatch(/^offered/)
  })

  it('sends HSTS for a year, with includeSubDomains and preload', () => {
    expect(findings.get('HSTS_time')).toMatch(/=31536000 seconds/)
    expect(findings.get('HSTS_subdomains')).toBe('includes subdomains')
    expect(findings.get('HSTS_preload')).toMatch(/marked for preloading/)
  })
})
