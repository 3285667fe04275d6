/// <reference types="vite/client" />
import type { CourierApi } from '../../shared/contract';

declare global {
  interface Window {
    /** Present in Electron (from the preload); absent in a browser, where the WebSocket transport is used. */
    readonly courier?: CourierApi;
  }
}
export {};
