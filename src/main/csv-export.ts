/**
 * @module csv-export
 * Streams a CSV download from the backend into a file the user chose: into `<file>.part`, renamed
 * when complete, so a cancelled or failed export leaves no half-written file behind. Progress
 * (rows and bytes so far) is reported at most ten times a second.
 */
import { createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'

export interface ExportProgress {
  rows: number
  bytes: number
  done: boolean
}

export async function writeCsvStream(
  body: ReadableStream<Uint8Array>,
  path: string,
  options: { signal: AbortSignal; onProgress: (progress: ExportProgress) => void },
): Promise<{ rows: number; bytes: number; outcome: 'done' | 'cancelled' }> {
  const partial = `${path}.part`
  let newlines = 0
  let bytes = 0
  let lastReport = 0
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length
      for (let index = chunk.indexOf(10); index !== -1; index = chunk.indexOf(10, index + 1)) newlines += 1
      const now = Date.now()
      if (now - lastReport >= 100) {
        lastReport = now
        options.onProgress({ rows: Math.max(0, newlines - 1), bytes, done: false })
      }
      callback(null, chunk)
    },
  })
  try {
    await pipeline(Readable.fromWeb(body), counter, createWriteStream(partial, { mode: 0o600 }), { signal: options.signal })
  } catch (error) {
    await rm(partial, { force: true })
    if (options.signal.aborted) {
      options.onProgress({ rows: Math.max(0, newlines - 1), bytes, done: true })
      return { rows: Math.max(0, newlines - 1), bytes, outcome: 'cancelled' }
    }
    throw error
  }
  await rename(partial, path)
  const rows = Math.max(0, newlines - 1)
  options.onProgress({ rows, bytes, done: true })
  return { rows, bytes, outcome: 'done' }
}
