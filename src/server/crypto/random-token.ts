/**
 * @module random-token
 * Unguessable tokens from the CSPRNG, and the SHA-256 digests under which they are stored.
 * High-entropy tokens need no slow hash: SHA-256 keeps lookup O(1) by an index.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}

export function sha256(value: string | Buffer): Buffer {
  return createHash('sha256').update(value).digest()
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}
