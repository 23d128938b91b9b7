/**
 * HTTP hardening through a real server: exactly the security headers of docs/security.md on 200,
 * 401, 404, 413 and 500 answers; problem+json with a request id and never a stack; the 100 KB
 * body limit; structured logs that carry request ids and no credential.
 */
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../../src/server/platform/log.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, startTestServer, type TestServer } from '../../support/test-server.js'

const database = useTestDatabase()
let server: TestServer
const logLines: string[] = []
const password = 'hardening password 123'

beforeAll(async () => {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString().split('\n').filter(Boolean))
      done()
    },
  })
  server = await startTestServer(database(), { log: createLogger({ level: 'debug', destination }) })
  await createUser(database(), { email: 'headers@example.test', password })
})

afterAll(async () => {
  await server.close()
})

const expectedHeaders = {
  'content-security-policy': "default-src 'self';frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
}

function expectSecurityHeaders(headers: Headers, status: number): void {
  for (const [name, value] of Object.entries(expectedHeaders)) expect(headers.get(name), `${name} on ${status}`).toBe(value)
  expect(headers.get('x-powered-by'), `x-powered-by on ${status}`).toBeNull()
  // Plain HTTP: HSTS is only meaningful (and only sent) over TLS.
  expect(headers.get('strict-transport-security')).toBeNull()
  for (const extra of ['x-xss-protection', 'cross-origin-opener-policy', 'x-dns-prefetch-control', 'origin-agent-cluster']) {
    expect(headers.get(extra), `${extra} on ${status}`).toBeNull()
  }
}

function expectProblem(answer: { headers: Headers; body: unknown; text: string }, status: number): void {
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/)
  expect(answer.body).toMatchObject({
    status,
    type: expect.stringMatching(/^urn:limena:problem:/),
    title: expect.any(String),
    requestId: answer.headers.get('x-request-id'),
  })
  expect(answer.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/)
}

describe('security headers and problem answers', () => {
  it('200', async () => {
    const client = new ApiClient(server.url)
    const answer = await client.login('headers@example.test', password)
    expect(answer.status).toBe(200)
    expectSecurityHeaders(answer.headers, 200)
  })

  it('401', async () => {
    const answer = await new ApiClient(server.url).request('GET', '/me')
    expect(answer.status).toBe(401)
    expectSecurityHeaders(answer.headers, 401)
    expectProblem(answer, 401)
  })

  it('404', async () => {
    const answer = await new ApiClient(server.url).request('GET', '/no/such/route')
    expect(answer.status).toBe(404)
    expectSecurityHeaders(answer.headers, 404)
    expectProblem(answer, 404)
  })

  it('413 for a body over 100 KB', async () => {
    const answer = await new ApiClient(server.url).request('POST', '/auth/login', {
      rawBody: JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(101 * 1024) }),
    })
    expect(answer.status).toBe(413)
    expectSecurityHeaders(answer.headers, 413)
    expectProblem(answer, 413)
  })

  it('400 for malformed JSON and for input that does not match, with the field named', async () => {
    const malformed = await new ApiClient(server.url).request('POST', '/auth/login', { rawBody: '{"email": ' })
    expect(malformed.status).toBe(400)
    expectProblem(malformed, 400)
    const mismatched = await new ApiClient(server.url).request<{ detail: string; errors: Array<{ path: string; message: string }> }>(
      'POST',
      '/auth/login',
      { body: { email: 'not-an-email', password: '', extra: 1 } },
    )
    expect(mismatched.status).toBe(400)
    expect(mismatched.body.errors.map((error) => error.path)).toEqual(expect.arrayContaining(['email', 'password', '(root)']))
    // The detail is a sentence naming each field with its message, as the console shows it.
    for (const error of mismatched.body.errors) {
      expect(mismatched.body.detail).toContain(error.path === '(root)' ? error.message : `${error.path}: ${error.message}`)
    }
    expect(mismatched.body.detail).toMatch(/^(email|password): .+; (email|password): .+; Unrecognized key: "extra"$/)
  })

  it('500 for an unexpected failure: a bare problem with the request id, no stack, the headers still there', async () => {
    const client = new ApiClient(server.url)
    await client.login('headers@example.test', password)
    const admin = await database().admin()
    await admin.query('REVOKE SELECT ON limena.users FROM limena_app')
    try {
      const answer = await client.request<{ detail: string; requestId: string }>('GET', '/me')
      expect(answer.status).toBe(500)
      expectSecurityHeaders(answer.headers, 500)
      expectProblem(answer, 500)
      expect(answer.body.detail).toBe(`quote request id ${answer.body.requestId} when reporting this`)
      expect(answer.text).not.toContain('permission denied')
      expect(logLines.some((line) => line.includes(answer.body.requestId) && line.includes('unhandled error'))).toBe(true)
    } finally {
      await admin.query('GRANT SELECT ON limena.users TO limena_app')
      await admin.end()
    }
  })
})

describe('logs', () => {
  it('are JSON lines with request ids, and hold no password, token or cookie', async () => {
    const client = new ApiClient(server.url)
    const login = await client.login('headers@example.test', password)
    await client.request('GET', '/me')
    await client.request('POST', '/auth/refresh', { auth: null })
    const secrets = [password, login.body.accessToken, client.cookies.get('refresh_token')!.value, client.cookies.get('csrf')!.value]
    expect(logLines.length).toBeGreaterThan(5)
    for (const line of logLines) {
      const entry = JSON.parse(line) as Record<string, unknown>
      expect(entry.level).toEqual(expect.any(Number))
      for (const secret of secrets) expect(line).not.toContain(secret)
    }
    expect(logLines.some((line) => JSON.parse(line).requestId && JSON.parse(line).msg === 'request')).toBe(true)
  })
})

describe('IP rate limit', () => {
  it('answers 429 with Retry-After once an address spends its requests per minute, other addresses unaffected', async () => {
    const limited = await startTestServer(database(), { requestsPerMinute: 5 })
    try {
      const client = new ApiClient(limited.url)
      for (let request = 0; request < 5; request += 1) expect((await client.request('GET', '/auth/jwks')).status).toBe(200)
      const refused = await client.request('GET', '/auth/jwks')
      expect(refused.status).toBe(429)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
      expectSecurityHeaders(refused.headers, 429)
      expectProblem(refused, 429)
    } finally {
      await limited.close()
    }
  })
})
