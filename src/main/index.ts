/**
 * @module main
 * The Electron adapter: single instance, credential store, embedded backend on a loopback port,
 * window, bridge, native save dialog; everything stops in order on quit. Logic lives in the
 * Electron-free modules next to this one.
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { app, BrowserWindow, dialog, ipcMain, shell } from 'electron'
import { eventChannel, rpcChannel } from '@shared/bridge.js'
import { deepLinkRouteIn, deepLinkScheme, routeOfDeepLink } from '@shared/deep-link.js'
import { startEmbeddedBackend, type EmbeddedBackend } from '../server/embedded.js'
import { oneLineMessage } from '../server/platform/errors.js'
import { createLogger } from '../server/platform/log.js'
import { createKeychainVault } from '../server/platform/keychain-vault.js'
import { onShutdownSignal } from '../server/platform/shutdown.js'
import { ConnectionManager, type BackendState } from './connection-manager.js'
import { openCredentialStore } from './credential-store.js'
import { installApplicationMenu } from './menu.js'
import { createRpcRouter } from './rpc-router.js'
import { trustedSenderCheck } from './trusted-sender.js'
import { createConsoleWindow, preloadFile, rendererFile, windowStateOf } from './window.js'

const mainDir = dirname(fileURLToPath(import.meta.url))
const log = createLogger()
const development = !app.isPackaged && Boolean(process.env.ELECTRON_RENDERER_URL)
let backend: EmbeddedBackend | null = null
let backendState: BackendState = { state: 'starting', url: null, message: null }

/** A `limena://open/…` link handed over by the OS or a second launch, waiting for the window. */
let pendingRoute: string | null = deepLinkRouteIn(process.argv)

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.setAsDefaultProtocolClient(deepLinkScheme)
  void app.whenReady().then(async () => {
    installApplicationMenu(development)
    const credentials = await openCredentialStore(createKeychainVault())
    const connections = new ConnectionManager({
      settingsPath: join(app.getPath('userData'), 'settings.json'),
      credentials,
      embeddedBackend: () => backendState,
      firstRun: () => backend?.firstRun ?? null,
      onSessionEnded: () => void connections.status().then((status) => send('session-changed', status)),
      userAgent: `LimenaConsole/${app.getVersion()} (${process.platform}; ${process.arch})`,
    })
    const settings = await connections.settingsSnapshot()
    const window = createConsoleWindow({
      preloadPath: preloadFile(mainDir),
      rendererUrl: process.env.ELECTRON_RENDERER_URL,
      rendererFile: rendererFile(mainDir),
      state: settings.window,
      development,
    })
    const send = (event: string, payload: unknown): void => {
      if (!window.isDestroyed()) window.webContents.send(eventChannel, event, payload)
    }
    window.on('close', () => void connections.updateSettings((current) => (current.window = windowStateOf(window))))

    const route = createRpcRouter({
      isTrustedSender: trustedSenderCheck({
        rendererFile: rendererFile(mainDir),
        devServerUrl: development ? process.env.ELECTRON_RENDERER_URL : undefined,
      }),
      connections,
      chooseSavePath: async (suggestedName) => {
        const result = await dialog.showSaveDialog(window, {
          defaultPath: join(app.getPath('downloads'), suggestedName),
          filters: [{ name: 'CSV', extensions: ['csv'] }],
        })
        return result.canceled || !result.filePath ? null : result.filePath
      },
      emit: (event, payload) => send(event, payload),
      log,
      // Single sign-on's provider page opens in the system browser (RFC 8252), never in the console's window.
      openExternal: (url) => shell.openExternal(url, { activate: true }),
    })
    ipcMain.handle(rpcChannel, (event, operation: unknown, input: unknown, options: unknown) =>
      route({ senderUrl: event.senderFrame?.url ?? '' }, operation, input, options),
    )

    try {
      // The CLI's data directory (LIMENA_DATA_DIR or the OS default): `limena seed-demo` and the app share one install.
      backend = await startEmbeddedBackend({ env: process.env, log })
      backendState = { state: 'ready', url: backend.url, message: null }
    } catch (error) {
      backendState = { state: 'failed', url: null, message: oneLineMessage(error) }
      log.error({ err: { message: backendState.message } }, 'embedded backend failed to start')
    }
    send('session-changed', await connections.status())
    if (pendingRoute) send('navigate', { route: pendingRoute })
    pendingRoute = null
  })

  let stopping = false
  const stopBackend = async (): Promise<void> => {
    if (stopping) return
    stopping = true
    await backend?.close().catch((error: Error) => log.error({ err: { message: error.message } }, 'stopping the backend failed'))
  }
  app.on('before-quit', (event) => {
    if (stopping || !backend) return
    event.preventDefault()
    void stopBackend().finally(() => app.quit())
  })
  onShutdownSignal(async () => {
    await stopBackend()
    app.quit()
  })
  app.on('window-all-closed', () => app.quit())
  const openRoute = (route: string | null): void => {
    const [window] = BrowserWindow.getAllWindows()
    if (window?.isMinimized()) window.restore()
    window?.focus()
    if (!route) return
    if (window && !window.webContents.isLoading()) window.webContents.send(eventChannel, 'navigate', { route })
    else pendingRoute = route
  }
  app.on('second-instance', (_event, argv) => openRoute(deepLinkRouteIn(argv)))
  // macOS hands a link over as an event, not as arguments.
  app.on('open-url', (event, url) => {
    event.preventDefault()
    openRoute(routeOfDeepLink(url))
  })
}
