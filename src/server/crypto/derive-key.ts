/**
 * @module derive-key
 * HKDF-SHA-256 subkeys of the master key, one per purpose (and per tenant for integration
 * secrets), so no key is ever used for two jobs.
 */
import { hkdfSync } from 'node:crypto'

export function deriveKey(masterKey: Buffer, options: { salt: string; info: string; length?: number }): Buffer {
  return Buffer.from(
    hkdfSync('sha256', masterKey, Buffer.from(options.salt, 'utf8'), Buffer.from(options.info, 'utf8'), options.length ?? 32),
  )
}

export function masterKeyBytes(base64url: string): Buffer {
  return Buffer.from(base64url, 'base64url')
}
