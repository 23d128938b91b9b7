/**
 * @module pagination-cursor
 * Opaque keyset cursors: the position (`at` with microseconds, `id`) as base64url JSON, with an
 * HMAC so a client cannot hand-craft one. A cursor that does not verify is a 400.
 */
import { createHmac } from 'node:crypto'
import { constantTimeEqual } from '../crypto/random-token.js'
import { problems } from '../http/http-problem.js'

export interface CursorPosition {
  /** The sort key, as PostgreSQL printed it (full precision). */
  key: string
  id: string
}

function mac(key: Buffer, payload: string, scope: string): string {
  return createHmac('sha256', key).update(`${scope}.${payload}`).digest('base64url').slice(0, 22)
}

export function encodeCursor(key: Buffer, scope: string, position: CursorPosition): string {
  const payload = Buffer.from(JSON.stringify([position.key, position.id])).toString('base64url')
  return `${payload}.${mac(key, payload, scope)}`
}

export function decodeCursor(key: Buffer, scope: string, cursor: string): CursorPosition {
  const [payload, signature, extra] = cursor.split('.')
  if (!payload || !signature || extra !== undefined || !constantTimeEqual(signature, mac(key, payload, scope))) {
    throw problems.badRequest('the cursor is not valid: start again from the first page', [{ path: 'cursor', message: 'invalid cursor' }])
  }
  const [sortKey, id] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as [string, string]
  return { key: sortKey, id }
}
