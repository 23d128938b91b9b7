/**
 * @module settings-file
 * The app's settings (saved connections, window placement) in one JSON file under the user's
 * data directory, validated on read and replaced atomically on write. Never any secret: refresh
 * tokens live in the OS keychain.
 */
import { randomBytes } from 'node:crypto'
import { open, readFile, rename, rm } from 'node:fs/promises'
import { z } from 'zod'

export const remoteConnectionSchema = z.object({ id: z.string(), name: z.string(), url: z.string() })
export const windowStateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400),
  height: z.number().int().min(300),
  maximized: z.boolean(),
})

export const settingsSchema = z.object({
  connections: z.array(remoteConnectionSchema).default([]),
  activeConnectionId: z.string().nullable().default('embedded'),
  window: windowStateSchema.nullable().default(null),
})
export type Settings = z.infer<typeof settingsSchema>
export type WindowState = z.infer<typeof windowStateSchema>

export async function readSettings(path: string): Promise<Settings> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch {
    return settingsSchema.parse({})
  }
  try {
    return settingsSchema.parse(JSON.parse(text))
  } catch {
    // A damaged settings file must not keep the app from starting: it holds nothing that cannot be re-entered.
    return settingsSchema.parse({})
  }
}

export async function writeSettings(path: string, settings: Settings): Promise<void> {
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`
  const handle = await open(temporary, 'wx', 0o600)
  try {
    await handle.writeFile(JSON.stringify(settingsSchema.parse(settings), null, 2) + '\n')
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(temporary, path).catch(async (error: unknown) => {
    await rm(temporary, { force: true })
    throw error
  })
}
