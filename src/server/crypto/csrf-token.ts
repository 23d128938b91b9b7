/**
 * @module csrf-token
 * Signed double-submit tokens: `<nonce>.<HMAC-SHA-256(key, sessionId . nonce)>`. The same value
 * goes in the `csrf` cookie and, from the client, in the X-CSRF-Token header; the server checks
 * that both match and that the signature binds the token to the caller's session, so a token
 * planted from another session (cookie tossing) is useless.
 */
import { createHmac } from 'node:crypto'
import { constantTimeEqual, randomToken } from './random-token.js'

/** The cookie that carries the CSRF token; the page sends its value back in X-CSRF-Token. */
export const csrfCookieName = 'csrf'

function signature(key: Buffer, sessionId: string, nonce: string): string {
  return createHmac('sha256', key).update(`${sessionId}.${nonce}`).digest('base64url')
}

export function createCsrfToken(key: Buffer, sessionId: string): string {
  const nonce = randomToken(16)
  return `${nonce}.${signature(key, sessionId, nonce)}`
}

export function csrfTokenMatches(
  key: Buffer,
  sessionId: string,
  headerValue: string | undefined,
  cookieValue: string | undefined,
): boolean {
  if (!headerValue || !cookieValue || !constantTimeEqual(headerValue, cookieValue)) return false
  const [nonce, mac, extra] = headerValue.split('.')
  if (!nonce || !mac || extra !== undefined) return false
  return constantTimeEqual(mac, signature(key, sessionId, nonce))
}
