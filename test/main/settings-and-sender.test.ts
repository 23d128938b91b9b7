import { mkdtemp, readdir, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readSettings, writeSettings } from '../../src/main/settings-file.js'
import { trustedSenderCheck } from '../../src/main/trusted-sender.js'

describe('settings file', () => {
  it('round-trips, is written atomically with mode 0600, and survives damage', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'limena-settings-'))
    const path = join(directory, 'settings.json')
    expect(await readSettings(path)).toEqual({ connections: [], activeConnectionId: 'embedded', window: null })
    await writeSettings(path, {
      connections: [{ id: 'a', name: 'Prod', url: 'https://x.example' }],
      activeConnectionId: 'a',
      window: { width: 1000, height: 700, maximized: false },
    })
    expect((await readSettings(path)).connections[0]!.url).toBe('https://x.example')
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect(await readdir(directory)).toEqual(['settings.json'])
    await writeFile(path, '{ damaged')
    expect((await readSettings(path)).activeConnectionId).toBe('embedded')
  })
})

describe('trusted sender', () => {
  it('accepts only the console page in production', () => {
    const check = trustedSenderCheck({ rendererFile: '/opt/limena/resources/app/out/renderer/index.html' })
    expect(check('file:///opt/limena/resources/app/out/renderer/index.html')).toBe(true)
    expect(check('file:///opt/limena/resources/app/out/renderer/index.html#/tenants')).toBe(true)
    expect(check('file:///tmp/evil/index.html')).toBe(false)
    expect(check('https://evil.example/out/renderer/index.html')).toBe(false)
    expect(check('')).toBe(false)
  })

  it("accepts only the dev server's origin in development", () => {
    const check = trustedSenderCheck({ rendererFile: '/x/index.html', devServerUrl: 'http://localhost:5173' })
    expect(check('http://localhost:5173/#/audit')).toBe(true)
    expect(check('http://localhost:5174/')).toBe(false)
    expect(check('http://evil.localhost:5173/')).toBe(false)
  })
})
