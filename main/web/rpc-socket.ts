import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { eventChannel } from '../../shared/contract';
import { wsClientFrame, wsMaxPayload, wsPath, type WsServerFrame } from '../../shared/ws-protocol';
import type { Courier } from '../core/courier';
import { cookieName, hostAllowed, originAllowed, readCookie, tokenMatches } from './access';

export interface RpcSockets {
  /** The server's 'upgrade' listener: never throws, whatever the request. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

function reject(socket: Duplex, status: '400 Bad Request' | '403 Forbidden'): void {
  if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/** Only the pathname matters; anything unparsable (`//`, junk) is simply not our socket. */
function pathnameOf(rawUrl: string | undefined): string | null {
  if (!rawUrl?.startsWith('/')) return null;
  const end = rawUrl.search(/[?#]/);
  return end < 0 ? rawUrl : rawUrl.slice(0, end);
}

/**
 * The contract over WebSockets for the web host. Every socket is guarded on its own: a bad
 * upgrade gets a status line, a bad frame (too large, invalid UTF-8) closes that socket with
 * the protocol's code, a frame that is not a request is ignored, and a failing request is
 * answered with an error; none of it reaches the process.
 */
export function createRpcSockets(courier: Courier, access: { port: () => number; token: string }): RpcSockets {
  const sockets = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: wsMaxPayload });

  function allowed(req: IncomingMessage): boolean {
    const port = access.port();
    return (
      pathnameOf(req.url) === wsPath &&
      hostAllowed(req.headers.host, port) &&
      originAllowed(req.headers.origin, port) &&
      tokenMatches(readCookie(req.headers.cookie, cookieName(port)), access.token)
    );
  }

  function adopt(ws: WebSocket): void {
    sockets.add(ws);
    let detach: (() => void) | undefined;
    ws.on('close', () => {
      sockets.delete(ws);
      detach?.();
    });
    // ws has already started the close with the matching code (1009 too big, 1007 bad UTF-8,
    // 1002 protocol) and ends the socket itself; the event only needs a listener. Terminating
    // here could drop that close frame before it is written.
    ws.on('error', () => undefined);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return; // The transport is JSON text; binary frames are not ours.
      // Job notices are claimed (shown once across processes) only while a page can show them,
      // so none is claimed and lost with no page open: the app or the next page gets it. A page
      // counts from its first request: the renderer subscribes to events at its root before
      // its stores make their first requests, so a notice offered now is not dropped unheard.
      detach ??= courier.jobs.attachViewer();
      onMessage(ws, data).catch(() => ws.terminate());
    });
  }

  async function onMessage(ws: WebSocket, data: RawData): Promise<void> {
    let frame;
    try {
      frame = wsClientFrame.parse(JSON.parse(data.toString()));
    } catch {
      return; // Not ours; a frame without an id cannot be answered.
    }
    const result = await courier.router.dispatch(frame.ch, frame.input, { transport: 'web' });
    send(ws, { t: 'res', id: frame.id, result });
  }

  function send(ws: WebSocket, frame: WsServerFrame): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  }

  const unsubscribe = courier.hub.subscribe((name, payload) => {
    const frame: WsServerFrame = { t: 'evt', ch: eventChannel(name), payload };
    for (const ws of sockets) send(ws, frame);
  });

  return {
    upgrade(req, socket, head) {
      // Node hands the socket over without an error listener: a peer reset would otherwise throw.
      socket.on('error', () => socket.destroy());
      try {
        if (!allowed(req)) return reject(socket, '403 Forbidden');
        wss.handleUpgrade(req, socket, head, adopt);
      } catch {
        reject(socket, '400 Bad Request');
      }
    },
    close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
    },
  };
}
