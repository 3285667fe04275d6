import { createHash } from 'node:crypto';
import { readdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { ensureDir, removeQuietly, writeFileAtomic } from '../util/fsx';
import { isSafeId, randomString } from '../util/ids';
import { s3err } from './errors';
import type { ObjectInfo } from './object-store';

export interface PartInfo {
  partNumber: number;
  etag: string;
  size: number;
  file: string;
  lastModified: number;
}

export interface UploadInfo {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: number;
  contentType: string;
  headers: Record<string, string>;
  metadata: Record<string, string>;
}

interface Upload {
  info: UploadInfo;
  parts: Map<number, PartInfo>;
  completing: boolean;
}

const MIN_PART = 5 << 20;

export const normEtag = (e: string): string =>
  e
    .trim()
    .replace(/^"+|"+$/g, '')
    .toLowerCase();

/** In-progress multipart uploads: one directory per upload, parts as files with JSON sidecars. */
export class UploadStore {
  private readonly uploads = new Map<string, Upload>();

  private constructor(private readonly root: string) {}

  static async open(root: string): Promise<UploadStore> {
    const store = new UploadStore(root);
    await ensureDir(root);
    for (const id of await readdir(root)) {
      const dir = path.join(root, id);
      try {
        const info = JSON.parse(await readFile(path.join(dir, 'upload.json'), 'utf8')) as UploadInfo;
        const parts = new Map<number, PartInfo>();
        for (const f of await readdir(dir)) {
          if (!/^part-\d+\.json$/.test(f)) continue;
          const p = JSON.parse(await readFile(path.join(dir, f), 'utf8')) as PartInfo;
          parts.set(p.partNumber, p);
        }
        store.uploads.set(id, { info, parts, completing: false });
      } catch {
        await removeQuietly(dir); // an upload that never finished being created
      }
    }
    return store;
  }

  async create(bucket: string, key: string, info: Pick<UploadInfo, 'contentType' | 'headers' | 'metadata'>): Promise<UploadInfo> {
    const uploadId = randomString(48);
    const full: UploadInfo = { uploadId, bucket, key, initiated: Date.now(), ...info };
    await ensureDir(path.join(this.root, uploadId));
    await writeFileAtomic(path.join(this.root, uploadId, 'upload.json'), JSON.stringify(full));
    this.uploads.set(uploadId, { info: full, parts: new Map(), completing: false });
    return full;
  }

  /** The upload, if it exists for this bucket/key and is still open. */
  get(uploadId: string, bucket: string, key: string): Upload {
    const u = isSafeId(uploadId) ? this.uploads.get(uploadId) : undefined;
    if (!u || u.completing || u.info.bucket !== bucket || u.info.key !== key) throw s3err.noSuchUpload(uploadId);
    return u;
  }

  list(bucket: string): UploadInfo[] {
    return [...this.uploads.values()].filter((u) => u.info.bucket === bucket && !u.completing).map((u) => u.info);
  }

  partFile(uploadId: string, partNumber: number): string {
    return path.join(this.root, uploadId, `part-${partNumber}-${randomString(10)}.bin`);
  }

  async putPart(upload: Upload, partNumber: number, tmp: string, size: number, etag: string): Promise<PartInfo> {
    const file = this.partFile(upload.info.uploadId, partNumber);
    await rename(tmp, file);
    const part: PartInfo = { partNumber, etag, size, file, lastModified: Date.now() };
    await writeFileAtomic(path.join(this.root, upload.info.uploadId, `part-${partNumber}.json`), JSON.stringify(part));
    const old = upload.parts.get(partNumber);
    upload.parts.set(partNumber, part);
    if (old && old.file !== file) await removeQuietly(old.file);
    return part;
  }

  /**
   * Checks the client's part list like S3 does (ascending, every part present with the
   * same ETag, all but the last ≥ 5 MiB) and returns what the object store needs.
   */
  begin(upload: Upload, requested: { partNumber: number; etag: string }[]): { files: { path: string; size: number }[]; info: ObjectInfo } {
    if (requested.length === 0) throw s3err.malformedXml();
    const chosen: PartInfo[] = [];
    let prev = 0;
    for (const r of requested) {
      if (r.partNumber <= prev) throw s3err.invalidPartOrder();
      prev = r.partNumber;
      const part = upload.parts.get(r.partNumber);
      if (!part || normEtag(part.etag) !== normEtag(r.etag)) throw s3err.invalidPart();
      chosen.push(part);
    }
    if (chosen.slice(0, -1).some((p) => p.size < MIN_PART)) throw s3err.entityTooSmall();
    const md5s = createHash('md5');
    for (const p of chosen) {
      const e = normEtag(p.etag);
      md5s.update(/^[0-9a-f]{32}$/.test(e) ? Buffer.from(e, 'hex') : Buffer.from(e)); // fast ETags are not hex MD5s
    }
    upload.completing = true;
    const { contentType, headers, metadata } = upload.info;
    return {
      files: chosen.map((p) => ({ path: p.file, size: p.size })),
      info: {
        size: chosen.reduce((n, p) => n + p.size, 0),
        etag: `"${md5s.digest('hex')}-${chosen.length}"`,
        contentType,
        headers,
        metadata,
        partsCount: chosen.length,
      },
    };
  }

  /** Called after a successful complete (or an abort): drops leftovers. */
  async finish(uploadId: string): Promise<void> {
    this.uploads.delete(uploadId);
    await removeQuietly(path.join(this.root, uploadId));
  }

  reopen(upload: Upload): void {
    upload.completing = false;
  }
}
