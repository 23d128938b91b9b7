/**
 * Sign-in through HTTP: one answer for unknown emails and wrong passwords, rehash on login when
 * the Argon2id parameters changed, bounded hashing, and the login rate limits per IP and per
 * account (distinct loopback source addresses stand in for distinct clients).
 */
import http from 'node:http'
import argon2 from 'argon2'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  hashingConcurrency,
  hashingConcurrencyFor,
  hashingQueue,
  hashPassword,
  passwordHashParameters,
} from '../../../src/server/crypto/passwords.js'
import { inTransaction } from '../../../src/server/db/with-tenant.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, useTestServer } from '../../support/test-server.js'

const database = useTestDatabase()
const server = useTestServer(database)
const password = 'the right password here'

beforeAll(async () => {
  await createUser(database(), { email: 'known@example.test', password })
  await createUser(database(), { email: 'target@example.test', password })
})

function loginFrom(
  localAddress: string,
  email: string,
  attempt: string,
): Promise<{ status: number; retryAfter: string | undefined; body: string }> {
  const url = new URL(`${server().url}/api/v1/auth/login`)
  const payload = JSON.stringify({ email, password: attempt })
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (response) => {
        let body = ''
        response.on('data', (chunk: Buffer) => (body += chunk.toString()))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'], body }))
      },
    )
    request.on('error', reject)
    request.end(payload)
  })
}

describe('sign-in', () => {
  it('answers an unknown email and a wrong password the same way', async () => {
    const unknown = await new ApiClient(server().url).request<Record<string, unknown>>('POST', '/auth/login', {
      body: { email: 'nobody@example.test', password: 'whatever it is' },
    })
    const wrong = await new ApiClient(server().url).request<Record<string, unknown>>('POST', '/auth/login', {
      body: { email: 'known@example.test', password: 'whatever it is' },
    })
    expect(unknown.status).toBe(401)
    expect(wrong.status).toBe(401)
    const { requestId: _a, ...unknownBody } = unknown.body
    const { requestId: _b, ...wrongBody } = wrong.body
    expect(unknownBody).toEqual(wrongBody)
    expect(unknown.headers.getSetCookie()).toEqual([])
    expect(wrong.headers.getSetCookie()).toEqual([])
  })

  it('rehashes a password stored with weaker parameters on the next sign-in', async () => {
    const weak = await argon2.hash('rehash me please now', { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 })
    await inTransaction(database().pools.maintenance, {}, (client) =>
      client.query("INSERT INTO users (id, email, password_hash) VALUES (gen_random_uuid(), 'weak@example.test', $1)", [weak]),
    )
    expect((await new ApiClient(server().url).login('weak@example.test', 'rehash me please now')).status).toBe(200)
    const stored = await inTransaction(
      database().pools.app,
      {},
      async (client) =>
        (await client.query("SELECT password_hash FROM users WHERE email = 'weak@example.test'")).rows[0].password_hash as string,
    )
    const parameters = Object.fromEntries(
      stored
        .split('$')[3]!
        .split(',')
        .map((pair) => pair.split('=')),
    )
    expect(stored.startsWith('$argon2id$v=19$')).toBe(true)
    expect(parameters).toEqual({
      m: String(passwordHashParameters.memoryCost),
      t: String(passwordHashParameters.timeCost),
      p: String(passwordHashParameters.parallelism),
    })
    expect((await new ApiClient(server().url).login('weak@example.test', 'rehash me please now')).status).toBe(200)
  })

  it('hashes with Argon2id at or above OWASP parameters, no more at once than the queue allows', async () => {
    expect(passwordHashParameters.type).toBe(argon2.argon2id)
    expect(passwordHashParameters.memoryCost).toBeGreaterThanOrEqual(19_456)
    expect(passwordHashParameters.timeCost).toBeGreaterThanOrEqual(2)
    let maximumActive = 0
    const watcher = setInterval(() => (maximumActive = Math.max(maximumActive, hashingQueue.activeCount)), 1)
    await Promise.all(Array.from({ length: 8 }, (_, index) => hashPassword(`burst password ${index}`)))
    clearInterval(watcher)
    expect(maximumActive).toBeGreaterThan(0)
    expect(maximumActive).toBeLessThanOrEqual(hashingConcurrency)
  })

  it('hashes one per core, leaving the thread pool a free thread, and never fewer than 2 at once', () => {
    expect(hashingConcurrencyFor(2, 4)).toBe(2)
    expect(hashingConcurrencyFor(8, 4)).toBe(3)
    expect(hashingConcurrencyFor(8, 9)).toBe(8)
    expect(hashingConcurrencyFor(1, 4)).toBe(2)
    expect(hashingConcurrencyFor(16, 2)).toBe(2)
  })

  it('limits failed sign-ins from one IP: 429 with Retry-After, even for other accounts', async () => {
    const ip = '127.0.0.21'
    for (let attempt = 0; attempt < 20; attempt += 1) {
      expect((await loginFrom(ip, `spray-${attempt}@example.test`, 'guess')).status).toBe(401)
    }
    const limited = await loginFrom(ip, 'known@example.test', password)
    expect(limited.status).toBe(429)
    expect(Number(limited.retryAfter)).toBeGreaterThan(0)
    expect(JSON.parse(limited.body)).toMatchObject({ status: 429, type: 'urn:limena:problem:rate-limited' })
    expect((await loginFrom('127.0.0.22', 'known@example.test', password)).status).toBe(200)
  })

  it('limits failed sign-ins against one account from many IPs', async () => {
    for (let attempt = 0; attempt < 10; attempt += 1) {
      expect((await loginFrom(`127.0.1.${attempt + 1}`, 'target@example.test', 'guess')).status).toBe(401)
    }
    const limited = await loginFrom('127.0.1.100', 'target@example.test', password)
    expect(limited.status).toBe(429)
    expect(Number(limited.retryAfter)).toBeGreaterThan(0)
  })
})
