// The preload: builds window.courier from the contract and nothing else. Listeners never
// see the IPC event (it would leak `sender`), and no raw ipcRenderer is exposed.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { buildBridge, contract } from '../shared/contract';
import type { RpcResult } from '../shared/errors';

const api = buildBridge(
  contract,
  (channel, input) => ipcRenderer.invoke(channel, input) as Promise<RpcResult<unknown>>,
  (channel, listener) => {
    const handler = (_event: Electron.IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, handler);
    return () => {
      ipcRenderer.removeListener(channel, handler);
    };
  },
);

contextBridge.exposeInMainWorld('courier', api);

// Drag and drop in Electron: the path of a File the user dropped (sandboxed renderers cannot
// read File.path). It reveals nothing the user did not just hand to the window.
contextBridge.exposeInMainWorld('courierFiles', { getPathForFile: (file: File) => webUtils.getPathForFile(file) });
