import type { Readable } from 'node:stream';
import type { ObjectStore } from '../s3/object-store';

export type StorageType = 'S3Storage' | 'AzureStorage';

export interface StoredBlob {
  size: number;
  /** User metadata, lower-case keys (`iv`). */
  metadata: Record<string, string>;
}

/**
 * What the API side (registration, /contents/, job outputs, deletes) needs from the storage
 * service, so the same handlers run on an S3 or an Azure account.
 */
export interface BlobStorage {
  readonly type: StorageType;
  stat(container: string, path: string): Promise<StoredBlob | undefined>;
  /** Bytes `start..end` inclusive (the caller keeps them inside the blob). */
  openRange(container: string, path: string, start: number, end: number): Promise<Readable>;
  put(container: string, path: string, body: Buffer, metadata: Record<string, string>): Promise<void>;
  delete(container: string, path: string): Promise<void>;
}

/** The sandbox's own S3 object store. */
export class S3Blobs implements BlobStorage {
  readonly type = 'S3Storage' as const;
  constructor(private readonly objects: ObjectStore) {}

  stat(container: string, path: string): Promise<StoredBlob | undefined> {
    const o = this.objects.get(container, path);
    return Promise.resolve(o ? { size: o.size, metadata: o.metadata } : undefined);
  }

  async openRange(container: string, path: string, start: number, end: number): Promise<Readable> {
    const o = this.objects.get(container, path);
    if (!o) throw new Error(`no object at ${container}/${path}`);
    return this.objects.openRange(o, start, end);
  }

  async put(container: string, path: string, body: Buffer, metadata: Record<string, string>): Promise<void> {
    await this.objects.putBuffer(container, path, body, { contentType: 'binary/octet-stream', headers: {}, metadata });
  }

  async delete(container: string, path: string): Promise<void> {
    await this.objects.delete(container, path);
  }
}
