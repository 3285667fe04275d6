// Raw clients for the web host's hardening tests: bytes a browser would never send, over real
// loopback sockets, and a recorder of anything that escapes to the process.
import net from 'node:net';
import WebSocket from 'ws';

/**
 * Sends `bytes` on a fresh connection and returns whatever came back before the server closed it
 * (or `waitMs` passed). The sending side stays open: a half-close would abort the request.
 */
export function rawExchange(port: number, bytes: string | Buffer, waitMs = 5000): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = net.connect(port, '127.0.0.1', () => s.write(bytes));
    const done = () => {
      clearTimeout(timer);
      s.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(done, waitMs);
    s.on('data', (d) => chunks.push(d));
    s.on('close', done);
    s.on('error', done);
  });
}

/** The status code of the first response in `text`, or 0. */
export const statusOf = (text: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);

export interface Access {
  port: number;
  cookie: string;
  origin: string;
}

/** An authenticated socket, as the renderer opens it. */
export function openRpc(a: Access, path = '/rpc'): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${a.port}${path}`, { headers: { cookie: a.cookie, origin: a.origin } });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
}

/** One request over a socket, answered by id; rejects if the server closes the socket instead. */
export function call(
  ws: WebSocket,
  id: number,
  ch: string,
  input: unknown,
): Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }> {
  return new Promise((resolve, reject) => {
    const onMessage = (d: WebSocket.RawData) => {
      const f = JSON.parse(d.toString()) as { t: string; id?: number; result?: never };
      if (f.t === 'res' && f.id === id) {
        ws.off('message', onMessage);
        ws.off('close', onClose);
        resolve(f.result!);
      }
    };
    const onClose = (code: number) => reject(new Error(`the server closed the socket (${code}) instead of answering ${ch}`));
    ws.on('message', onMessage);
    ws.once('close', onClose);
    ws.send(JSON.stringify({ t: 'req', id, ch, input }));
  });
}

/** A client frame (masked, as RFC 6455 requires), its length declared as `declaredLength` when given (to lie about it). */
export function encodeFrame(opcode: number, payload: Buffer, declaredLength = payload.length): Buffer {
  const mask = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
  let head: Buffer;
  if (declaredLength < 126) head = Buffer.from([0x80 | opcode, 0x80 | declaredLength]);
  else if (declaredLength < 65536) {
    head = Buffer.alloc(4);
    head.writeUInt16BE(declaredLength, 2);
    head[1] = 0x80 | 126;
  } else {
    head = Buffer.alloc(10);
    head.writeBigUInt64BE(BigInt(declaredLength), 2);
    head[1] = 0x80 | 127;
  }
  head[0] = 0x80 | opcode;
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([head, mask, body]);
}

/** The upgrade request a browser on our page sends, with the session cookie. */
export function upgradeRequest(a: Access, path = '/rpc', extra = ''): string {
  return (
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${a.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: ${a.origin}\r\nCookie: ${a.cookie}\r\n${extra}\r\n`
  );
}

/**
 * Opens an authenticated socket by hand, sends `frames` as they are and returns the close code
 * the server sent (0 when it sent none before `waitMs`), so frames ws itself would refuse to
 * produce (invalid UTF-8, lies about the length) can be tried.
 */
export function rawFrames(a: Access, frames: Buffer[], waitMs = 5000): Promise<number> {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    let upgraded = false;
    const s = net.connect(a.port, '127.0.0.1', () => s.write(upgradeRequest(a)));
    const finish = () => {
      clearTimeout(timer);
      s.destroy();
      resolve(closeCodeIn(buf));
    };
    const timer = setTimeout(finish, waitMs);
    s.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (upgraded) return;
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      upgraded = true;
      if (!buf.subarray(0, end).toString('latin1').startsWith('HTTP/1.1 101')) return finish();
      buf = buf.subarray(end + 4);
      for (const f of frames) if (!s.destroyed) s.write(f, () => undefined);
    });
    s.on('close', finish);
    s.on('error', () => undefined);
  });
}

/** The code of the first close frame the server sent (server frames are not masked). */
function closeCodeIn(buf: Buffer): number {
  let at = 0;
  while (at + 2 <= buf.length) {
    const opcode = buf[at]! & 0x0f;
    let len = buf[at + 1]! & 0x7f;
    let off = at + 2;
    if (len === 126) {
      len = buf.readUInt16BE(off);
      off += 2;
    } else if (len === 127) {
      len = Number(buf.readBigUInt64BE(off));
      off += 8;
    }
    if (opcode === 8) return len >= 2 ? buf.readUInt16BE(off) : 1005;
    at = off + len;
  }
  return 0;
}

/** Records errors that reach the process (uncaught or unhandled) while a test runs. */
export function recordEscapes(): { escaped: unknown[]; stop(): void } {
  const escaped: unknown[] = [];
  const onError = (e: unknown) => escaped.push(e);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  return {
    escaped,
    stop() {
      process.off('uncaughtException', onError);
      process.off('unhandledRejection', onError);
    },
  };
}
