/**
 * @module rotate-keys-command
 * `limena rotate-keys --jwt | --encryption`. JWT: a new signing key; running servers sign with it
 * after a restart, and tokens of the previous key stay valid until they expire. Encryption: a new
 * master key version, then every integration and single sign-on secret re-encrypted under it while
 * servers run.
 */
import type { LimenaConfig } from '../config.js'
import { ensureDataDir } from '../data-dir.js'
import { LimenaError } from '../platform/errors.js'
import { locateSecrets } from '../secrets/install-secrets.js'
import { retiredKeyGraceMillis, rotateEncryptionKey, rotateJwtSigningKey } from '../secrets/rotate-keys.js'
import { prepareDatabase } from '../backend.js'
import { reencryptIntegrationSecrets } from '../integrations/reencrypt-secrets.js'
import { reencryptSsoSecrets } from '../sso/reencrypt-sso-secrets.js'
import type { Logger } from '../platform/log.js'

export async function rotateKeysCommand(
  config: LimenaConfig,
  log: Logger,
  print: (line: string) => void,
  options: { jwt: boolean; encryption: boolean },
): Promise<void> {
  if (!options.jwt && !options.encryption) throw new LimenaError('input_invalid', 'say which key to rotate: --jwt, --encryption, or both')
  await ensureDataDir(config.dataDir)
  const location = await locateSecrets(config.dataDir, config.secretsStore)
  if (options.jwt) {
    const { newKey, verifyingKeys } = await rotateJwtSigningKey(location, process.env)
    const until = new Date(Date.now() + retiredKeyGraceMillis).toISOString()
    print(
      `limena: new JWT signing key ${newKey.kid}; ${verifyingKeys - 1} older key(s) keep verifying until ${until} at the latest; restart running servers to sign with the new key`,
    )
  }
  if (options.encryption) {
    const { version, secrets } = await rotateEncryptionKey(location, process.env)
    print(`limena: new encryption key version ${version}; running servers seal with it from now on`)
    const prepared = await prepareDatabase(config, log)
    try {
      const result = await reencryptIntegrationSecrets(prepared.pools, secrets.encryptionKeys, version)
      print(`limena: re-encrypted ${result.reencrypted} integration secret(s) in ${result.tenants} tenant(s) under key version ${version}`)
      const sso = await reencryptSsoSecrets(prepared.pools, secrets.encryptionKeys, version)
      print(
        `limena: re-encrypted the single sign-on secret(s) of ${sso.tenants} tenant(s)${sso.platform ? " and the platform's" : ''} under key version ${version}`,
      )
    } finally {
      await prepared.close()
    }
  }
}
