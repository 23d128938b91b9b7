import { chmod, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { LimenaError } from '../../../src/server/platform/errors.js'
import { createFileVault } from '../../../src/server/secrets/file-vault.js'

let directory: string

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'limena-vault-'))
})

describe('file vault', () => {
  it('creates its file with mode 0600 and round-trips entries', async () => {
    const path = join(directory, 'secrets.json')
    const vault = createFileVault(path)
    expect(await vault.get('missing')).toBeNull()
    await vault.set('a', 'first')
    await vault.set('b', 'second')
    expect(await vault.get('a')).toBe('first')
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect(await vault.delete('a')).toBe(true)
    expect(await vault.delete('a')).toBe(false)
    expect(await vault.get('b')).toBe('second')
  })

  it('keeps every entry when sets race each other', async () => {
    const vault = createFileVault(join(directory, 'secrets.json'))
    await Promise.all(Array.from({ length: 20 }, (_, index) => vault.set(`k${index}`, `v${index}`)))
    for (let index = 0; index < 20; index += 1) expect(await vault.get(`k${index}`)).toBe(`v${index}`)
    expect((await readdir(directory)).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it.each([0o644, 0o640, 0o604, 0o660])('refuses a file of mode %s with a message that says how to fix it', async (mode) => {
    const path = join(directory, 'secrets.json')
    await writeFile(path, '{"a":"b"}')
    await chmod(path, mode)
    const vault = createFileVault(path)
    const attempt = vault.get('a')
    await expect(attempt).rejects.toBeInstanceOf(LimenaError)
    await expect(attempt).rejects.toThrow(
      `refusing to use secrets file ${path}: its mode 0${mode.toString(8)} lets group or others read it; run: chmod 600 ${path}`,
    )
    await expect(vault.set('c', 'd')).rejects.toThrow(/refusing to use secrets file/)
    expect(await readFile(path, 'utf8')).toBe('{"a":"b"}')
  })

  it('reports a damaged file instead of overwriting it', async () => {
    const path = join(directory, 'secrets.json')
    await writeFile(path, 'not json', { mode: 0o600 })
    await expect(createFileVault(path).set('a', 'b')).rejects.toThrow(/is unreadable/)
    expect(await readFile(path, 'utf8')).toBe('not json')
  })
})
