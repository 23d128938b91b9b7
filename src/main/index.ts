/**
 * @module main
 * Lifecycle only: single instance, embedded backend, window, bridge; stop everything on quit.
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, ipcMain, BrowserWindow } from 'electron'
import { rpcChannel, eventChannel } from '@shared/bridge.js'
import { startBackend, type RunningBackend } from '../server/backend.js'
import { loadConfig } from '../server/config.js'
import { createLogger } from '../server/log.js'
import { oneLineMessage } from '../server/errors.js'
import { createRpcRouter } from './rpc-router.js'
import { createConsoleWindow, preloadFile, rendererFile } from './window.js'

const mainDir = dirname(fileURLToPath(import.meta.url))
const log = createLogger()
let backend: RunningBackend | null = null

if (!app.requestSingleInstanceLock()) app.quit()

const rendererDevUrl = process.env.ELECTRON_RENDERER_URL
const isTrustedSender = (url: string): boolean =>
  rendererDevUrl ? url.startsWith(rendererDevUrl) : url.startsWith('file://') && url.includes('/renderer/index.html')

const route = createRpcRouter({ backendUrl: () => backend?.url ?? null, isTrustedSender })
ipcMain.handle(rpcChannel, (event, operation: unknown, input: unknown) => route({ senderUrl: event.senderFrame?.url ?? '' }, operation, input))

app.whenReady().then(async () => {
  const window = createConsoleWindow({ preloadPath: preloadFile(mainDir), rendererUrl: rendererDevUrl, rendererFile: rendererFile(mainDir) })
  const send = (payload: unknown): void => window.webContents.send(eventChannel, 'backend-status', payload)
  send({ state: 'starting' })
  try {
    const config = loadConfig(process.env, { dataDir: process.env.LIMENA_DATA_DIR ?? join(app.getPath('userData'), 'data'), port: 0, host: '127.0.0.1' })
    backend = await startBackend(config, log)
    send({ state: 'ready' })
  } catch (error) {
    log.error({ err: { message: oneLineMessage(error) } }, 'backend failed to start')
    send({ state: 'failed', message: oneLineMessage(error) })
  }
})

let quitting = false
app.on('before-quit', (event) => {
  if (quitting || !backend) return
  event.preventDefault()
  quitting = true
  void backend.close().finally(() => app.quit())
})
app.on('window-all-closed', () => app.quit())
app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus())
