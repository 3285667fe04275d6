import { buildBridge, contract, type CourierApi } from '../../../shared/contract';
import type { RpcResult } from '../../../shared/errors';
import { wsPath, type WsServerFrame } from '../../../shared/ws-protocol';

type Pending = { resolve: (r: RpcResult<unknown>) => void };

/**
 * The browser implementation of window.courier: the same contract over a WebSocket to the
 * loopback web host. Reconnects with backoff; calls made while disconnected fail with
 * `unavailable` rather than hanging.
 */
export function connectWebSocketBridge(onConnection: (up: boolean) => void): CourierApi {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${wsPath}`;
  const pending = new Map<number, Pending>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let opened: Promise<void> = Promise.resolve();
  let retry = 0;

  function connect(): void {
    const ws = new WebSocket(url);
    socket = ws;
    opened = new Promise<void>((resolve) => {
      ws.addEventListener('open', () => {
        retry = 0;
        onConnection(true);
        resolve();
      });
      ws.addEventListener('close', () => resolve());
    });
    ws.addEventListener('message', (ev: MessageEvent<string>) => {
      const frame = JSON.parse(ev.data) as WsServerFrame;
      if (frame.t === 'res') {
        pending.get(frame.id)?.resolve(frame.result as RpcResult<unknown>);
        pending.delete(frame.id);
      } else {
        for (const l of listeners.get(frame.ch) ?? []) l(frame.payload);
      }
    });
    ws.addEventListener('close', () => {
      onConnection(false);
      for (const p of pending.values()) p.resolve({ ok: false, error: { code: 'unavailable', message: 'Lost the connection to Courier. Reconnecting…' } });
      pending.clear();
      const delay = Math.min(10_000, 250 * 2 ** retry++) * (0.5 + Math.random() / 2);
      setTimeout(connect, delay);
    });
  }
  connect();

  return buildBridge(
    contract,
    async (channel, input) => {
      await opened;
      const ws = socket;
      if (!ws || ws.readyState !== WebSocket.OPEN) {
        return { ok: false, error: { code: 'unavailable', message: 'Courier is not reachable. Is `npm run web` still running?' } };
      }
      const id = nextId++;
      return new Promise<RpcResult<unknown>>((resolve) => {
        pending.set(id, { resolve });
        ws.send(JSON.stringify({ t: 'req', id, ch: channel, input }));
      });
    },
    (channel, listener) => {
      let set = listeners.get(channel);
      if (!set) listeners.set(channel, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  );
}
