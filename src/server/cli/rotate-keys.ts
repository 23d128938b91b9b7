/**
 * @module rotate-keys-command
 * `limena rotate-keys --jwt`: a new signing key; running servers sign with it after a restart,
 * and tokens of the previous key stay valid until they expire.
 */
import type { LimenaConfig } from '../config.js'
import { ensureDataDir } from '../data-dir.js'
import { LimenaError } from '../errors.js'
import { locateSecrets } from '../secrets/install-secrets.js'
import { retiredKeyGraceMillis, rotateJwtSigningKey } from '../secrets/rotate-keys.js'

export async function rotateKeysCommand(config: LimenaConfig, print: (line: string) => void, options: { jwt: boolean }): Promise<void> {
  if (!options.jwt) throw new LimenaError('input_invalid', 'say which key to rotate: --jwt')
  await ensureDataDir(config.dataDir)
  const location = await locateSecrets(config.dataDir, config.secretsStore)
  const { newKey, verifyingKeys } = await rotateJwtSigningKey(location, process.env)
  const until = new Date(Date.now() + retiredKeyGraceMillis).toISOString()
  print(`limena: new JWT signing key ${newKey.kid}; ${verifyingKeys - 1} older key(s) keep verifying until ${until} at the latest; restart running servers to sign with the new key`)
}
