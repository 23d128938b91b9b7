/**
 * @module credential-store
 * Where a connection's refresh token (and its CSRF token) is kept: in the OS keychain, through
 * the same CredentialVault as the backend's secrets. The vault is probed at start (write, read,
 * delete); when no keychain answers, sessions live in memory only and the app says so. There is
 * never a plaintext fallback on disk.
 */
import type { CredentialVault } from '../server/platform/credential-vault.js'
import { probeKeychain } from '../server/platform/keychain-vault.js'
import { oneLineMessage } from '../server/platform/errors.js'

export interface StoredSession {
  refreshToken: string
  csrfToken: string
}

export interface SessionStore {
  load(): Promise<StoredSession | null>
  save(session: StoredSession): Promise<void>
  clear(): Promise<void>
}

export interface CredentialStore {
  mode: 'keychain' | 'session-only'
  /** Why sessions are memory-only, in words for the person at the screen. */
  message: string | null
  sessionFor(connectionId: string): SessionStore
}

export function memoryVault(): CredentialVault {
  const entries = new Map<string, string>()
  return {
    kind: 'keychain',
    location: 'memory (this session only)',
    get: async (account) => entries.get(account) ?? null,
    set: async (account, value) => void entries.set(account, value),
    delete: async (account) => entries.delete(account),
  }
}

function sessionStore(vault: CredentialVault, account: string): SessionStore {
  return {
    async load() {
      const value = await vault.get(account)
      if (!value) return null
      try {
        const parsed = JSON.parse(value) as Partial<StoredSession>
        return typeof parsed.refreshToken === 'string' && typeof parsed.csrfToken === 'string'
          ? { refreshToken: parsed.refreshToken, csrfToken: parsed.csrfToken }
          : null
      } catch {
        return null
      }
    },
    save: (session) => vault.set(account, JSON.stringify(session)),
    clear: async () => {
      await vault.delete(account)
    },
  }
}

export async function openCredentialStore(keychain: CredentialVault): Promise<CredentialStore> {
  try {
    await probeKeychain(keychain)
    return { mode: 'keychain', message: null, sessionFor: (connectionId) => sessionStore(keychain, `session:${connectionId}`) }
  } catch (error) {
    const memory = memoryVault()
    return {
      mode: 'session-only',
      message: `The OS keychain is not available (${oneLineMessage(error)}). You can sign in, but you will have to sign in again next time: nothing is saved to disk instead.`,
      sessionFor: (connectionId) => sessionStore(memory, `session:${connectionId}`),
    }
  }
}
