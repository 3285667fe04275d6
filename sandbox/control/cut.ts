import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Transform, type Readable, type TransformCallback } from 'node:stream';

/** Passes `limit` bytes of a request body, then drops the connection like a network cut. */
export function cutRequestAfter(src: Readable, limit: number, socket: Socket | null): Readable {
  let seen = 0;
  const cutter = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      if (seen + chunk.length <= limit) {
        seen += chunk.length;
        cb(null, chunk);
        return;
      }
      const keep = limit - seen;
      seen = limit;
      if (keep > 0) this.push(chunk.subarray(0, keep));
      socket?.destroy();
      cb(new Error(`sandbox fault: connection cut after ${limit} request bytes`));
    },
  });
  src.on('error', (err) => cutter.destroy(err));
  // A small body can be cut before the handler reads it (the pipe flows at once): the error must
  // not be an uncaught one meanwhile. A reader that comes later finds it in `errored`.
  cutter.on('error', () => undefined);
  return src.pipe(cutter);
}

type WriteCb = (err?: Error | null) => void;

function toBuffer(chunk: unknown, enc: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk, typeof enc === 'string' ? (enc as BufferEncoding) : 'utf8');
  return Buffer.alloc(0);
}

/** Lets `limit` response-body bytes out, then destroys the socket. */
export function cutResponseAfter(res: ServerResponse, limit: number): void {
  let sent = 0;
  let dead = false;
  const write = res.write.bind(res) as (chunk: Buffer, cb?: WriteCb) => boolean;
  const end = res.end.bind(res) as (chunk?: Buffer, cb?: () => void) => ServerResponse;
  const kill = () => {
    dead = true;
    const socket = res.socket;
    if (sent === 0 && !res.headersSent) res.flushHeaders();
    setImmediate(() => socket?.destroy());
  };
  const pass = (buf: Buffer, last: boolean): boolean => {
    if (dead) return false;
    if (sent + buf.length <= limit) {
      sent += buf.length;
      if (last) end(buf);
      else write(buf);
      return true;
    }
    const keep = buf.subarray(0, limit - sent);
    sent = limit;
    dead = true;
    if (keep.length > 0) write(keep, () => kill());
    else kill();
    return false;
  };
  res.write = ((chunk: unknown, enc?: unknown) => pass(toBuffer(chunk, enc), false)) as ServerResponse['write'];
  res.end = ((chunk?: unknown, enc?: unknown) => {
    if (chunk === undefined || typeof chunk === 'function') {
      if (!dead) end();
      return res;
    }
    pass(toBuffer(chunk, enc), true);
    return res;
  }) as ServerResponse['end'];
}
