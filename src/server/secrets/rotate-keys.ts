/**
 * @module rotate-keys
 * Key rotation on the stored bundle. A new JWT signing key takes over signing; the previous one
 * stays in the JWKS, verifying, until every token it signed has expired, and is dropped by a
 * later rotation after that.
 */
import { randomBytes } from 'node:crypto'
import { accessTokenLifetimeSeconds } from '../crypto/access-tokens.js'
import { LimenaError } from '../platform/errors.js'
import {
  generateJwtSigningKey,
  readStoredSecrets,
  saveInstallSecrets,
  secretEnvironmentNames,
  type InstallSecrets,
  type JwtSigningKey,
  type SecretsLocation,
} from './install-secrets.js'

/** How long a retired key keeps verifying: the access-token lifetime plus clock skew. */
export const retiredKeyGraceMillis = (accessTokenLifetimeSeconds + 5 * 60) * 1000

export function withNewSigningKey(secrets: InstallSecrets, newKey: JwtSigningKey, now: Date): InstallSecrets {
  const kept = secrets.jwtSigningKeys.filter((key) => !key.retiredAt || now.getTime() - Date.parse(key.retiredAt) < retiredKeyGraceMillis)
  const retired = kept.map((key) => (key.retiredAt ? key : { ...key, retiredAt: now.toISOString() }))
  return { ...secrets, jwtSigningKeys: [...retired, newKey] }
}

export async function rotateJwtSigningKey(
  location: SecretsLocation,
  env: NodeJS.ProcessEnv,
  now: Date = new Date(),
): Promise<{ newKey: JwtSigningKey; verifyingKeys: number }> {
  if (env[secretEnvironmentNames.jwtPrivateKey]) {
    throw new LimenaError('config_invalid', `the signing key comes from ${secretEnvironmentNames.jwtPrivateKey}; rotate it there`)
  }
  const stored = await readStoredSecrets(location)
  if (!stored) throw new LimenaError('secrets_invalid', 'this install has no secrets yet: run limena serve or limena migrate first')
  const newKey = await generateJwtSigningKey(now)
  const rotated = withNewSigningKey(stored, newKey, now)
  await saveInstallSecrets(location, rotated)
  return { newKey, verifyingKeys: rotated.jwtSigningKeys.length }
}

export async function rotateEncryptionKey(
  location: SecretsLocation,
  env: NodeJS.ProcessEnv,
  now: Date = new Date(),
): Promise<{ version: number; secrets: InstallSecrets }> {
  if (env[secretEnvironmentNames.encryptionKey]) {
    throw new LimenaError('config_invalid', `the encryption key comes from ${secretEnvironmentNames.encryptionKey}; rotate it there`)
  }
  const stored = await readStoredSecrets(location)
  if (!stored) throw new LimenaError('secrets_invalid', 'this install has no secrets yet: run limena serve or limena migrate first')
  const version = Math.max(...stored.encryptionKeys.map((key) => key.version)) + 1
  const rotated: InstallSecrets = {
    ...stored,
    encryptionKeys: [...stored.encryptionKeys, { version, key: randomBytes(32).toString('base64url'), createdAt: now.toISOString() }],
  }
  await saveInstallSecrets(location, rotated)
  return { version, secrets: rotated }
}
