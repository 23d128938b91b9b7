/**
 * @module file-vault
 * Secrets in a JSON file that only its owner may read (mode 0600). A file that group or others
 * can read is refused rather than used, as the seed's key-management advice asks. Writes go to a
 * temporary file that is synced and renamed over the old one, so a crash never leaves half a file.
 */
import { randomBytes } from 'node:crypto'
import { open, rename, rm, stat } from 'node:fs/promises'
import { platform } from 'node:os'
import { dirname } from 'node:path'
import { z } from 'zod'
import { LimenaError } from '../platform/errors.js'
import type { CredentialVault } from '../platform/credential-vault.js'

const secretsFileSchema = z.record(z.string(), z.string())

/** Throws `secrets_unsafe` when the file's mode lets group or others read or write it. */
export async function assertOwnerOnlyFile(path: string): Promise<void> {
  if (platform() === 'win32') return
  const info = await stat(path)
  const looseBits = info.mode & 0o077
  if (looseBits !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(4, '0')
    throw new LimenaError(
      'secrets_unsafe',
      `refusing to use secrets file ${path}: its mode ${mode} lets group or others read it; run: chmod 600 ${path}`,
    )
  }
}

async function readEntries(path: string): Promise<Record<string, string>> {
  try {
    await assertOwnerOnlyFile(path)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw error
  }
  const handle = await open(path, 'r')
  try {
    const text = await handle.readFile('utf8')
    const parsed = secretsFileSchema.safeParse(JSON.parse(text))
    if (!parsed.success) throw new Error('not a JSON object of strings')
    return parsed.data
  } catch (error) {
    throw new LimenaError('secrets_invalid', `secrets file ${path} is unreadable: ${(error as Error).message}`, {
      cause: error,
    })
  } finally {
    await handle.close()
  }
}

async function writeEntries(path: string, entries: Record<string, string>): Promise<void> {
  const temporaryPath = `${path}.${randomBytes(6).toString('hex')}.tmp`
  const handle = await open(temporaryPath, 'wx', 0o600)
  try {
    await handle.writeFile(JSON.stringify(entries, null, 2) + '\n', 'utf8')
    await handle.sync()
  } catch (error) {
    await handle.close()
    await rm(temporaryPath, { force: true })
    throw error
  }
  await handle.close()
  await rename(temporaryPath, path)
  const directory = await open(dirname(path), 'r').catch(() => undefined)
  await directory?.sync().catch(() => undefined)
  await directory?.close()
}

export function createFileVault(path: string): CredentialVault {
  let queue: Promise<unknown> = Promise.resolve()
  // Read-modify-write cycles are serialised so two quick `set`s cannot lose each other's entry.
  const serialise = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task, task)
    queue = run.catch(() => undefined)
    return run
  }
  return {
    kind: 'file',
    location: path,
    get: (account) => serialise(async () => (await readEntries(path))[account] ?? null),
    set: (account, value) =>
      serialise(async () => {
        const entries = await readEntries(path)
        entries[account] = value
        await writeEntries(path, entries)
      }),
    delete: (account) =>
      serialise(async () => {
        const entries = await readEntries(path)
        if (!(account in entries)) return false
        delete entries[account]
        await writeEntries(path, entries)
        return true
      }),
  }
}
