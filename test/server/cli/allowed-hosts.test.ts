/**
 * `limena serve` bound to a loopback address answers only loopback Host names (DNS rebinding
 * cannot reach it through a browser), plus the names given with `--allowed-host` or
 * LIMENA_ALLOWED_HOSTS for a reverse proxy in front of it. Through the real command.
 */
import http from 'node:http'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureCliBuilt, runLimena, startServe, type ServingProcess } from '../../support/cli.js'
import { cliEnvironmentFor } from '../../support/cli-environment.js'
import { useTestDatabase } from '../../support/test-database.js'

const database = useTestDatabase()
const servers: ServingProcess[] = []

function statusWithHost(url: string, host: string): Promise<number> {
  const target = new URL(`${url}/api/v1/healthz`)
  return new Promise((resolve, reject) => {
    http
      .get({ host: target.hostname, port: target.port, path: target.pathname, headers: { host } }, (response) => {
        response.resume()
        resolve(response.statusCode ?? 0)
      })
      .on('error', reject)
  })
}

async function serve(args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServingProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'limena-hosts-'))
  const started = await startServe(['--data-dir', dataDir, '--port', '0', ...args], { ...cliEnvironmentFor(database()), ...env })
  servers.push(started)
  return started
}

beforeAll(() => {
  ensureCliBuilt()
})

afterAll(() => {
  for (const server of servers) server.child.kill('SIGTERM')
})

describe('limena serve on loopback', () => {
  it('answers its loopback names and refuses any other Host with 421', async () => {
    const { url } = await serve(['--host', '127.0.0.1'])
    const port = new URL(url).port
    expect(await statusWithHost(url, `127.0.0.1:${port}`)).toBe(200)
    expect(await statusWithHost(url, `localhost:${port}`)).toBe(200)
    expect(await statusWithHost(url, `attacker.example:${port}`)).toBe(421)
    expect(await statusWithHost(url, 'attacker.example')).toBe(421)
    expect(await statusWithHost(url, `127.0.0.1.nip.io:${port}`)).toBe(421)
  })

  it("answers a reverse proxy's names given with --allowed-host or LIMENA_ALLOWED_HOSTS", async () => {
    const { url } = await serve(
      ['--host', '127.0.0.1', '--allowed-host', 'console.example.test', '--allowed-host', 'ops.example.test:8443'],
      { LIMENA_ALLOWED_HOSTS: 'env.example.test' },
    )
    expect(await statusWithHost(url, 'console.example.test')).toBe(200)
    expect(await statusWithHost(url, 'CONSOLE.example.test:443')).toBe(200)
    expect(await statusWithHost(url, 'ops.example.test:8443')).toBe(200)
    expect(await statusWithHost(url, 'ops.example.test:9000')).toBe(421)
    expect(await statusWithHost(url, 'env.example.test')).toBe(200)
    expect(await statusWithHost(url, 'console.example.test.attacker.example')).toBe(421)
  })

  it('refuses a malformed allowed host in one line', async () => {
    const result = await runLimena(['serve', '--port', '0', '--allowed-host', 'bad host/name'], { env: cliEnvironmentFor(database()) })
    expect(result.code).toBe(1)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toMatch(/allowed host/i)
  })
})
