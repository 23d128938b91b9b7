/**
 * @module api-key-format
 * API keys: `lmn_` + 32 CSPRNG bytes in base64url. Only their SHA-256 is stored; the first
 * characters are kept as a prefix so a person can tell keys apart.
 */
import { randomToken, sha256 } from '../crypto/random-token.js'

export const apiKeyPrefix = 'lmn_'
const apiKeyPattern = /^lmn_[A-Za-z0-9_-]{43}$/

export interface NewApiKey {
  key: string
  prefix: string
  hash: Buffer
}

export function generateApiKey(): NewApiKey {
  const key = apiKeyPrefix + randomToken(32)
  return { key, prefix: key.slice(0, apiKeyPrefix.length + 6), hash: sha256(key) }
}

export function looksLikeApiKey(value: string): boolean {
  return value.startsWith(apiKeyPrefix)
}

export function isWellFormedApiKey(value: string): boolean {
  return apiKeyPattern.test(value)
}
