import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto'
import { mkdtemp, readFile, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import type { CredentialVault } from '../../../src/server/platform/credential-vault.js'
import { createFileVault } from '../../../src/server/secrets/file-vault.js'
import {
  installFileName,
  resolveInstallSecrets,
  secretsFileName,
  type VaultFactories,
} from '../../../src/server/secrets/install-secrets.js'

let dataDir: string

/** A keychain that is not there: what a headless server without D-Bus has. */
const absentKeychain = (): CredentialVault => ({
  kind: 'keychain',
  location: 'absent keychain',
  get: () => Promise.reject(new Error('no Secret Service')),
  set: () => Promise.reject(new Error('no Secret Service')),
  delete: () => Promise.reject(new Error('no Secret Service')),
})
const withoutKeychain: VaultFactories = { keychain: absentKeychain, file: createFileVault }

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'limena-secrets-'))
})

describe('install secrets', () => {
  it('are generated on first run into a 0600 file when no keychain answers, and reused after', async () => {
    const first = await resolveInstallSecrets({ dataDir, store: 'auto', env: {}, factories: withoutKeychain })
    expect(first.generated).toBe(true)
    expect(first.location.vault.kind).toBe('file')
    expect((await stat(join(dataDir, secretsFileName))).mode & 0o777).toBe(0o600)
    expect(JSON.parse(await readFile(join(dataDir, installFileName), 'utf8')).secretsStore).toBe('file')
    const second = await resolveInstallSecrets({ dataDir, store: 'auto', env: {}, factories: withoutKeychain })
    expect(second.generated).toBe(false)
    expect(second.secrets).toEqual(first.secrets)
    expect(first.secrets.encryptionKeys[0]!.key).toMatch(/^[A-Za-z0-9_-]{43}$/)
    const signingKey = createPrivateKey(first.secrets.jwtSigningKeys[0]!.privateKeyPem)
    expect(signingKey.asymmetricKeyType).toBe('rsa')
    expect(signingKey.asymmetricKeyDetails?.modulusLength).toBe(3072)
    expect(new Set(Object.values(first.secrets.databasePasswords)).size).toBe(4)
  })

  it('take each value from its environment variable when set', async () => {
    const encryptionKey = randomBytes(32).toString('base64url')
    const jwtPrivateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    const resolved = await resolveInstallSecrets({
      dataDir,
      store: 'file',
      env: {
        LIMENA_ENCRYPTION_KEY: encryptionKey,
        LIMENA_JWT_PRIVATE_KEY: jwtPrivateKey,
        LIMENA_DB_APP_PASSWORD: 'app-password-from-env-1234',
      },
    })
    expect(resolved.secrets.encryptionKeys).toEqual([{ version: 1, key: encryptionKey, createdAt: null }])
    expect(resolved.secrets.jwtSigningKeys[0]!.privateKeyPem).toBe(jwtPrivateKey)
    expect(resolved.secrets.databasePasswords.app).toBe('app-password-from-env-1234')
    const stored = JSON.parse(JSON.parse(await readFile(join(dataDir, secretsFileName), 'utf8'))[resolved.location.account])
    expect(stored.encryptionKeys[0].key).not.toBe(encryptionKey)
  })

  it('reject an encryption key or signing key from the environment that is not usable', async () => {
    await expect(resolveInstallSecrets({ dataDir, store: 'file', env: { LIMENA_ENCRYPTION_KEY: 'short' } })).rejects.toThrow(
      'LIMENA_ENCRYPTION_KEY must be 32 random bytes in base64url (43 characters)',
    )
    await expect(resolveInstallSecrets({ dataDir, store: 'file', env: { LIMENA_JWT_PRIVATE_KEY: 'not a key' } })).rejects.toThrow(
      /LIMENA_JWT_PRIVATE_KEY is not a usable RS256 private key/,
    )
  })

  it('fail loudly when the recorded keychain is gone, instead of generating new secrets in a file', async () => {
    const memory = new Map<string, string>()
    const presentKeychain = (): CredentialVault => ({
      kind: 'keychain',
      location: 'test keychain',
      get: async (account) => memory.get(account) ?? null,
      set: async (account, value) => void memory.set(account, value),
      delete: async (account) => memory.delete(account),
    })
    await resolveInstallSecrets({ dataDir, store: 'auto', env: {}, factories: { keychain: presentKeychain, file: createFileVault } })
    expect(JSON.parse(await readFile(join(dataDir, installFileName), 'utf8')).secretsStore).toBe('keychain')
    await expect(resolveInstallSecrets({ dataDir, store: 'auto', env: {}, factories: withoutKeychain })).rejects.toThrow(
      /no Secret Service/,
    )
    await expect(resolveInstallSecrets({ dataDir, store: 'file', env: {}, factories: withoutKeychain })).rejects.toThrow(
      'this install keeps its secrets in the OS keychain, but LIMENA_SECRETS_STORE=file',
    )
  })

  it('refuse LIMENA_SECRETS_STORE=keychain when no keychain answers', async () => {
    await expect(resolveInstallSecrets({ dataDir, store: 'keychain', env: {}, factories: withoutKeychain })).rejects.toThrow(
      /no Secret Service/,
    )
  })
})
