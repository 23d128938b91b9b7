/**
 * @module window
 * The console window, hardened per Electron's security checklist: isolated, sandboxed, no Node,
 * no navigation away, no new windows, no permission grants.
 */
import { join } from 'node:path'
import { BrowserWindow, session } from 'electron'

export function createConsoleWindow(options: { preloadPath: string; rendererUrl?: string; rendererFile: string }): BrowserWindow {
  session.defaultSession.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false))
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    show: false,
    title: 'Limena Operator Console',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      devTools: !process.env.LIMENA_PRODUCTION,
    },
  })
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  window.webContents.on('will-navigate', (event) => event.preventDefault())
  window.once('ready-to-show', () => window.show())
  if (options.rendererUrl) void window.loadURL(options.rendererUrl)
  else void window.loadFile(options.rendererFile)
  return window
}

export const rendererFile = (mainDir: string): string => join(mainDir, '../renderer/index.html')
export const preloadFile = (mainDir: string): string => join(mainDir, '../preload/index.cjs')
