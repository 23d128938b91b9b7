/**
 * @module window
 * The console window, hardened per Electron's security checklist: context isolation, sandbox, no
 * Node, web security on, no auxclick, no navigation away, no new windows, no webviews, no
 * permission grants, devtools only in development. The page's own CSP (renderer/index.html)
 * allows nothing but the app's files.
 */
import { join } from 'node:path'
import { BrowserWindow, session, type Rectangle } from 'electron'
import type { WindowState } from './settings-file.js'

export function createConsoleWindow(options: {
  preloadPath: string
  rendererUrl?: string
  rendererFile: string
  state: WindowState | null
  development: boolean
}): BrowserWindow {
  session.defaultSession.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false))
  session.defaultSession.setPermissionCheckHandler(() => false)
  const window = new BrowserWindow({
    width: options.state?.width ?? 1280,
    height: options.state?.height ?? 820,
    ...(options.state?.x !== undefined && options.state?.y !== undefined ? { x: options.state.x, y: options.state.y } : {}),
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Limena Operator Console',
    backgroundColor: '#101418',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
      devTools: options.development,
      spellcheck: false,
    },
  })
  if (options.state?.maximized) window.maximize()
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  window.webContents.on('will-navigate', (event) => event.preventDefault())
  window.webContents.on('will-redirect', (event) => event.preventDefault())
  window.webContents.on('will-attach-webview', (event) => event.preventDefault())
  window.once('ready-to-show', () => window.show())
  if (options.rendererUrl) void window.loadURL(options.rendererUrl)
  else void window.loadFile(options.rendererFile)
  return window
}

export function windowStateOf(window: BrowserWindow): WindowState {
  const bounds: Rectangle = window.getNormalBounds()
  return { x: bounds.x, y: bounds.y, width: bounds.width, height: bounds.height, maximized: window.isMaximized() }
}

export const rendererFile = (mainDir: string): string => join(mainDir, '../renderer/index.html')
export const preloadFile = (mainDir: string): string => join(mainDir, '../preload/index.cjs')
