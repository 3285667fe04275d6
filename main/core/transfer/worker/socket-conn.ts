// The connections socket-get.ts sends its GETs over: each reads into a ring buffer of its own
// (see Conn), and idle ones are kept per origin for the next GET.
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { netError } from './http1';
import type { SocketBody } from './socket-get';

const READ_BUFFER = 128 * 1024;
/** A read into less room than this waits for the caller instead (TLS records are up to 16 KiB). */
const MIN_REGION = 32 * 1024;
const SPILL = 32 * 1024;
/** How long an idle connection is kept for the next GET (servers drop idle ones after 5-20 s). */
const KEEP_IDLE_MS = 4_000;
/** As many as the transfers a worker runs at once (small files share slots), so none reconnects. */
const MAX_IDLE_PER_ORIGIN = 64;

/**
 * One keep-alive connection. Reads land in one ring buffer: each read goes to a region no body
 * chunk the caller still holds lies in (TLS can deliver several records after a pause), so a
 * chunk stays intact until the caller moves on. When the ring has no room the socket pauses; a
 * read that still arrives (the rest of a TLS burst) lands in a small spill buffer and is copied.
 */
export class Conn {
  readonly socket: Socket;
  readonly ring = Buffer.allocUnsafeSlow(READ_BUFFER);
  private readonly spill = Buffer.allocUnsafeSlow(SPILL);
  /** Where the next read lands (the socket asks after every read). */
  private region: Buffer = this.ring;
  reader: SocketBody | null = null;
  /** Whether a response has arrived on it (a reused connection that fails before one is retried). */
  used = false;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly key: string,
    url: URL,
    ca: string | undefined,
    onDead: (c: Conn) => void,
  ) {
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const onread = { buffer: () => this.region, callback: (n: number, buf: Uint8Array) => this.onRead(n, buf) };
    this.socket =
      url.protocol === 'https:'
        ? // tls.connect takes net.Socket's `onread` (documented, missing from @types/node's ConnectionOptions)
          tlsConnect({
            host,
            port,
            onread,
            ALPNProtocols: ['http/1.1'],
            ...(isIP(host) ? {} : { servername: host }),
            ...(ca ? { ca } : {}),
          } as ConnectionOptions)
        : netConnect({ host, port, onread });
    this.socket.setNoDelay(true);
    this.socket.on('error', (e) => this.reader?.fail(e));
    this.socket.on('close', () => {
      this.clearIdle();
      onDead(this);
      this.reader?.fail(netError('UND_ERR_SOCKET', 'other side closed the connection'));
    });
  }

  private onRead(n: number, buf: Uint8Array): boolean {
    if (!this.reader) {
      this.socket.destroy(); // bytes nobody asked for: the connection cannot be trusted any more
      return false;
    }
    this.used = true;
    const data = Buffer.from(buf.buffer, buf.byteOffset, n);
    const go = this.reader.feed(buf.buffer === this.ring.buffer ? data : Buffer.from(data)); // the spill is reused at once: copied
    this.region = this.nextRegion();
    return go && this.region !== this.spill;
  }

  /** The free part of the ring after the chunks the reader holds (oldest first), or the spill. */
  private nextRegion(): Buffer {
    const held = this.reader?.held(this.ring.buffer) ?? [];
    const oldest = held[0];
    const newest = held[held.length - 1];
    if (!oldest || !newest) return this.ring;
    const first = oldest.byteOffset;
    const last = newest.byteOffset + newest.length;
    if (last > first) {
      if (this.ring.length - last >= MIN_REGION) return this.ring.subarray(last);
      if (first >= MIN_REGION) return this.ring.subarray(0, first);
    } else if (first - last >= MIN_REGION) return this.ring.subarray(last, first);
    return this.spill;
  }

  idle(onExpire: () => void): void {
    this.reader = null;
    this.socket.resume(); // to notice a close while idle
    this.socket.unref();
    this.idleTimer = setTimeout(onExpire, KEEP_IDLE_MS);
    this.idleTimer.unref();
  }

  wake(): void {
    this.clearIdle();
    this.socket.ref();
  }

  private clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}

const idle = new Map<string, Conn[]>();

/** Small ids for CA bundles: a pool key must not copy a bundle's text on every GET. */
const caIds = new Map<string, number>();

export function originKey(url: URL, ca: string | undefined): string {
  let id = 0;
  if (ca !== undefined) {
    id = caIds.get(ca) ?? caIds.size + 1;
    caIds.set(ca, id);
  }
  return `${url.protocol}//${url.host}#${id}`;
}

export function takeIdle(key: string): Conn | null {
  const list = idle.get(key);
  for (let c = list?.pop(); c; c = list?.pop()) {
    if (!c.socket.destroyed && c.socket.writable) {
      c.wake();
      return c;
    }
  }
  return null;
}

export function dropIdle(c: Conn): void {
  const list = idle.get(c.key);
  const i = list?.indexOf(c) ?? -1;
  if (list && i >= 0) list.splice(i, 1);
}

export function putIdle(c: Conn): void {
  let list = idle.get(c.key);
  if (!list) idle.set(c.key, (list = []));
  if (list.length >= MAX_IDLE_PER_ORIGIN) {
    c.socket.destroy();
    return;
  }
  list.push(c);
  c.idle(() => {
    dropIdle(c);
    c.socket.destroy();
  });
}
