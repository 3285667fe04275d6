// A large file's multipart upload: parts encrypted in chain order (each part's IV is the last
// ciphertext block of the one before) and uploaded in parallel, the plaintext hashed beside
// them, and the object completed only when it is exactly what was planned.
import { encodeB64, cipherSize } from '../crypto';
import { fail } from './errors';
import type { JobCtx, LiveItem } from './item';
import type { UploadRow } from './journal';
import type { FileStamp, PartInfo } from './worker/protocol';
import type { Running } from './pool';
import { PartPipeline } from './part-pipeline';
import { locOf } from './upload-leftovers';
import { planParts, type PartPlan } from './upload-plan';

export { locOf };

export function metadataOf(row: UploadRow): Record<string, string> {
  // iv is what the platform needs; the other two are hints Interlink's streaming download reads.
  return { iv: encodeB64(row.iv), streamingformat: 'cbc', partsize: String(row.partSize) };
}

export async function multipart(item: LiveItem, row: UploadRow, stamp: FileStamp, ctx: JobCtx, signal: AbortSignal): Promise<void> {
  const loc = locOf(row);
  const plan = planParts(row.fileSize, row.partSize);
  let listed: Map<number, PartInfo> | null = null;
  if (row.uploadId) {
    const uploadId = row.uploadId;
    const lp = await ctx.runner.exec<'listParts'>((creds) => ({ op: 'listParts', loc: loc(creds), uploadId }), { signal });
    if (lp.exists) {
      listed = new Map(lp.parts.map((p) => [p.partNumber, p]));
    } else {
      if (await completedEarlier(item, row, stamp, ctx, signal)) return;
      // Azure has nothing to list before the first block lands: not worth a notice then.
      if (ctx.journal.getParts(item.id).some((p) => p.etag))
        ctx.notice(item, 'upload_expired', 'The storage no longer has the unfinished upload (expired or aborted); sending this file again from the start.');
      ctx.journal.putUpload({ ...row, uploadId: null }); // also forgets the recorded parts
      row.uploadId = null;
    }
  }
  if (!row.uploadId) {
    const r = await ctx.runner.exec<'createMultipart'>((creds) => ({ op: 'createMultipart', loc: loc(creds), metadata: metadataOf(row) }), { signal });
    row.uploadId = r.uploadId;
    ctx.journal.patchUpload(item.id, { uploadId: r.uploadId }, true);
  }
  const uploadId = row.uploadId;

  // SHA-512 of the plaintext runs in another worker over the same file, beside the encryption.
  const pipe = new PartPipeline(signal, ctx.limits().partsPerFile);
  const hashP: Promise<string> = row.sha512
    ? Promise.resolve(row.sha512)
    : pipe.side(ctx.runner.local<'hashFile'>({ op: 'hashFile', path: item.row.localPath, stamp }, { signal: pipe.signal }).then((h) => h.sha512));

  const done = new Map(ctx.journal.getParts(item.id).map((p) => [p.partNo, p]));
  try {
    let iv: Buffer = row.iv;
    for (const p of plan) {
      const known = done.get(p.partNo);
      if (known?.etag) {
        item.committed += p.length;
        ctx.noteResumed(item, p.length);
        iv = known.lastBlock;
        continue;
      }
      const releasePart = await pipe.slot();
      const releaseMem = await ctx.memory.acquire(p.cipherLength, pipe.signal).catch((e: unknown) => {
        releasePart();
        throw e;
      });
      const listedPart = listed?.get(p.partNo);
      const verifyEtag = listedPart && listedPart.size === p.cipherLength ? listedPart.etag : undefined;
      const started = startPart(item, row, p, iv, uploadId, stamp, verifyEtag, ctx, pipe.signal);
      started.lastBlock.catch(() => undefined); // a failure is reported through `done`
      pipe.add(
        started.done,
        (r) => {
          if (r.adopted) ctx.noteResumed(item, p.length); // stored before the interruption; not sent again
          ctx.journal.partUploaded(item.id, p.partNo, r.lastBlock, r.cipherLength, r.etag);
          done.set(p.partNo, { partNo: p.partNo, lastBlock: r.lastBlock, etag: r.etag, cipherLen: r.cipherLength });
          item.committed += p.length;
        },
        () => {
          releasePart();
          releaseMem();
        },
      );
      if (known) iv = known.lastBlock;
      else {
        iv = await started.lastBlock;
        ctx.journal.partEncrypted(item.id, p.partNo, iv, p.cipherLength);
      }
    }
  } catch (e) {
    pipe.fail(e);
  }
  const sha = await pipe.finish(hashP, '');

  await checkAndComplete(row, plan, done, uploadId, ctx, signal);
  row.sha512 = sha;
  ctx.journal.patchUpload(item.id, { sha512: sha, phase: 'uploaded' }, true);
}

function startPart(
  item: LiveItem,
  row: UploadRow,
  p: PartPlan,
  iv: Buffer,
  uploadId: string,
  stamp: FileStamp,
  verifyEtag: string | undefined,
  ctx: JobCtx,
  signal: AbortSignal,
): { lastBlock: Promise<Buffer>; done: Promise<{ etag: string; cipherLength: number; lastBlock: Buffer; adopted: boolean }> } {
  let gotBlock: (b: Buffer) => void = () => undefined;
  const lastBlock = new Promise<Buffer>((resolve) => (gotBlock = resolve));
  const tracked = { r: null as Running<'uploadPart'> | null };
  const done = ctx.runner
    .exec<'uploadPart'>(
      (creds) => ({
        op: 'uploadPart',
        loc: { creds, bucket: row.bucket, key: row.objectKey },
        uploadId,
        partNumber: p.partNo,
        path: item.row.localPath,
        offset: p.offset,
        length: p.length,
        final: p.final,
        bufferSize: row.partSize + 16,
        key: row.key,
        iv,
        stamp,
        ...(verifyEtag ? { verifyEtag } : {}),
      }),
      {
        signal,
        track: (r) => {
          item.track(r, tracked);
          if (r) void r.lastBlock().then((b) => b && gotBlock(b));
        },
      },
    )
    .then((r) => {
      const lb = Buffer.from(r.lastBlock);
      gotBlock(lb);
      return { etag: r.etag, cipherLength: r.cipherLength, lastBlock: lb, adopted: r.adopted };
    });
  // If the part fails before encrypting, the loop's await must not hang: surface the failure.
  return { lastBlock: Promise.race([lastBlock, done.then((r) => r.lastBlock)]), done };
}

/**
 * Never complete an object that is not exactly what we planned (Interlink once completed an
 * upload 32 MB short): every part present, each the planned size, and S3 agreeing.
 */
async function checkAndComplete(
  row: UploadRow,
  plan: PartPlan[],
  done: Map<number, { etag: string | null; cipherLen: number }>,
  uploadId: string,
  ctx: JobCtx,
  signal: AbortSignal,
): Promise<void> {
  const loc = locOf(row);
  const parts: { partNumber: number; etag: string }[] = [];
  let total = 0;
  for (const p of plan) {
    const d = done.get(p.partNo);
    if (!d?.etag) throw fail('incomplete_upload', `Part ${p.partNo} of ${plan.length} was never stored; refusing to complete the upload`);
    if (d.cipherLen !== p.cipherLength) throw fail('incomplete_upload', `Part ${p.partNo} is ${d.cipherLen} bytes, expected ${p.cipherLength}`);
    parts.push({ partNumber: p.partNo, etag: d.etag });
    total += d.cipherLen;
  }
  if (total !== cipherSize(row.fileSize)) throw fail('incomplete_upload', `Parts add up to ${total} bytes, expected ${cipherSize(row.fileSize)}`);
  const lp = await ctx.runner.exec<'listParts'>((creds) => ({ op: 'listParts', loc: loc(creds), uploadId }), { signal });
  if (!lp.exists) throw fail('incomplete_upload', 'The multipart upload disappeared before completion', true);
  const stored = new Map(lp.parts.map((p) => [p.partNumber, p]));
  for (const p of plan) {
    const s = stored.get(p.partNo);
    if (!s || s.size !== p.cipherLength) {
      throw fail('incomplete_upload', `Storage lists part ${p.partNo} as ${s ? `${s.size} bytes` : 'missing'}, expected ${p.cipherLength}`);
    }
  }
  const metadata = metadataOf(row);
  await ctx.runner.exec<'completeMultipart'>((creds) => ({ op: 'completeMultipart', loc: loc(creds), uploadId, parts, metadata }), { signal });
  const head = await ctx.runner.exec<'headObject'>((creds) => ({ op: 'headObject', loc: loc(creds) }), { signal });
  if (!head.exists || head.size !== cipherSize(row.fileSize)) {
    throw fail('incomplete_upload', `The completed object is ${head.exists ? head.size : 'missing'} bytes, expected ${cipherSize(row.fileSize)}`);
  }
}

/** After a crash between CompleteMultipartUpload and the journal: is the object already whole? */
async function completedEarlier(item: LiveItem, row: UploadRow, stamp: FileStamp, ctx: JobCtx, signal: AbortSignal): Promise<boolean> {
  const head = await ctx.runner.exec<'headObject'>((creds) => ({ op: 'headObject', loc: locOf(row)(creds) }), { signal });
  if (!head.exists || head.size !== cipherSize(row.fileSize) || head.metadata.iv !== encodeB64(row.iv)) return false;
  if (!row.sha512) {
    const h = await ctx.runner.local<'hashFile'>({ op: 'hashFile', path: item.row.localPath, stamp }, { signal });
    row.sha512 = h.sha512;
  }
  ctx.journal.patchUpload(item.id, { sha512: row.sha512, phase: 'uploaded' }, true);
  return true;
}
