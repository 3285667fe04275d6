import { createHash } from 'node:crypto';
import { renameSync } from 'node:fs';
import { copyFile, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { ensureDir, removeQuietly, writeFileAtomic } from '../util/fsx';
import { randomString } from '../util/ids';
import { MetaLogs } from './meta-log';
import { PackFiles } from './pack-files';
import { openRange, readSegmentInto, readSmall, streamRange, type BlobPath } from './segment-reads';

/** One stored piece of an object: a whole PutObject body, or one multipart part. */
export interface Segment {
  file: string;
  size: number;
  /** Set for a small body stored inside a pack file, at this byte offset. */
  offset?: number;
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

/**
 * Objects live as blob files plus a JSON manifest listing them. A completed multipart
 * upload is its part files renamed into place, so CompleteMultipartUpload costs O(parts),
 * not O(bytes), and GET streams across the parts.
 */
export class ObjectStore {
  private readonly buckets = new Map<string, BucketState>();
  private readonly blobPathOf: BlobPath = (file) => this.blobPath(file);
  private readonly packs = new PackFiles(this.blobPathOf);
  private readonly logs: MetaLogs;

  private constructor(readonly root: string) {
    this.logs = new MetaLogs(path.join(root, 'meta'));
  }

  static async open(root: string): Promise<ObjectStore> {
    const store = new ObjectStore(root);
    for (const d of ['buckets', 'meta', 'blobs', 'uploads']) await ensureDir(path.join(root, d));
    await removeQuietly(path.join(root, 'tmp'));
    await ensureDir(path.join(root, 'tmp'));
    for (const f of await readdir(path.join(root, 'buckets'))) {
      if (!f.endsWith('.json')) continue;
      const b = JSON.parse(await readFile(path.join(root, 'buckets', f), 'utf8')) as { name: string; created: number };
      const state: BucketState = { created: b.created, objects: await store.logs.load(b.name), sorted: null };
      store.buckets.set(b.name, state);
      for (const m of state.objects.values()) for (const seg of m.segments) store.packs.track(seg);
    }
    await store.packs.sweep(path.join(root, 'blobs'));
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
    this.logs.close(name);
    await removeQuietly(path.join(this.root, 'buckets', `${name}.json`));
    await removeQuietly(this.logs.path(name));
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
    return this.record(b, bucket, key, [this.packs.append(body)], info);
  }

  private async record(b: BucketState, bucket: string, key: string, segments: Segment[], info: ObjectInfo): Promise<ObjectMeta> {
    const meta: ObjectMeta = { ...info, bucket, key, lastModified: Date.now(), segments };
    this.logs.append(bucket, { k: key, m: meta });
    const old = b.objects.get(key);
    if (!old) b.sorted = null;
    b.objects.set(key, meta);
    if (old) await this.dropSegments(old);
    return meta;
  }

  /** Closes the open pack file and meta logs (on sandbox stop). */
  close(): void {
    this.packs.close();
    this.logs.closeAll();
  }

  /** Copies one stored segment into a file of its own (for CopyObject). */
  async copySegment(seg: Segment, to: string): Promise<void> {
    if (seg.offset === undefined) await copyFile(this.blobPath(seg.file), to);
    else await writeFile(to, readSegmentInto(this.blobPathOf, seg, 0, Buffer.allocUnsafe(seg.size)));
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
    this.logs.append(bucket, { k: key });
    await this.dropSegments(meta);
    return true;
  }

  /** A byte stream of [start, end] (inclusive); see segment-reads.ts. */
  openRange(meta: ObjectMeta, start: number, end: number): Promise<Readable> {
    return openRange(this.blobPathOf, meta, start, end);
  }

  /** [start, end] of a small object, read with synchronous calls (see commit()). */
  readSmall(meta: ObjectMeta, start: number, end: number): Buffer {
    return readSmall(this.blobPathOf, meta, start, end);
  }

  /** Writes [start, end] to `out`; see segment-reads.ts. */
  streamRange(meta: ObjectMeta, start: number, end: number, out: Writable): Promise<void> {
    return streamRange(this.blobPathOf, meta, start, end, out);
  }

  private async dropSegments(meta: ObjectMeta): Promise<void> {
    const doomed = meta.segments.filter((seg) => seg.offset === undefined || this.packs.release(seg)).map((seg) => seg.file);
    await Promise.all(doomed.map((f) => removeQuietly(this.blobPath(f))));
  }
}
