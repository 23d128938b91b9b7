/**
 * JWT signing-key rotation: the new key signs, the old one keeps verifying the tokens it signed
 * until they have expired, and is dropped by a rotation after that; through the CLI too.
 */
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { createAccessTokens } from '../../../src/server/crypto/access-tokens.js'
import { generateInstallSecrets, generateJwtSigningKey, type InstallSecrets } from '../../../src/server/secrets/install-secrets.js'
import { retiredKeyGraceMillis, withNewSigningKey } from '../../../src/server/secrets/rotate-keys.js'
import { ensureCliBuilt, runLimena } from '../../support/cli.js'

let secrets: InstallSecrets

beforeAll(async () => {
  ensureCliBuilt()
  secrets = await generateInstallSecrets(new Date('2026-01-01T00:00:00Z'))
})

describe('JWT key rotation', () => {
  it('signs with the new key and still verifies tokens of the old one', async () => {
    const before = createAccessTokens(secrets.jwtSigningKeys)
    const oldToken = (await before.issue({ userId: crypto.randomUUID(), sessionId: crypto.randomUUID() })).accessToken
    const now = new Date()
    const rotated = withNewSigningKey(secrets, await generateJwtSigningKey(now), now)
    expect(rotated.jwtSigningKeys).toHaveLength(2)
    expect(rotated.jwtSigningKeys[0]!.retiredAt).toBe(now.toISOString())
    const after = createAccessTokens(rotated.jwtSigningKeys)
    await expect(after.verify(oldToken)).resolves.toBeDefined()
    const newToken = (await after.issue({ userId: crypto.randomUUID(), sessionId: crypto.randomUUID() })).accessToken
    expect(JSON.parse(Buffer.from(newToken.split('.')[0]!, 'base64url').toString()).kid).toBe(rotated.jwtSigningKeys[1]!.kid)
    expect(after.jwks().keys.map((key) => key.kid)).toEqual(rotated.jwtSigningKeys.map((key) => key.kid))
  })

  it('drops a retired key once its tokens can no longer be valid', async () => {
    const first = new Date('2026-03-01T00:00:00Z')
    const once = withNewSigningKey(secrets, await generateJwtSigningKey(first), first)
    const soon = new Date(first.getTime() + retiredKeyGraceMillis - 1000)
    expect(withNewSigningKey(once, await generateJwtSigningKey(soon), soon).jwtSigningKeys).toHaveLength(3)
    const later = new Date(first.getTime() + retiredKeyGraceMillis + 1000)
    const twice = withNewSigningKey(once, await generateJwtSigningKey(later), later)
    expect(twice.jwtSigningKeys.map((key) => key.kid)).toEqual([once.jwtSigningKeys[1]!.kid, twice.jwtSigningKeys[1]!.kid])
  })

  it('limena rotate-keys --jwt adds a key to the stored secrets, and refuses a key from the environment', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'limena-rotate-'))
    const env = { LIMENA_SECRETS_STORE: 'file', LIMENA_LOG_LEVEL: 'warn' }
    expect((await runLimena(['migrate', '--data-dir', dataDir], { env })).code).toBe(0)
    const stored = async () =>
      JSON.parse(
        Object.values(JSON.parse(await readFile(join(dataDir, 'secrets.json'), 'utf8')) as Record<string, string>)[0]!,
      ) as InstallSecrets
    const oldKid = (await stored()).jwtSigningKeys[0]!.kid
    const rotated = await runLimena(['rotate-keys', '--jwt', '--data-dir', dataDir], { env })
    expect(rotated.code, rotated.stderr).toBe(0)
    const keys = (await stored()).jwtSigningKeys
    expect(keys.map((key) => key.kid)[0]).toBe(oldKid)
    expect(keys).toHaveLength(2)
    expect(rotated.stdout).toContain(`new JWT signing key ${keys[1]!.kid}`)
    const refused = await runLimena(['rotate-keys', '--jwt', '--data-dir', dataDir], {
      env: { ...env, LIMENA_JWT_PRIVATE_KEY: keys[1]!.privateKeyPem },
    })
    expect(refused.code).toBe(1)
    expect(refused.stderr.trim()).toBe('limena: the signing key comes from LIMENA_JWT_PRIVATE_KEY; rotate it there')
    const nothing = await runLimena(['rotate-keys', '--data-dir', dataDir], { env })
    expect(nothing.stderr.trim()).toBe('limena: say which key to rotate: --jwt, --encryption, or both')
  })
})
