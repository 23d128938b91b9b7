/**
 * @module secret-box
 * Integration secrets at rest: AES-256-GCM under a per-tenant key, HKDF-SHA-256(master key,
 * salt = tenant id, info = purpose), with the tenant id and purpose as additional authenticated
 * data, so a ciphertext copied into another tenant's row does not decrypt. The stored value is
 * `format(1) | key version (4, big-endian) | iv (12) | tag (16) | ciphertext`.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { deriveKey } from './derive-key.js'

const formatByte = 1
const headerLength = 1 + 4 + 12 + 16

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'SecretBoxError'
  }
}

export interface SecretBoxContext {
  tenantId: string
  purpose: string
}

function tenantKey(masterKey: Buffer, context: SecretBoxContext): Buffer {
  return deriveKey(masterKey, { salt: context.tenantId, info: `limena ${context.purpose} v1` })
}

const additionalData = (context: SecretBoxContext): Buffer => Buffer.from(`${context.tenantId}|${context.purpose}`, 'utf8')

export function sealSecret(plaintext: string, masterKey: { version: number; key: Buffer }, context: SecretBoxContext): Buffer {
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', tenantKey(masterKey.key, context), iv)
  cipher.setAAD(additionalData(context))
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  const header = Buffer.alloc(5)
  header.writeUInt8(formatByte, 0)
  header.writeUInt32BE(masterKey.version, 1)
  return Buffer.concat([header, iv, cipher.getAuthTag(), ciphertext])
}

export function sealedKeyVersion(sealed: Buffer): number {
  if (sealed.length < headerLength || sealed.readUInt8(0) !== formatByte) throw new SecretBoxError('not a sealed secret')
  return sealed.readUInt32BE(1)
}

export function openSecret(sealed: Buffer, masterKey: Buffer, context: SecretBoxContext): string {
  sealedKeyVersion(sealed)
  const iv = sealed.subarray(5, 17)
  const tag = sealed.subarray(17, 33)
  const decipher = createDecipheriv('aes-256-gcm', tenantKey(masterKey, context), iv)
  decipher.setAAD(additionalData(context))
  decipher.setAuthTag(tag)
  try {
    return Buffer.concat([decipher.update(sealed.subarray(headerLength)), decipher.final()]).toString('utf8')
  } catch {
    throw new SecretBoxError('the secret does not decrypt: wrong key, wrong tenant or tampered')
  }
}
