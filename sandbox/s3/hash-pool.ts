import { Transform, type TransformCallback } from 'node:stream';
import { Worker } from 'node:worker_threads';

/**
 * Hashing an upload (MD5 for the ETag, plus sha256/sha1/crc32 when the client declared them)
 * costs more CPU than receiving and writing it, so worker threads do it beside the event loop.
 * Bytes travel through a SharedArrayBuffer ring per upload: no allocation per chunk, which
 * keeps V8's external-memory-triggered garbage collections (a large cost here) down.
 *
 * The worker is plain CommonJS source (not a .ts file) so it runs under tsx, vitest or a bundle alike.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { crc32 } = require('node:zlib');
const sessions = new Map();
parentPort.on('message', (m) => {
  if (m.op === 'open') {
    const hashes = m.algos.map((a) => (a === 'crc32' ? { a, crc: 0 } : { a, h: createHash(a) }));
    sessions.set(m.id, { ring: Buffer.from(m.ring), hashes });
    return;
  }
  const s = sessions.get(m.id);
  if (!s) return;
  if (m.op === 'data') {
    const size = s.ring.length;
    const first = Math.min(m.len, size - m.off);
    const views = [s.ring.subarray(m.off, m.off + first)];
    if (first < m.len) views.push(s.ring.subarray(0, m.len - first));
    for (const v of views) for (const x of s.hashes) { if (x.h) x.h.update(v); else x.crc = crc32(v, x.crc); }
    parentPort.postMessage({ id: m.id, op: 'ack', n: m.len });
  } else if (m.op === 'end') {
    const out = {};
    for (const x of s.hashes) {
      if (x.h) out[x.a] = x.h.digest('base64');
      else { const b = Buffer.alloc(4); b.writeUInt32BE(x.crc >>> 0); out[x.a] = b.toString('base64'); }
    }
    sessions.delete(m.id);
    parentPort.postMessage({ id: m.id, op: 'done', out });
  } else if (m.op === 'abort') {
    sessions.delete(m.id);
  }
});
`;

type Digests = Record<string, string>;
interface Waiter {
  ack: (n: number) => void;
  done: (out: Digests) => void;
}
interface WorkerMsg {
  id: number;
  op: 'ack' | 'done';
  n?: number;
  out?: Digests;
}

const RING = 8 << 20;
const BATCH = 1 << 20;

export class HashPool {
  private readonly workers: { worker: Worker; sessions: number }[] = [];
  private readonly waiters = new Map<number, Waiter>();
  private readonly rings: SharedArrayBuffer[] = [];
  private nextId = 1;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.unref();
      worker.on('message', (m: WorkerMsg) => {
        const w = this.waiters.get(m.id);
        if (m.op === 'ack') w?.ack(m.n ?? 0);
        else if (m.op === 'done') {
          this.waiters.delete(m.id);
          w?.done(m.out ?? {});
        }
      });
      this.workers.push({ worker, sessions: 0 });
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** A pass-through stream whose bytes are hashed on the least busy worker. */
  tap(algos: string[]): WorkerHashTap {
    const slot = this.workers.reduce((a, b) => (b.sessions < a.sessions ? b : a));
    slot.sessions += 1;
    const id = this.nextId++;
    const ring = this.rings.pop() ?? new SharedArrayBuffer(RING);
    slot.worker.postMessage({ op: 'open', id, algos, ring });
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      slot.sessions -= 1;
      this.waiters.delete(id);
      if (this.rings.length < 16) this.rings.push(ring);
    };
    return new WorkerHashTap(id, slot.worker, ring, this.waiters, release);
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}

/** Copies bytes into the ring and tells the worker where they are; waits when the ring is full. */
export class WorkerHashTap extends Transform {
  bytes = 0;
  digests: Digests = {};
  private readonly ring: Buffer;
  private writePos = 0;
  /** Bytes in the ring not yet acknowledged (sent or pending). */
  private used = 0;
  private pendingStart = 0;
  private pendingLen = 0;
  private waitSpace: (() => void) | null = null;
  private ended = false;

  constructor(
    private readonly id: number,
    private readonly worker: Worker,
    sab: SharedArrayBuffer,
    private readonly waiters: Map<number, Waiter>,
    private readonly release: () => void,
  ) {
    super({ highWaterMark: 1 << 20 });
    this.ring = Buffer.from(sab);
    waiters.set(id, { ack: (n) => this.onAck(n), done: () => undefined });
    this.once('close', () => {
      if (!this.ended) this.worker.postMessage({ op: 'abort', id });
      this.release();
    });
  }

  private onAck(n: number): void {
    this.used -= n;
    const go = this.waitSpace;
    if (go) {
      this.waitSpace = null;
      go();
    }
  }

  private sendPending(): void {
    if (this.pendingLen === 0) return;
    this.worker.postMessage({ op: 'data', id: this.id, off: this.pendingStart, len: this.pendingLen });
    this.pendingStart = this.writePos;
    this.pendingLen = 0;
  }

  /** Copies as much of `chunk` as fits; calls `done` once all of it is in the ring. */
  private copy(chunk: Buffer, done: () => void): void {
    let off = 0;
    const step = () => {
      while (off < chunk.length) {
        const free = this.ring.length - this.used;
        if (free === 0) {
          // Wait for the worker to free a batch; only hand over the partial batch if nothing
          // else is in flight (otherwise the ring degrades into one message per socket chunk).
          if (this.used === this.pendingLen) this.sendPending();
          this.waitSpace = step;
          return;
        }
        const n = Math.min(chunk.length - off, free, this.ring.length - this.writePos);
        chunk.copy(this.ring, this.writePos, off, off + n);
        off += n;
        this.used += n;
        this.pendingLen += n;
        this.writePos = (this.writePos + n) % this.ring.length;
        if (this.pendingLen >= BATCH) this.sendPending();
      }
      done();
    };
    step();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    this.copy(chunk, () => cb(null, chunk));
  }

  override _flush(cb: TransformCallback): void {
    this.sendPending();
    this.waiters.set(this.id, {
      ack: (n) => this.onAck(n),
      done: (out) => {
        this.ended = true;
        this.digests = out;
        cb();
      },
    });
    this.worker.postMessage({ op: 'end', id: this.id });
  }
}
