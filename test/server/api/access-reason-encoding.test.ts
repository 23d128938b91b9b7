/**
 * Access reasons in any language reach the tenant's log as written: `X-Access-Reason` carries
 * UTF-8 percent-encoded (RFC 3986) when it holds more than printable ASCII, the server decodes
 * each valid escape, and a `%` that starts no valid escape stays as typed.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { decodeAccessReason, encodeAccessReason } from '../../../src/shared/access-reason.js'
import { withOperatorRead } from '../../../src/server/db/with-operator.js'
import { useTestDatabase } from '../../support/test-database.js'
import { ApiClient, createUser, useTestServer } from '../../support/test-server.js'

const database = useTestDatabase()
const server = useTestServer(database)
let operator: ApiClient
let tenantId: string

beforeAll(async () => {
  await createUser(database(), { email: 'reason-owner@example.test', password: 'reason owner password' })
  await createUser(database(), { email: 'reason-ops@example.test', password: 'reason ops password', platformAdmin: true })
  const owner = new ApiClient(server().url)
  await owner.login('reason-owner@example.test', 'reason owner password')
  tenantId = (await owner.request<{ id: string }>('POST', '/tenants', { body: { name: 'Reason Co', slug: 'reason-co' } })).body.id
  operator = new ApiClient(server().url)
  await operator.login('reason-ops@example.test', 'reason ops password')
})

async function reasonRecordedFor(header: string): Promise<string | null> {
  const answer = await operator.request('GET', `/admin/tenants/${tenantId}`, { headers: { 'x-access-reason': header } })
  expect(answer.status, answer.text).toBe(200)
  const requestId = answer.headers.get('x-request-id')
  return withOperatorRead(
    database().pools,
    async (client) =>
      (
        await client.query<{ reason: string }>(
          "SELECT reason FROM audit_logs WHERE tenant_id = $1 AND action = 'operator.read' AND request_id = $2",
          [tenantId, requestId],
        )
      ).rows[0]?.reason ?? null,
  )
}

describe('X-Access-Reason', () => {
  it('reaches the log in German and Japanese exactly as written', async () => {
    for (const reason of [
      'Prüfung der Zugriffe für Ticket SUP-42 (Störung)',
      '顧客からの問い合わせ #42 の調査',
      'emoji 🔍 check — “quoted”',
    ]) {
      expect(await reasonRecordedFor(encodeAccessReason(reason))).toBe(reason)
    }
  })

  it('keeps a % that starts no valid escape as written', async () => {
    expect(await reasonRecordedFor('100% sure this is SUP-7')).toBe('100% sure this is SUP-7')
    expect(await reasonRecordedFor('rate %ZZ and %4')).toBe('rate %ZZ and %4')
    expect(await reasonRecordedFor('half a character %E3%81 then %C3%A9')).toBe('half a character %E3%81 then é')
  })

  it('counts its length after decoding', async () => {
    const answer = await operator.request('GET', `/admin/tenants/${tenantId}`, {
      headers: { 'x-access-reason': encodeAccessReason('日本') },
    })
    expect(answer.status).toBe(400)
    expect(await reasonRecordedFor(encodeAccessReason('日本語'))).toBe('日本語')
  })

  it('round-trips through the encoder for every kind of text', () => {
    for (const reason of ['plain ascii reason', '100% literal', 'ümlaut', '日本語の理由', 'tab\tand newline\n', 'a%20b']) {
      expect(decodeAccessReason(encodeAccessReason(reason))).toBe(reason)
    }
    expect(encodeAccessReason('plain ascii reason')).toBe('plain ascii reason')
    expect(encodeAccessReason('日本')).toMatch(/^[\x20-\x7e]+$/)
  })
})
