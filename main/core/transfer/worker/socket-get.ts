// GETs of object bodies (downloads) over sockets that read into one reused buffer.
//
// Why not undici (which every other storage request uses): a socket read as a stream gets a
// freshly allocated buffer for every read, and undici then copies each one into its parser's
// memory and passes it through a stream. For a download that was most of the worker's CPU: a
// 1 GiB ranged download from the sandbox, bytes only, took 2.6-3.1 CPU-s through undici (1.6-2.2 s
// of wall time) and 0.7 CPU-s with a socket reading into one reused buffer (`onread`, which
// neither undici nor node:http can use). The HTTP this needs is small: one GET, a status line,
// headers, and a body framed by Content-Length or chunked encoding.
//
// Used only for direct connections (no proxy): anything through a proxy keeps undici's tunnels.
// The caller's contract: a body chunk is a view of the connection's read buffer and is valid until
// the caller asks for the next chunk (reads meanwhile land elsewhere; see socket-conn.ts).
import { TLSSocket } from 'node:tls';
import { ChunkedDecoder, getRequestText, netError, parseResponseHead, type Framing, type ResponseHead } from './http1';
import { defaultTimeouts, proxyFor, readCaBundle, type NetworkOptions } from '../../net/dispatcher';
import { Conn, dropIdle, keepIdleMs, originKey, putIdle, takeIdle } from './socket-conn';

const MAX_HEAD = 64 * 1024;

let enabled = true;

/** Off: every GET goes through undici (the pool's `socketGet` option, for comparisons and tests). */
export function setSocketGet(on: boolean): void {
  enabled = on;
}

const caBundles = new Map<string, string | undefined>();

/**
 * How to GET `url` over a socket of our own under these network settings, or null where undici
 * must (a proxy, or turned off). The CA bundle and timeouts are the ones undici would use.
 */
export function socketGetOptions(net: NetworkOptions | undefined, url: URL, signal: AbortSignal): SocketGetOptions | null {
  if (!enabled || (url.protocol !== 'http:' && url.protocol !== 'https:')) return null;
  if (net && proxyFor(net, url.href) !== null) return null;
  const path = net?.caBundlePath;
  let ca = path ? caBundles.get(path) : undefined;
  if (path && ca === undefined) caBundles.set(path, (ca = readCaBundle(path)));
  return { ...(ca ? { ca } : {}), timeouts: { ...defaultTimeouts, ...net?.timeouts }, signal };
}

export interface SocketGetOptions {
  /** PEM CAs that replace the default roots (a company's TLS inspection), as undici's `connect.ca`. */
  ca?: string;
  timeouts: { connectMs: number; headersMs: number; bodyIdleMs: number };
  signal: AbortSignal;
}

export interface SocketGetResponse {
  statusCode: number;
  headers: Record<string, string | string[]>;
  body: SocketBody;
}

/**
 * GET `url` with `headers` (already signed). Resolves once the response head is in; the body
 * is read as the caller iterates it. A kept connection that the server had closed is replaced
 * once, transparently (GET is idempotent).
 */
export async function socketGet(url: URL, headers: Record<string, string>, o: SocketGetOptions): Promise<SocketGetResponse> {
  const text = getRequestText(url, headers);
  const key = originKey(url, o.ca);
  const kept = takeIdle(key);
  if (kept) {
    try {
      return await exchange(kept, text, o);
    } catch (e) {
      if (kept.used || o.signal.aborted) throw e;
    }
  }
  return exchange(new Conn(key, url, o.ca, dropIdle), text, o);
}

async function exchange(conn: Conn, text: string, o: SocketGetOptions): Promise<SocketGetResponse> {
  conn.used = false;
  const reader = new SocketBody(conn, o);
  conn.reader = reader;
  conn.socket.write(text, 'latin1');
  return reader.head();
}

/** The response on one connection: its head, then its body as chunks the caller pulls. */
export class SocketBody implements AsyncIterable<Buffer> {
  private headText = '';
  private framing: Framing | null = null;
  private reusable = true;
  private readonly queue: Buffer[] = [];
  /** The chunk the caller is working on (until it asks for the next). */
  private handed: Buffer | null = null;
  private ended = false;
  private error: Error | null = null;
  private waiter: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private response: SocketGetResponse | null = null;
  private readonly chunked = new ChunkedDecoder();
  private readonly onAbort: () => void;

  constructor(
    private readonly conn: Conn,
    private readonly o: SocketGetOptions,
  ) {
    this.onAbort = () => this.destroy(o.signal.reason instanceof Error ? o.signal.reason : new Error('aborted'));
    if (o.signal.aborted) queueMicrotask(this.onAbort);
    else o.signal.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Waits for the connection (if new), then for the status line and headers. */
  async head(): Promise<SocketGetResponse> {
    const socket = this.conn.socket;
    if (socket.connecting) {
      this.arm(this.o.timeouts.connectMs, 'UND_ERR_CONNECT_TIMEOUT', 'could not connect to storage in time');
      const connected = (): void => this.wakeUp();
      socket.once(socket instanceof TLSSocket ? 'secureConnect' : 'connect', connected);
      while (socket.connecting && !this.error) await this.wait();
      socket.off('secureConnect', connected).off('connect', connected);
    }
    this.arm(this.o.timeouts.headersMs, 'UND_ERR_HEADERS_TIMEOUT', 'storage sent no response in time');
    while (!this.response && !this.error) await this.wait();
    this.disarm();
    if (this.error) {
      this.destroy(this.error); // the connection, the abort listener and the timer go with it
      throw this.error;
    }
    return this.response as SocketGetResponse;
  }

  /** Bytes from the socket (only while a response is expected): false pauses the socket. */
  feed(data: Buffer): boolean {
    let rest = data;
    while (!this.framing) {
      const before = this.headText.length;
      // Only the head becomes text: the first read of a small object carries the body too.
      const inData = rest.indexOf('\r\n\r\n');
      this.headText += rest.toString('latin1', 0, Math.min(inData >= 0 ? inData + 4 : rest.length, MAX_HEAD));
      const end = this.headText.indexOf('\r\n\r\n', Math.max(0, before - 3));
      if (end < 0) {
        if (this.headText.length >= MAX_HEAD) this.destroy(netError('UND_ERR_SOCKET', 'storage sent response headers over 64 KiB'));
        return true;
      }
      const text = this.headText.slice(0, end);
      rest = rest.subarray(end + 4 - before);
      this.headText = '';
      try {
        this.takeHead(parseResponseHead(text));
      } catch (e) {
        this.destroy(e as Error);
        return false;
      }
    }
    this.body(rest);
    this.wakeUp();
    return !this.ended;
  }

  /** A final response head; an interim one (100 Continue, 103 Early Hints) is passed over. */
  private takeHead(head: ResponseHead): void {
    if (head.status === 101) throw netError('UND_ERR_SOCKET', 'storage switched protocols on a plain GET');
    if (head.status < 200) return;
    this.framing = head.framing;
    if (!head.reusable) this.reusable = false;
    this.response = { statusCode: head.status, headers: head.headers, body: this };
  }

  /** The body chunks in `ring` not yet given back, oldest first (the connection reads elsewhere). */
  held(ring: ArrayBufferLike): Buffer[] {
    const all = this.handed ? [this.handed, ...this.queue] : this.queue;
    return all.filter((b) => b.buffer === ring);
  }

  private body(data: Buffer): void {
    const f = this.framing as Framing;
    if (f.kind === 'length') {
      const n = Math.min(f.left, data.length);
      if (n > 0) this.queue.push(data.subarray(0, n));
      f.left -= n;
      if (data.length > n) this.reusable = false; // bytes past the body: nothing else is expected on it
      if (f.left === 0) this.ended = true;
    } else if (f.kind === 'chunked') {
      try {
        const used = this.chunked.decode(data, (piece) => this.queue.push(piece));
        this.ended = this.chunked.done;
        if (used < data.length) this.reusable = false; // bytes past the body: nothing else is expected on it
      } catch (e) {
        this.destroy(e as Error);
      }
    } else if (data.length > 0) this.queue.push(data);
  }

  fail(e: Error): void {
    if (this.ended) return; // the body is whole (the caller may still be reading it): a close after it changes nothing
    if (this.framing?.kind === 'close' && (e as { code?: string }).code === 'UND_ERR_SOCKET')
      this.ended = true; // framed by the close
    else this.error ??= e;
    this.wakeUp();
  }

  private wakeUp(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  private wait(): Promise<void> {
    return new Promise((resolve) => (this.waiter = resolve));
  }

  private arm(ms: number, code: string, message: string): void {
    this.disarm();
    this.timer = setTimeout(() => this.destroy(netError(code, `${message} (${Math.round(ms / 1000)} s)`)), ms);
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Buffer> {
    try {
      for (;;) {
        if (this.error) throw this.error; // also an abort: chunks still queued are not handed out
        const next = this.queue.shift();
        if (next) {
          this.handed = next;
          yield next;
          this.handed = null;
          continue;
        }
        if (this.ended) {
          this.release();
          return;
        }
        this.arm(this.o.timeouts.bodyIdleMs, 'UND_ERR_BODY_TIMEOUT', 'storage stopped sending the body');
        this.conn.socket.resume();
        await this.wait();
        this.disarm();
      }
    } finally {
      this.handed = null;
      if (this.conn.reader === this) this.destroy(); // left early or failed: the connection cannot be reused
    }
  }

  /** The whole (small) body as text: error documents. */
  async text(): Promise<string> {
    let s = '';
    for await (const chunk of this) if (s.length < 1 << 20) s += chunk.toString('utf8');
    return s;
  }

  private release(): void {
    this.o.signal.removeEventListener('abort', this.onAbort);
    this.conn.reader = null;
    if (this.reusable && !this.error && !this.conn.socket.destroyed && this.response) putIdle(this.conn, keepIdleMs(this.response.headers));
    else this.conn.socket.destroy();
  }

  /** Stops reading: the connection is closed unless the body was read to its end. */
  destroy(e?: Error): void {
    this.disarm();
    this.o.signal.removeEventListener('abort', this.onAbort);
    if (this.conn.reader !== this) return; // already released
    this.error ??= e ?? netError('UND_ERR_SOCKET', 'the download was stopped');
    this.conn.reader = null;
    this.conn.socket.destroy();
    this.wakeUp();
  }
}
