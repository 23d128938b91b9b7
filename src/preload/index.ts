/**
 * @module preload
 * Builds `window.limena`: `call` and `on`, nothing else. The renderer never gets ipcRenderer;
 * events other than the bridge's own names are refused here.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { bridgeEventNames, eventChannel, rpcChannel, type LimenaBridge } from '@shared/bridge.js'

const bridge: LimenaBridge = {
  call: (operation, input, ...options) => ipcRenderer.invoke(rpcChannel, operation, input, ...options),
  on: (event, listener) => {
    if (!bridgeEventNames.includes(event)) throw new Error(`unknown event ${String(event)}`)
    const forward = (_event: IpcRendererEvent, name: string, payload: unknown): void => {
      if (name === event) listener(payload as never)
    }
    ipcRenderer.on(eventChannel, forward)
    return () => ipcRenderer.removeListener(eventChannel, forward)
  },
}

contextBridge.exposeInMainWorld('limena', bridge)
