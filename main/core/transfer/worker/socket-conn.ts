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
/**
 * TCP keepalive probes after this long without traffic (as undici's, which carries every other
 * storage request): a connection whose peer vanished (a VPN that dropped, a laptop that slept)
 * is noticed, and a NAT on the way keeps its mapping.
 */
const TCP_KEEPALIVE_MS = 60_000;
/** How long an idle connection is kept when the server does not say (Keep-Alive: timeout=N). */
const KEEP_IDLE_MS = 4_000;
/** Kept this much less than the server says, so the server does not close it as we send on it. */
const KEEP_IDLE_MARGIN_MS = 1_000;
/** Kept at most this long whatever the server says (as the undici pools' keepAliveMaxTimeout). */
const KEEP_IDLE_MAX_MS = 120_000;
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
    this.socket = url.protocol === 'https:' ? tlsConn(key, { host, port, onread, ca }) : netConnect({ host, port, onread });
    this.socket.setNoDelay(true);
    this.socket.setKeepAlive(true, TCP_KEEPALIVE_MS);
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

  idle(ms: number, onExpire: () => void): void {
    this.reader = null;
    this.socket.resume(); // to notice a close while idle
    this.socket.unref();
    this.idleTimer = setTimeout(onExpire, ms);
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

/**
 * The last TLS session each origin gave (a TLS 1.3 ticket, or a 1.2 session), offered by the
 * next connection to it: a resumed handshake skips the certificate exchange and its checks, which
 * is one round trip less in TLS 1.2 and less CPU on both ends in either. A server that no longer
 * accepts it simply does a full handshake.
 */
const sessions = new Map<string, Buffer>();

function tlsConn(key: string, o: { host: string; port: number; onread: unknown; ca: string | undefined }): Socket {
  const session = sessions.get(key);
  // tls.connect takes net.Socket's `onread` (documented, missing from @types/node's ConnectionOptions)
  const socket = tlsConnect({
    host: o.host,
    port: o.port,
    onread: o.onread,
    ALPNProtocols: ['http/1.1'],
    ...(isIP(o.host) ? {} : { servername: o.host }),
    ...(o.ca ? { ca: o.ca } : {}),
    ...(session ? { session } : {}),
  } as ConnectionOptions);
  socket.on('session', (s: Buffer) => sessions.set(key, s));
  if (session) {
    // A handshake that fails while offering a session: the next connection starts afresh.
    let secured = false;
    socket.once('secureConnect', () => (secured = true));
    socket.once('error', () => {
      if (!secured && sessions.get(key) === session) sessions.delete(key);
    });
  }
  return socket;
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

/** Keeps a connection for the next GET for `ms` (keepIdleMs of its last answer), if there is room. */
export function putIdle(c: Conn, ms: number): void {
  let list = idle.get(c.key);
  if (!list) idle.set(c.key, (list = []));
  if (list.length >= MAX_IDLE_PER_ORIGIN || ms <= 0) {
    c.socket.destroy();
    return;
  }
  list.push(c);
  c.idle(ms, () => {
    dropIdle(c);
    c.socket.destroy();
  });
}

/** How long to keep a connection after this answer: the server's Keep-Alive timeout if it gave one. */
export function keepIdleMs(headers: Record<string, string | string[]>): number {
  const v = headers['keep-alive'];
  const m = /(?:^|[\s,;])timeout\s*=\s*(\d+)/i.exec(Array.isArray(v) ? v.join(',') : (v ?? ''));
  if (!m) return KEEP_IDLE_MS;
  return Math.min(Number(m[1]) * 1000 - KEEP_IDLE_MARGIN_MS, KEEP_IDLE_MAX_MS);
}
