/**
 * @module preload
 * Builds `window.limena` from the contract's channel names: `call` and `on`, nothing else. The
 * renderer never gets ipcRenderer itself.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { eventChannel, rpcChannel, type LimenaBridge } from '@shared/bridge.js'

const bridge: LimenaBridge = {
  call: (operation, input) => ipcRenderer.invoke(rpcChannel, operation, input),
  on: (event, listener) => {
    const forward = (_event: IpcRendererEvent, name: string, payload: unknown): void => {
      if (name === event) listener(payload as never)
    }
    ipcRenderer.on(eventChannel, forward)
    return () => ipcRenderer.removeListener(eventChannel, forward)
  },
}

contextBridge.exposeInMainWorld('limena', bridge)
