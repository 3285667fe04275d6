import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { copyFile, open, readdir, readFile, writeFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { ensureDir, removeQuietly, writeFileAtomic } from '../util/fsx';
import { randomString } from '../util/ids';

/** One stored piece of an object: a whole PutObject body, or one multipart part. */
export interface Segment {
  file: string;
  size: number;
  /** Set for a small body stored inside a pack file, at this byte offset. */
  offset?: number;
}

/** A pack file is closed to new bodies at this size. */
const PACK_LIMIT = 256 << 20;

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

/** A line of a bucket's manifest log: the object's manifest, or none for a delete. */
interface MetaLine {
  k: string;
  m?: ObjectMeta;
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
  /**
   * Small bodies are appended to a shared pack file rather than each getting a file of its
   * own: creating a file costs 0.3-1 ms of CPU on a small VM, more than everything else
   * a 64 KiB PUT does. Live bodies are counted per pack; an empty, closed pack is deleted.
   */
  private pack: { file: string; fd: number; size: number } | null = null;
  private readonly packLive = new Map<string, number>();

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
      const log = store.metaLog(b.name);
      if (!existsSync(log)) continue;
      let lines = 0;
      for (const text of (await readFile(log, 'utf8')).split('\n')) {
        if (!text) continue;
        lines++;
        let entry: MetaLine;
        try {
          entry = JSON.parse(text) as MetaLine;
        } catch {
          continue; // a torn last line: the write it belonged to never completed
        }
        if (entry.m) state.objects.set(entry.k, entry.m);
        else state.objects.delete(entry.k);
      }
      // Overwrites and deletes leave dead lines behind: rewrite the log when they dominate.
      if (lines > 2 * state.objects.size + 1000) {
        await writeFileAtomic(log, [...state.objects.values()].map((m) => `${JSON.stringify({ k: m.key, m })}\n`).join(''));
      }
      for (const m of state.objects.values())
        for (const seg of m.segments) if (seg.offset !== undefined) store.packLive.set(seg.file, (store.packLive.get(seg.file) ?? 0) + 1);
    }
    for (const f of await readdir(path.join(root, 'blobs'))) if (f.startsWith('pack-') && !store.packLive.has(f)) await removeQuietly(store.blobPath(f));
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
    await writeFileAtomic(path.join(this.root, 'buckets', `${name}.json`), JSON.stringify({ name, created }));
    this.buckets.set(name, { created, objects: new Map(), sorted: null });
  }

  async deleteBucket(name: string): Promise<boolean> {
    const b = this.buckets.get(name);
    if (!b || b.objects.size > 0) return false;
    this.buckets.delete(name);
    this.closeMeta(name);
    await removeQuietly(path.join(this.root, 'buckets', `${name}.json`));
    await removeQuietly(this.metaLog(name));
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
    return this.record(b, bucket, key, segments, info);
  }

  /** Stores a small body (already checked) in the current pack file as one object. */
  async commitBody(bucket: string, key: string, body: Buffer, info: ObjectInfo): Promise<ObjectMeta> {
    const b = this.buckets.get(bucket);
    if (!b) throw new Error(`no bucket ${bucket}`);
    if (!this.pack || this.pack.size + body.length > PACK_LIMIT) this.openPack();
    const pack = this.pack!;
    const offset = pack.size;
    for (let done = 0; done < body.length;) done += writeSync(pack.fd, body, done, body.length - done, offset + done);
    pack.size += body.length;
    this.packLive.set(pack.file, (this.packLive.get(pack.file) ?? 0) + 1);
    return this.record(b, bucket, key, [{ file: pack.file, size: body.length, offset }], info);
  }

  private async record(b: BucketState, bucket: string, key: string, segments: Segment[], info: ObjectInfo): Promise<ObjectMeta> {
    const meta: ObjectMeta = { ...info, bucket, key, lastModified: Date.now(), segments };
    this.appendMeta(bucket, { k: key, m: meta });
    const old = b.objects.get(key);
    if (!old) b.sorted = null;
    b.objects.set(key, meta);
    if (old) await this.dropSegments(old);
    return meta;
  }

  private openPack(): void {
    const old = this.pack;
    this.pack = null;
    if (old) {
      closeSync(old.fd);
      if (!this.packLive.get(old.file)) void removeQuietly(this.blobPath(old.file));
    }
    const file = `pack-${randomString(20)}`;
    this.pack = { file, fd: openSync(this.blobPath(file), 'w'), size: 0 };
  }

  /** Closes the open pack file and meta logs (on sandbox stop). */
  close(): void {
    if (this.pack) closeSync(this.pack.fd);
    this.pack = null;
    for (const bucket of [...this.metaFds.keys()]) this.closeMeta(bucket);
  }

  /** Copies one stored segment into a file of its own (for CopyObject). */
  async copySegment(seg: Segment, to: string): Promise<void> {
    if (seg.offset === undefined) await copyFile(this.blobPath(seg.file), to);
    else await writeFile(to, this.readSegmentInto(seg, 0, Buffer.allocUnsafe(seg.size)));
  }

  /** For objects the sandbox itself writes (job outputs, server-side uploads). */
  async putBuffer(bucket: string, key: string, body: Buffer, info: Omit<ObjectInfo, 'size' | 'etag'>): Promise<ObjectMeta> {
    const etag = `"${createHash('md5').update(body).digest('hex')}"`;
    return this.commitBody(bucket, key, body, { ...info, size: body.length, etag });
  }

  async delete(bucket: string, key: string): Promise<boolean> {
    const b = this.buckets.get(bucket);
    const meta = b?.objects.get(key);
    if (!b || !meta) return false;
    b.objects.delete(key);
    b.sorted = null;
    this.appendMeta(bucket, { k: key });
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
      this.readSegmentInto(seg, from, out.subarray(filled, filled + to - from));
      filled += to - from;
    }
    return out;
  }

  /** Fills `out` with one segment's bytes from `from` on, read synchronously; returns `out`. */
  private readSegmentInto(seg: Segment, from: number, out: Buffer): Buffer {
    const base = seg.offset ?? 0;
    const fd = openSync(this.blobPath(seg.file), 'r');
    try {
      for (let got = 0; got < out.length;) {
        const n = readSync(fd, out, got, out.length - got, base + from + got);
        if (n === 0) throw new Error('object data is shorter than its manifest');
        got += n;
      }
    } finally {
      closeSync(fd);
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
        const base = seg.offset ?? 0;
        const from = Math.max(start, segStart) - segStart + base;
        const to = Math.min(end + 1, offset) - segStart + base;
        pieces.push({ fh: await open(this.blobPath(seg.file), 'r'), from, to });
      }
    } catch (err) {
      await Promise.all(pieces.map((p) => p.fh.close()));
      throw err;
    }
    return pieces;
  }

  /**
   * Object manifests of a bucket: one JSON line per put or delete, appended synchronously (one
   * open-append-close of an existing file is much cheaper than creating a file per object).
   */
  private metaLog(bucket: string): string {
    return path.join(this.root, 'meta', `${bucket}.jsonl`);
  }

  /** Open append descriptors of the meta logs (appendFileSync would open and close per object). */
  private readonly metaFds = new Map<string, number>();

  private appendMeta(bucket: string, line: MetaLine): void {
    let fd = this.metaFds.get(bucket);
    if (fd === undefined) this.metaFds.set(bucket, (fd = openSync(this.metaLog(bucket), 'a')));
    writeSync(fd, `${JSON.stringify(line)}\n`);
  }

  private closeMeta(bucket: string): void {
    const fd = this.metaFds.get(bucket);
    if (fd !== undefined) closeSync(fd);
    this.metaFds.delete(bucket);
  }

  private async dropSegments(meta: ObjectMeta): Promise<void> {
    const doomed: string[] = [];
    for (const seg of meta.segments) {
      if (seg.offset === undefined) {
        doomed.push(seg.file);
        continue;
      }
      const live = (this.packLive.get(seg.file) ?? 1) - 1;
      if (live > 0) this.packLive.set(seg.file, live);
      else {
        this.packLive.delete(seg.file);
        if (seg.file !== this.pack?.file) doomed.push(seg.file);
      }
    }
    await Promise.all(doomed.map((f) => removeQuietly(this.blobPath(f))));
  }
}
