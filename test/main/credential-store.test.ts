/**
 * Refresh tokens in the OS keychain (a real Secret Service under the full test run), the probe at
 * start, the session-only mode when no keychain answers (nothing written anywhere), and signing
 * out deleting the stored session.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConnectionManager } from '../../src/main/connection-manager.js'
import { openCredentialStore } from '../../src/main/credential-store.js'
import type { CredentialVault } from '../../src/server/platform/credential-vault.js'
import { createKeychainVault } from '../../src/server/platform/keychain-vault.js'
import { useTestDatabase } from '../support/test-database.js'
import { createUser, useTestServer } from '../support/test-server.js'

const sessionBus = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS)
const required = process.env.LIMENA_REQUIRE_KEYCHAIN === '1'
if (!sessionBus && !required)
  console.warn('credential-store keychain tests skipped: no D-Bus session bus (run them through `npm run test:all`)')

const unreachableKeychain: CredentialVault = {
  kind: 'keychain',
  location: 'nowhere',
  get: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
  set: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
  delete: () => Promise.reject(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY')),
}

describe('credential store without a keychain', () => {
  it('falls back to session-only, says so plainly, and writes nothing to disk', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'limena-nokeychain-'))
    const store = await openCredentialStore(unreachableKeychain)
    expect(store.mode).toBe('session-only')
    expect(store.message).toMatch(
      /^The OS keychain is not available \(.*D-Bus.*\)\. You can sign in, but you will have to sign in again next time: nothing is saved to disk instead\.$/,
    )
    const session = store.sessionFor('embedded')
    await session.save({ refreshToken: 'r', csrfToken: 'c' })
    expect(await session.load()).toEqual({ refreshToken: 'r', csrfToken: 'c' })
    await session.clear()
    expect(await session.load()).toBeNull()
    expect(await readdir(directory)).toEqual([])
  })
})

describe.skipIf(!sessionBus && !required)('credential store in the real keychain', () => {
  const database = useTestDatabase()
  const server = useTestServer(database)
  const service = `limena-test-${randomUUID()}`

  it('keeps the refresh token in the keychain, not in the settings file, and deletes it on sign-out', async () => {
    await createUser(database(), { email: 'keychain@example.test', password: 'keychain password 1' })
    const keychain = createKeychainVault(service)
    const credentials = await openCredentialStore(keychain)
    expect(credentials.mode).toBe('keychain')
    const settingsPath = join(await mkdtemp(join(tmpdir(), 'limena-settings-')), 'settings.json')
    const connections = new ConnectionManager({
      settingsPath,
      credentials,
      embeddedBackend: () => ({ state: 'ready', url: server().url, message: null }),
    })
    const client = (await connections.activeClient())!
    expect((await client.signIn('keychain@example.test', 'keychain password 1')).ok).toBe(true)
    const stored = JSON.parse((await keychain.get('session:embedded'))!)
    expect(stored.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/)
    await connections.updateSettings(() => undefined)
    expect(await readFile(settingsPath, 'utf8')).not.toContain(stored.refreshToken)

    const restarted = new ConnectionManager({
      settingsPath,
      credentials: await openCredentialStore(keychain),
      embeddedBackend: () => ({ state: 'ready', url: server().url, message: null }),
    })
    expect(await restarted.status()).toMatchObject({ signedIn: true, user: { email: 'keychain@example.test' } })

    await (await restarted.activeClient())!.signOut()
    expect(await keychain.get('session:embedded')).toBeNull()
  })
})
