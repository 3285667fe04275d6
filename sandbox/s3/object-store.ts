import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, renameSync } from 'node:fs';
import { open, readdir, readFile, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { ensureDir, removeQuietly, writeFileAtomic, writeFileAtomicSync } from '../util/fsx';
import { randomString } from '../util/ids';

/** One stored piece of an object: a whole PutObject body, or one multipart part. */
export interface Segment {
  file: string;
  size: number;
}

export interface ObjectInfo {
  size: number;
  etag: string;
  contentType: string;
  headers: Record<string, string>;
  metadata: Record<string, string>;
  partsCount?: number;
}

export interface ObjectMeta extends ObjectInfo {
  bucket: string;
  key: string;
  lastModified: number;
  segments: Segment[];
}

interface BucketState {
  created: number;
  objects: Map<string, ObjectMeta>;
  sorted: string[] | null;
}

const READ_CHUNK = 1 << 20;

/** Recycled 1 MiB read buffers for GETs: allocating one per MiB served drives V8 into constant GCs. */
const bufferPool: Buffer[] = [];
const takeBuffer = (): Buffer => bufferPool.pop() ?? Buffer.allocUnsafeSlow(READ_CHUNK);
const giveBuffer = (b: Buffer): void => {
  if (bufferPool.length < 32) bufferPool.push(b);
};

function drained(out: Writable): Promise<void> {
  // A client cut off mid-download (a fault, or gone) never drains: fail now so the handles close.
  if (out.destroyed || out.closed) return Promise.reject(new Error('client went away'));
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new Error('client went away'));
    out.on('drain', onDrain);
    out.on('close', onClose);
  });
}

/**
 * Objects live as blob files plus a JSON manifest listing them. A completed multipart
 * upload is its part files renamed into place, so CompleteMultipartUpload costs O(parts),
 * not O(bytes), and GET streams across the parts.
 */
export class ObjectStore {
  private readonly buckets = new Map<string, BucketState>();

  private constructor(readonly root: string) {}

  static async open(root: string): Promise<ObjectStore> {
    const store = new ObjectStore(root);
    for (const d of ['buckets', 'meta', 'blobs', 'uploads']) await ensureDir(path.join(root, d));
    await removeQuietly(path.join(root, 'tmp'));
    await ensureDir(path.join(root, 'tmp'));
    for (const f of await readdir(path.join(root, 'buckets'))) {
      if (!f.endsWith('.json')) continue;
      const b = JSON.parse(await readFile(path.join(root, 'buckets', f), 'utf8')) as { name: string; created: number };
      const state: BucketState = { created: b.created, objects: new Map(), sorted: null };
      store.buckets.set(b.name, state);
      const metaDir = path.join(root, 'meta', b.name);
      if (!existsSync(metaDir)) continue;
      for (const m of await readdir(metaDir)) {
        if (!m.endsWith('.json')) continue;
        const meta = JSON.parse(await readFile(path.join(metaDir, m), 'utf8')) as ObjectMeta;
        state.objects.set(meta.key, meta);
      }
    }
    return store;
  }

  tmpFile(): string {
    return path.join(this.root, 'tmp', randomString(20));
  }

  blobPath(file: string): string {
    return path.join(this.root, 'blobs', file);
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  listBuckets(): { name: string; created: number }[] {
    return [...this.buckets.entries()].map(([name, b]) => ({ name, created: b.created })).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async createBucket(name: string): Promise<void> {
    if (this.buckets.has(name)) return;
    const created = Date.now();
    await ensureDir(path.join(this.root, 'meta', name));
    await writeFileAtomic(path.join(this.root, 'buckets', `${name}.json`), JSON.stringify({ name, created }));
    this.buckets.set(name, { created, objects: new Map(), sorted: null });
  }

  async deleteBucket(name: string): Promise<boolean> {
    const b = this.buckets.get(name);
    if (!b || b.objects.size > 0) return false;
    this.buckets.delete(name);
    await removeQuietly(path.join(this.root, 'buckets', `${name}.json`));
    await removeQuietly(path.join(this.root, 'meta', name));
    return true;
  }

  get(bucket: string, key: string): ObjectMeta | undefined {
    return this.buckets.get(bucket)?.objects.get(key);
  }

  /** Keys after `after` that start with `prefix`, in S3 order. */
  *keysFrom(bucket: string, prefix: string, after: string): Generator<ObjectMeta> {
    const b = this.buckets.get(bucket);
    if (!b) return;
    b.sorted ??= [...b.objects.keys()].sort();
    const keys = b.sorted;
    // First index past both `after` and the start of the prefix range (the predicate is monotone).
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keys[mid]! < prefix || keys[mid]! <= after) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < keys.length; i++) {
      const k = keys[i]!;
      if (!k.startsWith(prefix)) return;
      const meta = b.objects.get(k);
      if (meta) yield meta;
    }
  }

  /** Moves finished files (a temp body or multipart parts) into the blob store as one object. */
  async commit(bucket: string, key: string, files: { path: string; size: number }[], info: ObjectInfo): Promise<ObjectMeta> {
    const b = this.buckets.get(bucket);
    if (!b) throw new Error(`no bucket ${bucket}`);
    const segments: Segment[] = [];
    // Renames and the small manifest write are synchronous: each is tens of µs, far less than
    // the thread-pool round trip an async call costs here (this dominated small PUTs).
    for (const f of files) {
      const name = randomString(24);
      renameSync(f.path, this.blobPath(name));
      segments.push({ file: name, size: f.size });
    }
    const meta: ObjectMeta = { ...info, bucket, key, lastModified: Date.now(), segments };
    writeFileAtomicSync(this.metaPath(bucket, key), JSON.stringify(meta));
    const old = b.objects.get(key);
    if (!old) b.sorted = null;
    b.objects.set(key, meta);
    if (old) await this.dropSegments(old);
    return meta;
  }

  /** For objects the sandbox itself writes (job outputs, server-side uploads). */
  async putBuffer(bucket: string, key: string, body: Buffer, info: Omit<ObjectInfo, 'size' | 'etag'>): Promise<ObjectMeta> {
    const tmp = this.tmpFile();
    await writeFile(tmp, body);
    const etag = `"${createHash('md5').update(body).digest('hex')}"`;
    return this.commit(bucket, key, [{ path: tmp, size: body.length }], { ...info, size: body.length, etag });
  }

  async delete(bucket: string, key: string): Promise<boolean> {
    const b = this.buckets.get(bucket);
    const meta = b?.objects.get(key);
    if (!b || !meta) return false;
    b.objects.delete(key);
    b.sorted = null;
    await removeQuietly(this.metaPath(bucket, key));
    await this.dropSegments(meta);
    return true;
  }

  /**
   * A byte stream of [start, end] (inclusive). File handles are opened up front so a
   * concurrent overwrite (which unlinks the old blobs) cannot cut a running download.
   */
  async openRange(meta: ObjectMeta, start: number, end: number): Promise<Readable> {
    const pieces = await this.openPieces(meta, start, end);
    let closed = false;
    const closeAll = () => {
      if (closed) return;
      closed = true;
      for (const p of pieces) void p.fh.close().catch(() => undefined);
    };
    async function* chunks(): AsyncGenerator<Buffer> {
      for (const p of pieces) {
        let pos = p.from;
        while (pos < p.to) {
          const n = Math.min(READ_CHUNK, p.to - pos);
          const buf = Buffer.allocUnsafe(n);
          const { bytesRead } = await p.fh.read(buf, 0, n, pos);
          if (bytesRead === 0) throw new Error('object data is shorter than its manifest');
          pos += bytesRead;
          yield bytesRead === n ? buf : buf.subarray(0, bytesRead);
        }
      }
    }
    const stream = Readable.from(chunks(), { objectMode: false, highWaterMark: 2 * READ_CHUNK });
    stream.once('close', closeAll);
    return stream;
  }

  /** [start, end] of a small object, read with synchronous calls (see commit()). */
  readSmall(meta: ObjectMeta, start: number, end: number): Buffer {
    const out = Buffer.allocUnsafe(end - start + 1);
    let offset = 0;
    let filled = 0;
    for (const seg of meta.segments) {
      const segStart = offset;
      offset += seg.size;
      if (offset <= start || segStart > end) continue;
      const from = Math.max(start, segStart) - segStart;
      const to = Math.min(end + 1, offset) - segStart;
      const fd = openSync(this.blobPath(seg.file), 'r');
      try {
        for (let pos = from; pos < to; ) {
          const n = readSync(fd, out, filled, to - pos, pos);
          if (n === 0) throw new Error('object data is shorter than its manifest');
          pos += n;
          filled += n;
        }
      } finally {
        closeSync(fd);
      }
    }
    return out;
  }

  /**
   * Writes [start, end] to `out` with pooled buffers, reading the next MiB while the
   * previous one is on the wire.
   */
  async streamRange(meta: ObjectMeta, start: number, end: number, out: Writable): Promise<void> {
    const pieces = await this.openPieces(meta, start, end);
    const reads: { fh: FileHandle; pos: number; len: number }[] = [];
    for (const p of pieces) for (let pos = p.from; pos < p.to; pos += READ_CHUNK) reads.push({ fh: p.fh, pos, len: Math.min(READ_CHUNK, p.to - pos) });
    const read = async (i: number) => {
      const r = reads[i]!;
      const buf = takeBuffer();
      const { bytesRead } = await r.fh.read(buf, 0, r.len, r.pos);
      if (bytesRead !== r.len) throw new Error('object data is shorter than its manifest');
      return buf;
    };
    try {
      let next = reads.length > 0 ? read(0) : null;
      for (let i = 0; next; i++) {
        const buf = await next;
        next = i + 1 < reads.length ? read(i + 1) : null;
        const len = reads[i]!.len;
        if (out.destroyed) throw new Error('client went away');
        const ok = out.write(len === buf.length ? buf : buf.subarray(0, len), () => giveBuffer(buf));
        if (!ok) await drained(out);
      }
      if (!out.destroyed) await new Promise<void>((resolve) => out.end(resolve));
    } finally {
      await Promise.all(pieces.map((p) => p.fh.close().catch(() => undefined)));
    }
  }

  /** Opens the blob files covering [start, end] with the byte window to read from each. */
  private async openPieces(meta: ObjectMeta, start: number, end: number): Promise<{ fh: FileHandle; from: number; to: number }[]> {
    const pieces: { fh: FileHandle; from: number; to: number }[] = [];
    let offset = 0;
    try {
      for (const seg of meta.segments) {
        const segStart = offset;
        offset += seg.size;
        if (offset <= start || segStart > end) continue;
        const from = Math.max(start, segStart) - segStart;
        const to = Math.min(end + 1, offset) - segStart;
        pieces.push({ fh: await open(this.blobPath(seg.file), 'r'), from, to });
      }
    } catch (err) {
      await Promise.all(pieces.map((p) => p.fh.close()));
      throw err;
    }
    return pieces;
  }

  private metaPath(bucket: string, key: string): string {
    const name = createHash('sha1').update(key).digest('hex');
    return path.join(this.root, 'meta', bucket, `${name}.json`);
  }

  private async dropSegments(meta: ObjectMeta): Promise<void> {
    await Promise.all(meta.segments.map((s) => removeQuietly(this.blobPath(s.file))));
  }
}
