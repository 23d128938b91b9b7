/**
 * Probing a backend before the console adds it (src/main/connection-probe.ts), against real
 * servers on 127.0.0.1: a real Limena backend answers; a self-signed certificate, a certificate
 * from a CA this computer does not trust and a certificate for another name are each refused with
 * a sentence that says so (never bypassed); nothing listening and a server that is not a Limena
 * backend are told apart. The same certificate is accepted once this computer trusts its CA
 * (NODE_EXTRA_CA_CERTS, read by Node at start, so that case runs the probe in a child process).
 */
import { execFile, execFileSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer as createHttpServer, type Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from '../../src/main/api-client.js'
import { probeConnection } from '../../src/main/connection-probe.js'
import { memoryVault, openCredentialStore } from '../../src/main/credential-store.js'
import { useTestDatabase } from '../support/test-database.js'
import { useTestServer } from '../support/test-server.js'

const database = useTestDatabase()
const backend = useTestServer(database)
const root = resolve(import.meta.dirname, '../..')
let dir: string
const servers: Server[] = []

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' })
}

/** A certificate for `san` signed by the test CA (or self-signed when `selfSigned`). */
async function certificate(name: string, san: string, selfSigned = false): Promise<{ key: Buffer; cert: Buffer }> {
  const key = join(dir, `${name}.key`)
  const cert = join(dir, `${name}.pem`)
  if (selfSigned) {
    openssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-days',
      '1',
      '-addext',
      `subjectAltName=${san}`,
      '-keyout',
      key,
      '-out',
      cert,
    ])
  } else {
    const csr = join(dir, `${name}.csr`)
    const extensions = join(dir, `${name}.ext`)
    await writeFile(extensions, `subjectAltName=${san}\n`)
    openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=limena test backend', '-keyout', key, '-out', csr])
    openssl([
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      join(dir, 'ca.pem'),
      '-CAkey',
      join(dir, 'ca.key'),
      '-CAcreateserial',
      '-days',
      '1',
      '-extfile',
      extensions,
      '-out',
      cert,
    ])
  }
  return { key: await readFile(key), cert: await readFile(cert) }
}

const healthy = (_request: unknown, response: import('node:http').ServerResponse) => {
  response.setHeader('content-type', 'application/json')
  response.end(JSON.stringify({ status: 'ok', db: 'up' }))
}

async function listening(server: Server): Promise<string> {
  servers.push(server)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return String((server.address() as AddressInfo).port)
}

let selfSignedUrl: string
let caSignedUrl: string
let otherNameUrl: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'limena-probe-'))
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=Limena test CA',
    '-days',
    '1',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout',
    join(dir, 'ca.key'),
    '-out',
    join(dir, 'ca.pem'),
  ])
  selfSignedUrl = `https://127.0.0.1:${await listening(createHttpsServer(await certificate('self', 'IP:127.0.0.1', true), healthy))}`
  caSignedUrl = `https://127.0.0.1:${await listening(createHttpsServer(await certificate('signed', 'IP:127.0.0.1'), healthy))}`
  otherNameUrl = `https://127.0.0.1:${await listening(createHttpsServer(await certificate('other', 'DNS:other.example'), healthy))}`
})

afterAll(async () => {
  for (const server of servers) server.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('probing a backend', () => {
  it('finds a real Limena backend and its database', async () => {
    expect(await probeConnection(backend().url)).toEqual({ ok: true, database: 'up' })
  })

  it('refuses a self-signed certificate, saying so and how to trust one', async () => {
    const result = await probeConnection(selfSignedUrl)
    expect(result).toMatchObject({ ok: false, reason: 'certificate' })
    expect(result.ok || result.message).toMatch(/self-signed/)
    expect(result.ok || result.message).toMatch(/never skips this check/)
  })

  it('refuses a certificate from a CA this computer does not trust', async () => {
    const result = await probeConnection(caSignedUrl)
    expect(result).toMatchObject({ ok: false, reason: 'certificate' })
    expect(result.ok || result.message).toMatch(/CA this computer does not trust/)
  })

  it("says why in the console's own calls too: signing in to a self-signed backend names the certificate", async () => {
    const store = (await openCredentialStore(memoryVault())).sessionFor('self-signed')
    const client = new ApiClient({ baseUrl: selfSignedUrl, store })
    const answer = await client.signIn('someone@example.test', 'a password')
    expect(answer).toMatchObject({ ok: false, problem: { status: 503, title: 'Backend unreachable' } })
    expect(answer.ok || answer.problem.detail).toMatch(/self-signed/)
  })

  it('tells nothing listening from a server that is not a Limena backend', async () => {
    const closed = createHttpServer()
    const port = await listening(closed)
    closed.close()
    await once(closed, 'close')
    const refused = await probeConnection(`http://127.0.0.1:${port}`)
    expect(refused).toMatchObject({ ok: false, reason: 'unreachable' })
    expect(refused.ok || refused.message).toMatch(/connection refused/)
    const other = `http://127.0.0.1:${await listening(createHttpServer((_request, response) => response.end('<html>hello</html>')))}`
    const notLimena = await probeConnection(other)
    expect(notLimena).toMatchObject({ ok: false, reason: 'not-limena' })
    expect(notLimena.ok || notLimena.message).toMatch(/not as a Limena backend/)
  })

  it('accepts the same CA-signed certificate once this computer trusts the CA', async () => {
    const bundleDir = resolve(root, 'node_modules/.cache/limena-test-bundles/probe')
    await build({
      configFile: false,
      logLevel: 'silent',
      root,
      resolve: { alias: { '@shared': resolve(root, 'src/shared') } },
      build: {
        ssr: resolve(root, 'src/main/connection-probe.ts'),
        outDir: bundleDir,
        emptyOutDir: true,
        rollupOptions: { output: { entryFileNames: 'connection-probe.mjs', format: 'es' } },
      },
    })
    const script = `const { probeConnection } = await import(${JSON.stringify(join(bundleDir, 'connection-probe.mjs'))}); console.log(JSON.stringify(await probeConnection(process.argv[1])))`
    const run = (extraEnv: Record<string, string>, url = caSignedUrl) =>
      promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, url], {
        env: { ...process.env, ...extraEnv },
        timeout: 20_000,
      })
    const trusted = await run({ NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') })
    expect(JSON.parse(trusted.stdout)).toEqual({ ok: true, database: 'up' })
    // The control: the same child without the CA refuses it.
    const untrusted = await run({})
    expect(JSON.parse(untrusted.stdout)).toMatchObject({ ok: false, reason: 'certificate' })
    // A trusted CA does not make a certificate for another name good for this one.
    const otherName = JSON.parse((await run({ NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') }, otherNameUrl)).stdout) as { message: string }
    expect(otherName).toMatchObject({ ok: false, reason: 'certificate' })
    expect(otherName.message).toMatch(/not for 127\.0\.0\.1/)
  })
})
