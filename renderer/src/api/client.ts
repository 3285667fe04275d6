import type { z } from 'zod';
import { contract, type CourierApi, type CourierClient, type Events } from '../../../shared/contract';
import type { RpcError, RpcResult } from '../../../shared/errors';
import { connectWebSocketBridge } from './ws-bridge';
import { errorMessage } from '../lib/error-text';
import { useConnection } from '../stores/connection';

/** A failed request, as the UI sees it: a stable code and a message for people, in their language. */
export class ApiError extends Error {
  readonly code: RpcError['code'];
  readonly field?: string;
  /** Main's English text (what the log and the CLI say). */
  readonly english: string;
  constructor(err: RpcError) {
    super(errorMessage(err));
    this.english = err.message;
    this.code = err.code;
    if (err.field) this.field = err.field;
  }
}

/** IPC when the preload API exists (Electron), WebSocket otherwise (browser via the web host). */
function pickTransport(): { bridge: CourierApi; kind: 'ipc' | 'websocket' } {
  if (window.courier) {
    useConnection.getState().setTransportUp(true);
    return { bridge: window.courier, kind: 'ipc' };
  }
  return { bridge: connectWebSocketBridge((up) => useConnection.getState().setTransportUp(up)), kind: 'websocket' };
}

const { bridge, kind } = pickTransport();
export const transportKind = kind;

type Client = CourierClient;

/** The renderer's client: the bridge with results unwrapped (failures throw ApiError). */
function unwrap(from: CourierApi): Client {
  const out: Record<string, Record<string, (input: unknown) => Promise<unknown>>> = {};
  const raw = from as unknown as Record<string, Record<string, (input: unknown) => Promise<RpcResult<unknown>>>>;
  for (const [domain, methods] of Object.entries(contract.requests)) {
    const group: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const method of Object.keys(methods)) {
      group[method] = async (input: unknown) => {
        const result = await raw[domain]![method]!(input ?? {});
        if (result.ok) return result.value;
        throw new ApiError(result.error);
      };
    }
    out[domain] = group;
  }
  return out as unknown as Client;
}

export const api: Client = unwrap(bridge);

export function onEvent<K extends keyof Events & string>(event: K, listener: (payload: z.output<Events[K]>) => void): () => void {
  return bridge.on(event, listener);
}
