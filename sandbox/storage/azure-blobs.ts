import type { Readable } from 'node:stream';
import type * as AzureBlob from '@azure/storage-blob';
import { DEV_ACCOUNT, DEV_ACCOUNT_KEY } from '../azure/azurite';
import type { BlobStorage, StoredBlob } from './blobs';

function status(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null && 'statusCode' in err ? (err as { statusCode?: number }).statusCode : undefined;
}

/** Blobs in Azurite, reached directly with the account key (sandbox-internal traffic skips the fault proxy). */
export class AzureBlobs implements BlobStorage {
  readonly type = 'AzureStorage' as const;
  private readonly service: AzureBlob.BlobServiceClient;

  constructor(lib: typeof AzureBlob, directEndpoint: string) {
    this.service = new lib.BlobServiceClient(directEndpoint, new lib.StorageSharedKeyCredential(DEV_ACCOUNT, DEV_ACCOUNT_KEY));
  }

  private blob(container: string, path: string): AzureBlob.BlockBlobClient {
    return this.service.getContainerClient(container).getBlockBlobClient(path);
  }

  async createContainer(container: string): Promise<void> {
    await this.service.getContainerClient(container).createIfNotExists();
  }

  async stat(container: string, path: string): Promise<StoredBlob | undefined> {
    try {
      const p = await this.blob(container, path).getProperties();
      return { size: p.contentLength ?? 0, metadata: p.metadata ?? {} };
    } catch (err) {
      if (status(err) === 404) return undefined;
      throw err;
    }
  }

  async openRange(container: string, path: string, start: number, end: number): Promise<Readable> {
    const r = await this.blob(container, path).download(start, end - start + 1);
    if (!r.readableStreamBody) throw new Error(`no body for ${container}/${path}`);
    return r.readableStreamBody as Readable;
  }

  async put(container: string, path: string, body: Buffer, metadata: Record<string, string>): Promise<void> {
    await this.blob(container, path).uploadData(body, { metadata, blobHTTPHeaders: { blobContentType: 'binary/octet-stream' } });
  }

  async delete(container: string, path: string): Promise<void> {
    await this.blob(container, path).deleteIfExists();
  }
}
