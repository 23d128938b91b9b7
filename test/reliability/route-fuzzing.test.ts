/**
 * Property-based fuzzing (fast-check) of every operation of the contract, signed in as a platform
 * operator who owns a tenant (so requests get past authentication and CSRF to validation): random
 * and hostile path parameters, query strings and bodies (huge strings, NUL bytes, unpaired
 * surrogates, wrong types,
 * __proto__ keys, SQL metacharacters) get only 4xx problem+json, never a 5xx, never a crash, and
 * never pollute Object.prototype (the server runs in this process).
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { fillPath, operations, type OperationDefinition } from '../../src/shared/contract.js'
import { useTestDatabase } from '../support/test-database.js'
import { ApiClient, createUser, useTestServer } from '../support/test-server.js'

const database = useTestDatabase()
const server = useTestServer(database)
let client: ApiClient
let tenantId: string
const password = 'fuzzing operator password'

const hostileText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(
    "' OR '1'='1",
    '"; DROP TABLE limena.users; --',
    '\u0000',
    'a\u0000b',
    '%',
    '_',
    '\\',
    '../../etc/passwd',
    '${7*7}',
    '<script>alert(1)</script>',
    '😀'.repeat(20),
    'NaN',
    '-1',
    '1e309',
    '',
  ),
  // What PostgreSQL cannot store, or what is not Unicode: NUL, unpaired surrogates, both in one value.
  fc.constantFrom('\u0000', 'q\u0000', '\ud800', 'x\udfff', 'tail \ud83d', '\udc00\ud800', '\u0000\ud800'),
  fc.string({ unit: fc.constantFrom('a', '\u0000', '\ud800', '\udc00', '\ud83d\ude00'), maxLength: 12 }),
  fc.integer({ min: 1000, max: 150_000 }).map((length) => 'x'.repeat(length)),
)
const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    hostileText,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileText, tie('value'), { maxKeys: 4 }),
  ),
})).value

/**
 * encodeURIComponent, but an unpaired surrogate (which it refuses) goes out as the three bytes a
 * careless encoder would write for it (ED A0 80…): invalid UTF-8 the server must survive too.
 */
function encodeHostile(value: string): string {
  return Array.from(value, (character) => {
    const unit = character.charCodeAt(0)
    if (character.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
      return [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('')
    }
    return encodeURIComponent(character)
  }).join('')
}

function keysOf(definition: OperationDefinition): string[] {
  const shape = (definition.input as unknown as { shape?: Record<string, unknown> }).shape
  return shape ? Object.keys(shape) : []
}

async function signIn(): Promise<void> {
  client = new ApiClient(server().url)
  expect((await client.login('fuzz@example.test', password)).status).toBe(200)
}

beforeAll(async () => {
  await createUser(database(), { email: 'fuzz@example.test', password, platformAdmin: true })
  await signIn()
  tenantId = (await client.request<{ id: string }>('POST', '/tenants', { body: { name: 'Fuzz Co', slug: 'fuzz-co' } })).body.id
})

describe('fuzzing every route', () => {
  for (const [name, definition] of Object.entries(operations) as Array<[string, OperationDefinition]>) {
    it(`${definition.method} ${definition.path} (${name}) answers hostile input with 4xx problem+json only`, async () => {
      const known = keysOf(definition)
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(fc.constantFrom(...known, '__proto__', 'constructor', 'prototype', 'extra'), hostileValue, {
            maxKeys: known.length + 2,
          }),
          fc.boolean(),
          fc.boolean(),
          async (input, realTenant, rawProto) => {
            const path = fillPath(definition.path, (parameter) => {
              if (parameter === 'tenantId' && realTenant) return tenantId
              const value = input[parameter]
              delete input[parameter]
              return encodeHostile(typeof value === 'string' ? value.slice(0, 300) || 'x' : JSON.stringify(value ?? 'x').slice(0, 300))
            })
            let answer
            if (definition.method === 'GET' || definition.method === 'DELETE') {
              const suffix = Object.entries(input)
                .map(
                  ([key, value]) =>
                    `${encodeHostile(key)}=${encodeHostile(typeof value === 'string' ? value.slice(0, 2000) : JSON.stringify(value).slice(0, 2000))}`,
                )
                .join('&')
              answer = await client.request(definition.method, `${path}${suffix ? `?${suffix}` : ''}`, {
                headers: { 'x-access-reason': 'fuzzing the API' },
              })
            } else {
              const body = rawProto
                ? `{"__proto__":{"polluted":true},${JSON.stringify(input).slice(1)}`.replace(',}', '}')
                : JSON.stringify(input)
              answer = await client.request(definition.method, path, { rawBody: body, headers: { 'x-access-reason': 'fuzzing the API' } })
            }
            expect(answer.status, `${definition.method} ${path} → ${answer.status} ${answer.text.slice(0, 300)}`).toBeLessThan(500)
            if (answer.status >= 400)
              expect(answer.headers.get('content-type'), `${definition.method} ${path}`).toMatch(/^application\/problem\+json/)
            expect(({} as Record<string, unknown>).polluted).toBeUndefined()
            if (answer.status === 401 || (name === 'logout' && answer.status === 204) || name === 'changePassword') await signIn()
          },
        ),
        { numRuns: Number(process.env.LIMENA_FUZZ_RUNS ?? 12) },
      )
    }, 120_000)
  }
})
