/**
 * @module encryption-keyring
 * The master encryption keys by version. A running server re-reads the install's secrets before
 * sealing (so it seals with the newest key soon after `rotate-keys --encryption`) and when it
 * meets a version it does not know, so rotation needs no restart.
 */
import type { EncryptionKey } from '../secrets/install-secrets.js'
import { masterKeyBytes } from './derive-key.js'

export interface EncryptionKeyring {
  current(): Promise<{ version: number; key: Buffer }>
  byVersion(version: number): Promise<Buffer>
  /** The versions held now (after re-reading the secrets) with their creation dates, never the keys. */
  versions(): Promise<Array<{ version: number; createdAt: string | null }>>
}

export function createEncryptionKeyring(
  initial: EncryptionKey[],
  reload?: () => Promise<EncryptionKey[]>,
  minimumReloadIntervalMillis = 1000,
): EncryptionKeyring {
  let keys = initial
  let loadedAt = Date.now()
  const refresh = async (force: boolean): Promise<void> => {
    if (!reload || (!force && Date.now() - loadedAt < minimumReloadIntervalMillis)) return
    keys = await reload()
    loadedAt = Date.now()
  }
  const newest = () => {
    const key = keys.reduce((best, candidate) => (candidate.version > best.version ? candidate : best))
    return { version: key.version, key: masterKeyBytes(key.key) }
  }
  return {
    async current() {
      await refresh(false)
      return newest()
    },
    async byVersion(version) {
      let found = keys.find((key) => key.version === version)
      if (!found) {
        await refresh(true)
        found = keys.find((key) => key.version === version)
      }
      if (!found) throw new Error(`no encryption key of version ${version}`)
      return masterKeyBytes(found.key)
    },
    async versions() {
      await refresh(false)
      return keys.map((key) => ({ version: key.version, createdAt: key.createdAt }))
    },
  }
}
