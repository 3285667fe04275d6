// Azure has no "abort multipart upload": staged blocks of an upload that ends without a file
// stay (and are billed) until the blob is committed or a week passes. Courier drops them by
// committing an empty block list and deleting that empty blob. Checked as the account owner.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BlobServiceClient, StorageSharedKeyCredential, type ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFile, progressWhere, transferEnv, type TransferEnv } from '../../support/transfer-env';

const MiB = 1 << 20;
const PART = 5 * MiB;
let env: TransferEnv;
let container: ContainerClient;

beforeAll(async () => {
  env = await transferEnv({ storage: 'azure' });
  const a = env.sb.azureAdmin!;
  container = new BlobServiceClient(a.directEndpoint, new StorageSharedKeyCredential(a.accountName, a.accountKey)).getContainerClient(a.container);
});
afterAll(async () => env.close());

/** Blocks the blob holds (staged or committed), or 'no blob' when Azure has nothing under its name. */
async function stagedBlocks(objectKey: string): Promise<number | 'no blob'> {
  try {
    const list = await container.getBlockBlobClient(objectKey).getBlockList('all');
    return (list.uncommittedBlocks ?? []).length + (list.committedBlocks ?? []).length;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return 'no blob';
    throw e;
  }
}

describe('staged blocks of Azure uploads that end without a file', () => {
  it('are dropped when the upload is cancelled, leaving no blob behind', async () => {
    const src = join(env.dir, 'cancels.bin');
    await makeFile(src, 30 * MiB);
    const journalPath = join(env.dir, 'cancels', 'transfers.db');
    const svc = await env.service({ journalPath, limits: { partSizeBytes: PART, partsPerFile: 1, bandwidth: { bytesPerSecond: 8 * MiB } } });
    const [v] = await svc.enqueueUpload([src]);
    const id = v?.id as string;
    await progressWhere(svc, id, (x) => x.bytesDone > PART + MiB);
    const db = new Database(journalPath, { readonly: true, fileMustExist: true });
    const { object_key: key } = db.prepare('SELECT object_key FROM uploads').get() as { object_key: string };
    db.close();
    expect(await stagedBlocks(key)).toBeGreaterThan(0);
    svc.cancel(id);
    await svc.whenSettled([id]);
    expect(await svc.abortAbandoned()).toBe(0);
    await svc.close();
    expect(await stagedBlocks(key)).toBe('no blob');
    expect(env.sb.stats().azure.DeleteBlob ?? 0).toBe(1);
  });
});
