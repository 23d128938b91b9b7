/**
 * Probing a backend before the console adds it (src/main/connection-probe.ts), against real
 * servers on 127.0.0.1: a real Limena backend answers; a self-signed certificate, a certificate
 * from a CA this computer does not trust and a certificate for another name are each refused with
 * a sentence that says so (never bypassed); nothing listening and a server that is not a Limena
 * backend are told apart. The same certificate is accepted once this computer trusts its CA
 * (NODE_EXTRA_CA_CERTS, read by Node at start, so that case runs the probe in a child process).
 */
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer as createHttpServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiClient } from '../../src/main/api-client.js'
import { probeConnection } from '../../src/main/connection-probe.js'
import { memoryVault, openCredentialStore } from '../../src/main/credential-store.js'
import { certificate, closedLoopbackUrl, listenOnLoopback, makeTestCa, startTlsBackend } from '../support/loopback-backends.js'
import { useTestDatabase } from '../support/test-database.js'
import { useTestServer } from '../support/test-server.js'

const database = useTestDatabase()
const backend = useTestServer(database)
const root = resolve(import.meta.dirname, '../..')
let dir: string
const servers: Server[] = []

let selfSignedUrl: string
let caSignedUrl: string
let otherNameUrl: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'limena-probe-'))
  makeTestCa(dir)
  const start = async (credentials: { key: Buffer; cert: Buffer }) => {
    const started = await startTlsBackend(credentials)
    servers.push(started.server)
    return started.url
  }
  selfSignedUrl = await start(await certificate(dir, 'self', 'IP:127.0.0.1'))
  caSignedUrl = await start(await certificate(dir, 'signed', 'IP:127.0.0.1', 'test-ca'))
  otherNameUrl = await start(await certificate(dir, 'other', 'DNS:other.example', 'test-ca'))
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
    const refused = await probeConnection(await closedLoopbackUrl())
    expect(refused).toMatchObject({ ok: false, reason: 'unreachable' })
    expect(refused.ok || refused.message).toMatch(/connection refused/)
    const htmlServer = createHttpServer((_request, response) => response.end('<html>hello</html>'))
    servers.push(htmlServer)
    const other = `http://127.0.0.1:${await listenOnLoopback(htmlServer)}`
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
