/**
 * The keychain vault against a real Secret Service (gnome-keyring under dbus-run-session, as
 * scripts/test-all.sh runs the suites). Without a session bus it reports itself skipped, unless
 * LIMENA_REQUIRE_KEYCHAIN=1 (set by the full test run), where it must run.
 */
import { randomUUID } from 'node:crypto'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createKeychainVault, probeKeychain } from '../../../src/server/platform/keychain-vault.js'
import { installFileName, resolveInstallSecrets } from '../../../src/server/secrets/install-secrets.js'

const sessionBus = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS)
const required = process.env.LIMENA_REQUIRE_KEYCHAIN === '1'
if (!sessionBus && !required) {
  console.warn('keychain-vault tests skipped: no D-Bus session bus (run them through `npm run test:all`, which starts gnome-keyring)')
}

describe.skipIf(!sessionBus && !required)('keychain vault (real Secret Service)', () => {
  const service = `limena-test-${randomUUID()}`

  it('passes the probe: write, read back, delete', async () => {
    await expect(probeKeychain(createKeychainVault(service))).resolves.toBeUndefined()
  })

  it('stores, reads and deletes an entry', async () => {
    const vault = createKeychainVault(service)
    const value = `refresh-${randomUUID()}`
    await vault.set('connection:embedded', value)
    expect(await vault.get('connection:embedded')).toBe(value)
    expect(await vault.delete('connection:embedded')).toBe(true)
    expect(await vault.get('connection:embedded')).toBeNull()
  })

  it('keeps the install secrets in the keychain and nothing secret in the data directory', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'limena-keychain-'))
    const factories = {
      keychain: () => createKeychainVault(service),
      file: () => {
        throw new Error('the file vault must not be used')
      },
    }
    const first = await resolveInstallSecrets({ dataDir, store: 'auto', env: {}, factories })
    expect(first.location.vault.kind).toBe('keychain')
    const installRecord = await readFile(join(dataDir, installFileName), 'utf8')
    expect(installRecord).not.toContain(first.secrets.databasePasswords.app)
    expect(JSON.parse(installRecord).secretsStore).toBe('keychain')
    const again = await resolveInstallSecrets({ dataDir, store: 'auto', env: {}, factories })
    expect(again.secrets).toEqual(first.secrets)
    await first.location.vault.delete(first.location.account)
  })
})
