// What differs between an S3 and an Azure sandbox for the transfer tests that run on both: how
// to read a stored object as the storage's owner (no counting, no faults), what it holds of an
// unfinished upload, and the operation names its counters and fault rules use.
import { GetObjectCommand, HeadObjectCommand, ListPartsCommand, S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { RunningSandbox } from '../../sandbox';
import type { SandboxStorageKind } from '../../sandbox/options';

export const STORAGE_KINDS: SandboxStorageKind[] = ['s3', 'azure'];

/** Operation names as the sandbox counts them and as fault rules match them. */
export function opNames(kind: SandboxStorageKind): { part: string; get: string; whole: string } {
  return kind === 'azure' ? { part: 'PutBlock', get: 'GetBlob', whole: 'PutBlob' } : { part: 'UploadPart', get: 'GetObject', whole: 'PutObject' };
}

/** An S3 client with the sandbox's owner keys (reads and lists without the per-session limits). */
export function s3AdminClient(sb: Pick<RunningSandbox, 's3Admin'>): S3Client {
  const a = sb.s3Admin;
  return new S3Client({
    endpoint: a.endpoint,
    region: a.region,
    forcePathStyle: true,
    credentials: { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

function container(sb: RunningSandbox, name: string) {
  const a = sb.azureAdmin;
  if (!a) throw new Error('not an Azure sandbox');
  return new BlobServiceClient(a.directEndpoint, new StorageSharedKeyCredential(a.accountName, a.accountKey)).getContainerClient(name);
}

/** The stored ciphertext and its user metadata, read straight from the storage. */
export async function readStored(sb: RunningSandbox, bucket: string, key: string): Promise<{ cipher: Buffer; metadata: Record<string, string> }> {
  if (sb.azureAdmin) {
    const blob = container(sb, bucket).getBlockBlobClient(key);
    const props = await blob.getProperties();
    return { cipher: await blob.downloadToBuffer(), metadata: props.metadata ?? {} };
  }
  const s3 = s3AdminClient(sb);
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const cipher = Buffer.from(await (obj.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
    return { cipher, metadata: head.Metadata ?? {} };
  } finally {
    s3.destroy();
  }
}

/**
 * What the storage holds of an unfinished upload, as part numbers with the id each was sent
 * under in the sandbox's counters (S3: the upload id's part numbers; Azure: the blob's block ids).
 */
export async function heldParts(sb: RunningSandbox, bucket: string, key: string, uploadId: string): Promise<{ part: number; counterKey: string }[]> {
  if (sb.azureAdmin) {
    const list = await container(sb, bucket).getBlockBlobClient(key).getBlockList('uncommitted');
    return (list.uncommittedBlocks ?? []).map((b) => ({ part: Number(Buffer.from(b.name, 'base64').toString('latin1').slice(0, 5)), counterKey: b.name }));
  }
  const s3 = s3AdminClient(sb);
  try {
    const listed = await s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
    return (listed.Parts ?? []).map((p) => ({ part: p.PartNumber as number, counterKey: String(p.PartNumber) }));
  } finally {
    s3.destroy();
  }
}

/**
 * Stores `body` in place of a part of an unfinished upload, as the storage's owner (uncounted):
 * S3 UploadPart under the same number, Azure Put Block under the same block id (the one
 * `heldParts` gives as its counter key). Plays a store that lost or truncated a part.
 */
export async function replacePart(
  sb: RunningSandbox,
  at: { bucket: string; key: string; uploadId: string },
  part: { part: number; counterKey: string },
  body: Buffer,
): Promise<void> {
  if (sb.azureAdmin) {
    await container(sb, at.bucket).getBlockBlobClient(at.key).stageBlock(part.counterKey, body, body.length);
    return;
  }
  const s3 = s3AdminClient(sb);
  try {
    await s3.send(new UploadPartCommand({ Bucket: at.bucket, Key: at.key, UploadId: at.uploadId, PartNumber: part.part, Body: body }));
  } finally {
    s3.destroy();
  }
}

/** Parts sent per counter key (see heldParts) for one upload. */
export function partsSent(sb: RunningSandbox, bucket: string, key: string, uploadId: string): Record<string, number> {
  const s = sb.stats();
  return (sb.azureAdmin ? s.azureBlocks[`${bucket}/${key}`] : s.uploadParts[uploadId]) ?? {};
}
