/**
 * testssl.sh (Debian's) against `limena serve --tls-cert/--tls-key`: SSLv2/3, TLS 1.0 and 1.1 not
 * offered, TLS 1.2 and 1.3 offered, HSTS for a year with includeSubDomains and preload; and, from
 * its cipher listing per protocol (`--cipher-per-proto`), every TLS 1.2 suite offered is ECDHE
 * with AES-GCM or ChaCha20-Poly1305 (no RSA key exchange, no CBC, no SHA-1), while TLS 1.3 offers
 * its standard suites.
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

interface OfferedCipher {
  protocol: string
  openSslName: string
  keyExchange: string
  encryption: string
  ianaName: string
}

/** One `cipher-tls1_2_xc02f` (or `cipher-ssl3_…`) finding of testssl 3.0: `TLS 1.2   xc02f   ECDHE-RSA-AES128-GCM-SHA256   ECDH 253   AESGCM   128   TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`. */
function parseCipherFinding(finding: string): OfferedCipher {
  const match = /^(SSLv[23]|TLS 1(?:\.[1-3])?)\s+x[0-9a-f]+\s+(\S+)\s+(.+?)\s+(\S+)\s+\d+\s+(\S+)\s*$/i.exec(finding)
  if (!match) throw new Error(`unexpected testssl cipher finding: ${finding}`)
  return { protocol: match[1]!, openSslName: match[2]!, keyExchange: match[3]!, encryption: match[4]!, ianaName: match[5]! }
}
const required = process.env.LIMENA_REQUIRE_TESTSSL === '1'
const available = existsSync(testssl)
if (!available && !required) console.warn('testssl.sh test skipped: /usr/bin/testssl is not installed (npm run test:all installs it)')

describe.skipIf(!available && !required)('testssl.sh against limena serve', () => {
  let dataDir: string
  let serving: ServingProcess
  let findings: Map<string, string>
  let offeredCiphers: OfferedCipher[]

  beforeAll(async () => {
    ensureCliBuilt()
    dataDir = await mkdtemp(join(tmpdir(), 'limena-testssl-'))
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-days',
        '1',
        '-keyout',
        join(dataDir, 'key.pem'),
        '-out',
        join(dataDir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    )
    serving = await startServe(
      ['--data-dir', dataDir, '--port', '0', '--tls-cert', join(dataDir, 'cert.pem'), '--tls-key', join(dataDir, 'key.pem')],
      { LIMENA_SECRETS_STORE: 'file', LIMENA_LOG_LEVEL: 'warn' },
    )
    const report = join(dataDir, 'testssl.json')
    // --cipher-per-proto tries each of the ~370 suites testssl knows, per protocol: about 20-45 s here.
    await promisify(execFile)(
      testssl,
      [
        '--protocols',
        '--headers',
        '--cipher-per-proto',
        '--quiet',
        '--color',
        '0',
        '--warnings',
        'off',
        '--jsonfile',
        report,
        `${serving.url}/api/v1/healthz`,
      ],
      {
        timeout: 150_000,
      },
    )
    const entries = JSON.parse(await readFile(report, 'utf8')) as Array<{ id: string; finding: string }>
    findings = new Map(entries.map((entry) => [entry.id, entry.finding]))
    offeredCiphers = entries.filter((entry) => /^cipher-(ssl|tls)/.test(entry.id)).map((entry) => parseCipherFinding(entry.finding))
  }, 240_000)

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

  it('offers over TLS 1.2 only ECDHE suites with AES-GCM or ChaCha20-Poly1305: no RSA key exchange, no CBC, no SHA-1', () => {
    const tls12 = offeredCiphers.filter((cipher) => cipher.protocol === 'TLS 1.2')
    expect(tls12.length, 'testssl listed no TLS 1.2 suite at all').toBeGreaterThan(0)
    for (const cipher of tls12) {
      const described = JSON.stringify(cipher)
      expect(cipher.keyExchange, described).toMatch(/^ECDH\b/)
      expect(cipher.encryption, described).toMatch(/^(AESGCM|CHACHA20)$/i)
      expect(cipher.ianaName, described).toMatch(/^TLS_ECDHE_(RSA|ECDSA)_WITH_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256)$/)
      expect(cipher.ianaName, described).not.toMatch(/^TLS_RSA_|_CBC_|_SHA$/)
    }
  })

  it('offers over TLS 1.3 its standard AEAD suites', () => {
    const tls13 = offeredCiphers.filter((cipher) => cipher.protocol === 'TLS 1.3').map((cipher) => cipher.ianaName)
    expect(tls13.sort()).toEqual(['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'])
  })

  it('offers nothing below TLS 1.2 in the cipher listing either', () => {
    expect(offeredCiphers.filter((cipher) => !['TLS 1.2', 'TLS 1.3'].includes(cipher.protocol))).toEqual([])
  })

  it('sends HSTS for a year, with includeSubDomains and preload', () => {
    expect(findings.get('HSTS_time')).toMatch(/=31536000 seconds/)
    expect(findings.get('HSTS_subdomains')).toBe('includes subdomains')
    expect(findings.get('HSTS_preload')).toMatch(/marked for preloading/)
  })
})
