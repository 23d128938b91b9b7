/**
 * @module install-secrets
 * The secrets one install needs: the master encryption key(s), the JWT signing key pair(s) and
 * the database role passwords. Each comes from its environment variable when set; otherwise
 * from the install's vault (the OS keychain, or a 0600 file in the data directory), where they
 * are generated on first run. They are never printed or logged.
 */
import { generateKeyPairSync, randomBytes, randomUUID, createPrivateKey, createPublicKey } from 'node:crypto'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { calculateJwkThumbprint, type JWK } from 'jose'
import { z } from 'zod'
import type { SecretsStore } from '../config.js'
import { LimenaError, oneLineMessage } from '../platform/errors.js'
import type { CredentialVault } from '../platform/credential-vault.js'
import { createFileVault } from './file-vault.js'
import { createKeychainVault, probeKeychain } from '../platform/keychain-vault.js'

const isoDate = z.iso.datetime({ offset: true })

const encryptionKeySchema = z.object({
  version: z.number().int().positive(),
  /** 32 random bytes, base64url. */
  key: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be 32 bytes in base64url'),
  createdAt: isoDate.nullable(),
})

const jwtSigningKeySchema = z.object({
  kid: z.string().min(1),
  privateKeyPem: z.string().includes('PRIVATE KEY'),
  createdAt: isoDate.nullable(),
  /** When a newer key took over signing; the key still verifies until its last tokens expire. */
  retiredAt: isoDate.nullable().optional(),
})

const databasePasswordsSchema = z.object({
  app: z.string().min(16),
  readonly: z.string().min(16),
  maintenance: z.string().min(16),
  /** The superuser of the embedded cluster; unused with DATABASE_URL. */
  embeddedSuperuser: z.string().min(16),
})

export const installSecretsSchema = z.object({
  formatVersion: z.literal(1),
  encryptionKeys: z.array(encryptionKeySchema).min(1),
  jwtSigningKeys: z.array(jwtSigningKeySchema).min(1),
  databasePasswords: databasePasswordsSchema,
})

export type InstallSecrets = z.infer<typeof installSecretsSchema>
export type EncryptionKey = z.infer<typeof encryptionKeySchema>
export type JwtSigningKey = z.infer<typeof jwtSigningKeySchema>
export type DatabasePasswords = z.infer<typeof databasePasswordsSchema>

/** Environment variables that override what the vault holds. */
export const secretEnvironmentNames = {
  encryptionKey: 'LIMENA_ENCRYPTION_KEY',
  jwtPrivateKey: 'LIMENA_JWT_PRIVATE_KEY',
  appPassword: 'LIMENA_DB_APP_PASSWORD',
  readonlyPassword: 'LIMENA_DB_READONLY_PASSWORD',
  maintenancePassword: 'LIMENA_DB_MAINTENANCE_PASSWORD',
} as const

export const installFileName = 'install.json'
export const secretsFileName = 'secrets.json'

const installRecordSchema = z.object({
  installId: z.uuid(),
  secretsStore: z.enum(['keychain', 'file']),
  createdAt: isoDate,
})
type InstallRecord = z.infer<typeof installRecordSchema>

function randomSecret(): string {
  return randomBytes(32).toString('base64url')
}

export async function signingKeyId(privateKeyPem: string): Promise<string> {
  const publicJwk = createPublicKey(createPrivateKey(privateKeyPem)).export({ format: 'jwk' }) as JWK
  return calculateJwkThumbprint(publicJwk, 'sha256')
}

export async function generateJwtSigningKey(now: Date = new Date()): Promise<JwtSigningKey> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 3072 })
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  return { kid: await signingKeyId(privateKeyPem), privateKeyPem, createdAt: now.toISOString() }
}

export async function generateInstallSecrets(now: Date = new Date()): Promise<InstallSecrets> {
  return {
    formatVersion: 1,
    encryptionKeys: [{ version: 1, key: randomSecret(), createdAt: now.toISOString() }],
    jwtSigningKeys: [await generateJwtSigningKey(now)],
    databasePasswords: {
      app: randomSecret(),
      readonly: randomSecret(),
      maintenance: randomSecret(),
      embeddedSuperuser: randomSecret(),
    },
  }
}

/** Values from the environment win over stored ones; a key given there has no known age. */
export async function applySecretOverrides(secrets: InstallSecrets, env: NodeJS.ProcessEnv): Promise<InstallSecrets> {
  const result = structuredClone(secrets)
  const encryptionKey = env[secretEnvironmentNames.encryptionKey]
  if (encryptionKey) {
    const parsed = encryptionKeySchema.shape.key.safeParse(encryptionKey)
    if (!parsed.success) {
      throw new LimenaError(
        'secrets_invalid',
        `${secretEnvironmentNames.encryptionKey} must be 32 random bytes in base64url (43 characters)`,
      )
    }
    result.encryptionKeys = [{ version: 1, key: encryptionKey, createdAt: null }]
  }
  const jwtPrivateKey = env[secretEnvironmentNames.jwtPrivateKey]
  if (jwtPrivateKey) {
    let kid: string
    try {
      const key = createPrivateKey(jwtPrivateKey)
      if (key.asymmetricKeyType !== 'rsa' || (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
        throw new Error('an RSA key of at least 2048 bits is required')
      }
      kid = await signingKeyId(jwtPrivateKey)
    } catch (error) {
      throw new LimenaError(
        'secrets_invalid',
        `${secretEnvironmentNames.jwtPrivateKey} is not a usable RS256 private key: ${oneLineMessage(error)}`,
      )
    }
    result.jwtSigningKeys = [{ kid, privateKeyPem: jwtPrivateKey, createdAt: null }]
  }
  const passwordOverrides: Array<[keyof DatabasePasswords, string | undefined]> = [
    ['app', env[secretEnvironmentNames.appPassword]],
    ['readonly', env[secretEnvironmentNames.readonlyPassword]],
    ['maintenance', env[secretEnvironmentNames.maintenancePassword]],
  ]
  for (const [role, value] of passwordOverrides) {
    if (!value) continue
    if (value.length < 16) throw new LimenaError('secrets_invalid', `the password for limena_${role} must be at least 16 characters`)
    result.databasePasswords[role] = value
  }
  return result
}

export async function readInstallRecord(dataDir: string): Promise<InstallRecord | null> {
  const path = join(dataDir, installFileName)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
  const parsed = installRecordSchema.safeParse(JSON.parse(text))
  if (!parsed.success) throw new LimenaError('secrets_invalid', `${path} is damaged; restore it from a backup`)
  return parsed.data
}

export interface SecretsLocation {
  installId: string
  vault: CredentialVault
  account: string
}

export interface VaultFactories {
  keychain: () => CredentialVault
  file: (path: string) => CredentialVault
}

const defaultVaultFactories: VaultFactories = { keychain: () => createKeychainVault(), file: createFileVault }

/**
 * Finds (or, on first run, chooses and records) where this install keeps its secrets. The choice
 * is written to install.json so a later start without a keychain fails loudly instead of
 * quietly generating new secrets in a file.
 */
export async function locateSecrets(
  dataDir: string,
  requestedStore: SecretsStore,
  factories: VaultFactories = defaultVaultFactories,
): Promise<SecretsLocation> {
  let record = await readInstallRecord(dataDir)
  if (record && requestedStore !== 'auto' && requestedStore !== record.secretsStore) {
    throw new LimenaError(
      'config_invalid',
      `this install keeps its secrets in the ${record.secretsStore === 'keychain' ? 'OS keychain' : 'secrets file'}, but LIMENA_SECRETS_STORE=${requestedStore}`,
    )
  }
  if (!record) {
    let store: 'keychain' | 'file'
    if (requestedStore === 'file') store = 'file'
    else {
      try {
        await probeKeychain(factories.keychain())
        store = 'keychain'
      } catch (error) {
        if (requestedStore === 'keychain') throw error
        store = 'file'
      }
    }
    record = { installId: randomUUID(), secretsStore: store, createdAt: new Date().toISOString() }
    await writeFile(join(dataDir, installFileName), JSON.stringify(record, null, 2) + '\n', { mode: 0o600, flag: 'wx' })
  }
  const vault = record.secretsStore === 'keychain' ? factories.keychain() : factories.file(join(dataDir, secretsFileName))
  return { installId: record.installId, vault, account: `install-secrets:${record.installId}` }
}

export interface ResolvedSecrets {
  secrets: InstallSecrets
  location: SecretsLocation
  generated: boolean
}

export async function resolveInstallSecrets(options: {
  dataDir: string
  store: SecretsStore
  env?: NodeJS.ProcessEnv
  factories?: VaultFactories
}): Promise<ResolvedSecrets> {
  const location = await locateSecrets(options.dataDir, options.store, options.factories)
  const stored = await location.vault.get(location.account)
  let secrets: InstallSecrets
  let generated = false
  if (stored === null) {
    secrets = await generateInstallSecrets()
    await location.vault.set(location.account, JSON.stringify(secrets))
    generated = true
  } else {
    let parsed: ReturnType<typeof installSecretsSchema.safeParse>
    try {
      parsed = installSecretsSchema.safeParse(JSON.parse(stored))
    } catch {
      parsed = { success: false } as ReturnType<typeof installSecretsSchema.safeParse>
    }
    if (!parsed.success) {
      throw new LimenaError('secrets_invalid', `the install secrets in ${location.vault.location} are damaged`)
    }
    secrets = parsed.data
  }
  return { secrets: await applySecretOverrides(secrets, options.env ?? process.env), location, generated }
}

/** The stored bundle as it is, without environment overrides: what key rotation changes. */
export async function readStoredSecrets(location: SecretsLocation): Promise<InstallSecrets | null> {
  const stored = await location.vault.get(location.account)
  if (stored === null) return null
  const parsed = installSecretsSchema.safeParse(JSON.parse(stored))
  if (!parsed.success) throw new LimenaError('secrets_invalid', `the install secrets in ${location.vault.location} are damaged`)
  return parsed.data
}

/** Stores a changed bundle (key rotation); the environment overrides are not written back. */
export async function saveInstallSecrets(location: SecretsLocation, secrets: InstallSecrets): Promise<void> {
  await location.vault.set(location.account, JSON.stringify(installSecretsSchema.parse(secrets)))
}
