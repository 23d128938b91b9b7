/**
 * @module env-file
 * `--env-file FILE`: settings and secrets from a dotenv file, which must be readable by its owner
 * only (chmod 600), as the seed's key-management advice asks. Real environment variables win.
 */
import { readFile } from 'node:fs/promises'
import { parseEnv } from 'node:util'
import { LimenaError } from '../platform/errors.js'
import { assertOwnerOnlyFile } from '../secrets/file-vault.js'

export async function loadEnvFile(path: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    await assertOwnerOnlyFile(path)
  } catch (error) {
    if (error instanceof LimenaError) throw new LimenaError('secrets_unsafe', error.message.replace('secrets file', 'env file'))
    throw new LimenaError(
      'config_invalid',
      `cannot read env file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    )
  }
  const values = parseEnv(await readFile(path, 'utf8'))
  for (const [name, value] of Object.entries(values)) {
    if (env[name] === undefined) env[name] = value
  }
}
