/**
 * `limena serve --tls-cert/--tls-key`: TLS 1.2 and 1.3 handshakes succeed, TLS 1.1 is refused,
 * and answers carry HSTS (1 year, includeSubDomains, preload). A control server that allows TLS
 * 1.0 accepts the same TLS 1.1 client, so the refusal is the server's and not the client's.
 * Over TLS 1.2 only forward-secret AEAD suites (ECDHE with AES-GCM or ChaCha20-Poly1305) are
 * accepted, in the server's order; a client offering one RSA-key-exchange or CBC suite is
 * refused, which a control server with Node's default list accepts.
 */
import { execFileSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile } from 'node:fs/promises'
import https from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import tls from 'node:tls'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureCliBuilt, runLimena, startServe, type ServingProcess } from '../../support/cli.js'

let dataDir: string
let certFile: string
let keyFile: string
let serving: ServingProcess

beforeAll(async () => {
  ensureCliBuilt()
  dataDir = await mkdtemp(join(tmpdir(), 'limena-tls-'))
  certFile = join(dataDir, 'cert.pem')
  keyFile = join(dataDir, 'key.pem')
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1', '-keyout', keyFile, '-out', certFile],
    { stdio: 'ignore' },
  )
  serving = await startServe(['--data-dir', dataDir, '--port', '0', '--tls-cert', certFile, '--tls-key', keyFile], {
    LIMENA_SECRETS_STORE: 'file',
    LIMENA_LOG_LEVEL: 'warn',
  })
})

afterAll(async () => {
  serving.child.kill('SIGTERM')
  await once(serving.child, 'exit')
})

function handshake(port: number, version: tls.SecureVersion): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      { host: '127.0.0.1', port, minVersion: version, maxVersion: version, ciphers: 'DEFAULT@SECLEVEL=0', rejectUnauthorized: false },
      () => {
        const negotiated = socket.getProtocol() ?? 'unknown'
        socket.end()
        resolve(negotiated)
      },
    )
    socket.on('error', reject)
  })
}

const portOf = (url: string): number => Number(new URL(url).port)

/** Handshakes offering only `ciphers`; resolves with the suite the server chose. */
function handshakeWith(port: number, version: tls.SecureVersion, ciphers: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      { host: '127.0.0.1', port, minVersion: version, maxVersion: version, ciphers, rejectUnauthorized: false },
      () => {
        const chosen = socket.getCipher().standardName
        socket.end()
        resolve(chosen)
      },
    )
    socket.on('error', reject)
  })
}

const refusedHandshake = /handshake failure|no shared cipher|no ciphers available|socket disconnected/i

describe('TLS', () => {
  it('serves HTTPS on the URL it prints', () => {
    expect(serving.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
  })

  it.each(['TLSv1.2', 'TLSv1.3'] as const)('accepts a %s handshake', async (version) => {
    expect(await handshake(portOf(serving.url), version)).toBe(version)
  })

  it.each(['TLSv1.1', 'TLSv1'] as const)('refuses a %s handshake', async (version) => {
    await expect(handshake(portOf(serving.url), version)).rejects.toThrow(
      /protocol version|unsupported protocol|wrong version|no protocols available/i,
    )
  })

  it('(control) the same TLS 1.1 client succeeds against a server that allows it', async () => {
    const control = tls.createServer(
      { cert: await readFile(certFile), key: await readFile(keyFile), minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' },
      (socket) => socket.end(),
    )
    control.listen(0, '127.0.0.1')
    await once(control, 'listening')
    try {
      expect(await handshake((control.address() as { port: number }).port, 'TLSv1.1')).toBe('TLSv1.1')
    } finally {
      control.close()
    }
  })

  it.each([
    'AES128-SHA256',
    'AES128-GCM-SHA256',
    'AES256-GCM-SHA384',
    'AES128-SHA',
    'ECDHE-RSA-AES128-SHA256',
    'ECDHE-RSA-AES256-SHA384',
    'ECDHE-RSA-AES128-SHA',
    'DHE-RSA-AES128-GCM-SHA256',
  ])('refuses a TLS 1.2 client offering only %s', async (cipher) => {
    await expect(handshakeWith(portOf(serving.url), 'TLSv1.2', cipher)).rejects.toThrow(refusedHandshake)
  })

  it("(control) the same single-cipher clients succeed against a server with Node's default list", async () => {
    const control = tls.createServer({ cert: await readFile(certFile), key: await readFile(keyFile), minVersion: 'TLSv1.2' }, (socket) =>
      socket.end(),
    )
    control.listen(0, '127.0.0.1')
    await once(control, 'listening')
    try {
      const port = (control.address() as { port: number }).port
      expect(await handshakeWith(port, 'TLSv1.2', 'AES128-SHA256')).toBe('TLS_RSA_WITH_AES_128_CBC_SHA256')
      expect(await handshakeWith(port, 'TLSv1.2', 'AES128-GCM-SHA256')).toBe('TLS_RSA_WITH_AES_128_GCM_SHA256')
      expect(await handshakeWith(port, 'TLSv1.2', 'ECDHE-RSA-AES128-SHA256')).toBe('TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256')
    } finally {
      control.close()
    }
  })

  it.each([
    ['ECDHE-RSA-AES128-GCM-SHA256', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'],
    ['ECDHE-RSA-AES256-GCM-SHA384', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'],
    ['ECDHE-RSA-CHACHA20-POLY1305', 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
  ])('accepts a TLS 1.2 client offering only %s', async (cipher, standardName) => {
    expect(await handshakeWith(portOf(serving.url), 'TLSv1.2', cipher)).toBe(standardName)
  })

  it.each(['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'])(
    'accepts a TLS 1.3 client offering only %s',
    async (suite) => {
      expect(await handshakeWith(portOf(serving.url), 'TLSv1.3', suite)).toBe(suite)
    },
  )

  it("chooses the suite by the server's preference, not the client's", async () => {
    const chosen = await handshakeWith(portOf(serving.url), 'TLSv1.2', 'ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256')
    expect(chosen).toBe('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256')
  })

  it('sends HSTS for a year with includeSubDomains and preload', async () => {
    const answer = await new Promise<{ hsts: string | undefined; status: number }>((resolve, reject) => {
      https
        .get(`${serving.url}/api/v1/healthz`, { rejectUnauthorized: false }, (response) => {
          response.resume()
          resolve({ hsts: response.headers['strict-transport-security'], status: response.statusCode ?? 0 })
        })
        .on('error', reject)
    })
    expect(answer.status).toBe(200)
    expect(answer.hsts).toBe('max-age=31536000; includeSubDomains; preload')
  })

  it('marks both session cookies Secure over TLS', async () => {
    const created = await runLimena(['create-operator', '--data-dir', dataDir, '--email', 'tls-ops@example.test', '--password-stdin'], {
      env: { LIMENA_SECRETS_STORE: 'file', LIMENA_LOG_LEVEL: 'warn' },
      stdin: 'an operator password over tls',
    })
    expect(created.code, created.stderr).toBe(0)
    const cookies = await new Promise<string[]>((resolve, reject) => {
      const body = JSON.stringify({ email: 'tls-ops@example.test', password: 'an operator password over tls' })
      const request = https.request(
        `${serving.url}/api/v1/auth/login`,
        {
          method: 'POST',
          rejectUnauthorized: false,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (response) => {
          response.resume()
          resolve(response.headers['set-cookie'] ?? [])
        },
      )
      request.on('error', reject)
      request.end(body)
    })
    expect(cookies).toHaveLength(2)
    for (const cookie of cookies) expect(cookie).toMatch(/; Secure/)
  })
})
