/**
 * @module data-dir
 * Where an install keeps its state: the embedded PostgreSQL cluster, the secrets file (when the
 * keychain is not used) and install.json. Root gets a system location, because the embedded
 * PostgreSQL then runs as the unprivileged `postgres` user, which cannot enter /root.
 */
import { constants } from 'node:fs'
import { access, mkdir, stat } from 'node:fs/promises'
import { homedir, platform } from 'node:os'
import { join } from 'node:path'
import { LimenaError } from './platform/errors.js'

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (process.getuid?.() === 0) return '/var/lib/limena'
  switch (platform()) {
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'Limena')
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Limena')
    default:
      return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'limena')
  }
}

/** Creates the directory when missing (mode 0700) and proves it can be written. */
export async function ensureDataDir(dataDir: string): Promise<void> {
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 })
    const info = await stat(dataDir)
    if (!info.isDirectory()) throw new Error('it is not a directory')
    await access(dataDir, constants.W_OK | constants.X_OK)
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message
    throw new LimenaError(
      'data_dir_unusable',
      `cannot use data directory ${dataDir} (${reason}); set LIMENA_DATA_DIR to a writable directory`,
      { cause: error },
    )
  }
}
