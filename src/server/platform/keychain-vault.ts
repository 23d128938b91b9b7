/**
 * @module keychain-vault
 * The OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on Linux) through
 * keytar. keytar is loaded lazily: a machine without libsecret or D-Bus gets a clear
 * `keychain_unavailable` error from `probe`, not a crash at import.
 */
import { randomUUID } from 'node:crypto'
import { LimenaError, oneLineMessage } from './errors.js'
import type { CredentialVault } from './credential-vault.js'

export const keychainServiceName = 'limena'

type Keytar = typeof import('keytar')

let keytarModule: Promise<Keytar> | undefined

async function loadKeytar(): Promise<Keytar> {
  keytarModule ??= import('keytar').then((loaded) => (loaded as { default?: Keytar }).default ?? loaded)
  try {
    return await keytarModule
  } catch (error) {
    keytarModule = undefined
    throw new LimenaError('keychain_unavailable', `the OS keychain cannot be loaded: ${oneLineMessage(error)}`, {
      cause: error,
    })
  }
}

function unavailable(error: unknown): LimenaError {
  if (error instanceof LimenaError) return error
  return new LimenaError('keychain_unavailable', `the OS keychain is not reachable: ${oneLineMessage(error)}`, {
    cause: error,
  })
}

export function createKeychainVault(service: string = keychainServiceName): CredentialVault {
  return {
    kind: 'keychain',
    location: `OS keychain, service "${service}"`,
    async get(account) {
      try {
        return await (await loadKeytar()).getPassword(service, account)
      } catch (error) {
        throw unavailable(error)
      }
    },
    async set(account, value) {
      try {
        await (await loadKeytar()).setPassword(service, account, value)
      } catch (error) {
        throw unavailable(error)
      }
    },
    async delete(account) {
      try {
        return await (await loadKeytar()).deletePassword(service, account)
      } catch (error) {
        throw unavailable(error)
      }
    },
  }
}

/** Writes, reads back and deletes a throwaway entry; throws `keychain_unavailable` if any step fails. */
export async function probeKeychain(vault: CredentialVault): Promise<void> {
  const account = `probe:${randomUUID()}`
  const value = randomUUID()
  await vault.set(account, value)
  try {
    const readBack = await vault.get(account)
    if (readBack !== value) {
      throw new LimenaError('keychain_unavailable', 'the OS keychain did not return what was written to it')
    }
  } finally {
    await vault.delete(account)
  }
}
