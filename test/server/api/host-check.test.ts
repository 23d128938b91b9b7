/**
 * The embedded backend answers only requests addressed to its own loopback address and port, so
 * a web page using DNS rebinding cannot reach it through the user's browser.
 */
import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useTestDatabase } from '../../support/test-database.js'
import { startTestServer, type TestServer } from '../../support/test-server.js'

const database = useTestDatabase()
let server: TestServer

beforeAll(async () => {
  server = await startTestServer(database(), { loopbackHostOnly: true })
})

afterAll(async () => {
  await server.close()
})

function getWithHost(host: string): Promise<number> {
  const url = new URL(`${server.url}/api/v1/healthz`)
  return new Promise((resolve, reject) => {
    http
      .get({ host: url.hostname, port: url.port, path: url.pathname, headers: { host } }, (response) => {
        response.resume()
        resolve(response.statusCode ?? 0)
      })
      .on('error', reject)
  })
}

describe('loopback host check', () => {
  it('serves its own loopback address and port', async () => {
    const port = new URL(server.url).port
    expect(await getWithHost(`127.0.0.1:${port}`)).toBe(200)
    expect(await getWithHost(`localhost:${port}`)).toBe(200)
  })

  it('refuses a rebinding hostname, another port, or no useful host with 421', async () => {
    const port = new URL(server.url).port
    expect(await getWithHost(`attacker.example:${port}`)).toBe(421)
    expect(await getWithHost('127.0.0.1:1')).toBe(421)
    expect(await getWithHost(`127.0.0.1.nip.io:${port}`)).toBe(421)
  })
})
