// A large file's multipart upload: parts encrypted in chain order (each part's IV is the last
// ciphertext block of the one before) and uploaded in parallel, the plaintext hashed beside
// them, and the object completed only when it is exactly what was planned.
import { encodeB64, cipherSize } from '../crypto';
import { fail, TransferError } from './errors';
import type { RunScope } from './item';
import type { PartRow, UploadRow } from './journal';
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

interface StartedPart {
  /** The part's last ciphertext block: the next part's IV, known once it is encrypted. */
  lastBlock: Promise<Buffer>;
  done: Promise<{ etag: string; cipherLength: number; lastBlock: Buffer; adopted: boolean }>;
}

/** One multipart upload of an UploadRun's file, new or continued after an interruption. */
export class MultipartUpload {
  private readonly plan: PartPlan[];
  private readonly loc: ReturnType<typeof locOf>;
  private uploadId = '';
  /** Parts storage listed for the upload being continued (null for a new one). */
  private listed: Map<number, PartInfo> | null = null;
  /** Parts encrypted or stored, by number, as the journal has them. */
  private done = new Map<number, PartRow>();

  constructor(
    private readonly scope: RunScope,
    private readonly row: UploadRow,
    private readonly stamp: FileStamp,
  ) {
    this.plan = planParts(row.fileSize, row.partSize);
    this.loc = locOf(row);
  }

  async run(): Promise<void> {
    const { item, svc, signal } = this.scope;
    const row = this.row;
    if (row.uploadId && (await this.continued(row.uploadId))) return;
    if (!row.uploadId) {
      const r = await svc.runner.exec<'createMultipart'>((creds) => ({ op: 'createMultipart', loc: this.loc(creds), metadata: metadataOf(row) }), { signal });
      row.uploadId = r.uploadId;
      svc.journal.patchUpload(item.id, { uploadId: r.uploadId }, true);
    }
    this.uploadId = row.uploadId;
    const sha = await this.sendParts();
    await this.checkAndComplete();
    row.sha512 = sha;
    svc.journal.patchUpload(item.id, { sha512: sha, phase: 'uploaded' }, true);
  }

  /**
   * An interrupted upload: lists its stored parts to continue it; if storage no longer has it,
   * either it was completed before the crash (true: nothing left to do) or it starts over.
   */
  private async continued(uploadId: string): Promise<boolean> {
    const { item, svc, signal } = this.scope;
    const lp = await svc.runner.exec<'listParts'>((creds) => ({ op: 'listParts', loc: this.loc(creds), uploadId }), { signal });
    if (lp.exists) {
      this.listed = new Map(lp.parts.map((p) => [p.partNumber, p]));
      return false;
    }
    if (await this.completedEarlier()) return true;
    // Azure has nothing to list before the first block lands: not worth a notice then.
    if (svc.journal.getParts(item.id).some((p) => p.etag))
      this.scope.report.notice(
        item,
        'upload_expired',
        'The storage no longer has the unfinished upload (expired or aborted); sending this file again from the start.',
      );
    svc.journal.putUpload({ ...this.row, uploadId: null }); // also forgets the recorded parts
    this.row.uploadId = null;
    return false;
  }

  /** Every part not stored yet, in chain order, with the SHA-512 of the plaintext beside them; gives the hash. */
  private async sendParts(): Promise<string> {
    const { item, svc } = this.scope;
    const row = this.row;
    // SHA-512 of the plaintext runs in another worker over the same file, beside the encryption.
    const pipe = new PartPipeline(this.scope.signal, svc.limits().partsPerFile);
    const hashP: Promise<string> = row.sha512
      ? Promise.resolve(row.sha512)
      : pipe.side(svc.runner.local<'hashFile'>({ op: 'hashFile', path: item.row.localPath, stamp: this.stamp }, { signal: pipe.signal }).then((h) => h.sha512));

    this.done = new Map(svc.journal.getParts(item.id).map((p) => [p.partNo, p]));
    try {
      let iv: Buffer = row.iv;
      for (const p of this.plan) {
        const known = this.done.get(p.partNo);
        if (known?.etag) {
          item.committed += p.length;
          item.noteResumed(p.length);
          iv = known.lastBlock;
          continue;
        }
        iv = await this.sendPart(pipe, p, iv, known);
      }
    } catch (e) {
      pipe.fail(e);
    }
    return pipe.finish(hashP, '');
  }

  /** Starts one part once a part slot and its memory are free; gives the next part's IV. */
  private async sendPart(pipe: PartPipeline, p: PartPlan, iv: Buffer, known: PartRow | undefined): Promise<Buffer> {
    const { item, svc } = this.scope;
    const releasePart = await pipe.slot();
    const releaseMem = await svc.memory.acquire(p.cipherLength, pipe.signal).catch((e: unknown) => {
      releasePart();
      throw e;
    });
    const listedPart = this.listed?.get(p.partNo);
    const verifyEtag = listedPart && listedPart.size === p.cipherLength ? listedPart.etag : undefined;
    const started = this.startPart(p, iv, verifyEtag, pipe.signal);
    started.lastBlock.catch(() => undefined); // a failure is reported through `done`
    pipe.add(
      started.done,
      (r) => {
        if (r.adopted) item.noteResumed(p.length); // stored before the interruption; not sent again
        svc.journal.partUploaded(item.id, p.partNo, r.lastBlock, r.cipherLength, r.etag);
        this.done.set(p.partNo, { partNo: p.partNo, lastBlock: r.lastBlock, etag: r.etag, cipherLen: r.cipherLength });
        item.committed += p.length;
      },
      () => {
        releasePart();
        releaseMem();
      },
    );
    if (known) return known.lastBlock;
    const next = await started.lastBlock;
    svc.journal.partEncrypted(item.id, p.partNo, next, p.cipherLength);
    return next;
  }

  private startPart(p: PartPlan, iv: Buffer, verifyEtag: string | undefined, signal: AbortSignal): StartedPart {
    const { item, svc } = this.scope;
    const { row, uploadId, stamp } = this;
    let gotBlock: (b: Buffer) => void = () => undefined;
    const lastBlock = new Promise<Buffer>((resolve) => (gotBlock = resolve));
    const tracked = { r: null as Running<'uploadPart'> | null };
    const done = svc.runner
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
   * upload 32 MB short): every part present, each the planned size, in the journal and in the
   * storage's own list. That list is the last check, and enough: Complete names every part with
   * its tag (S3: ETag, refused with InvalidPart if it differs; Azure: a block id that carries the
   * part's last cipher block), so the storage assembles exactly the parts just listed, or fails.
   * A HEAD of the completed object would only repeat this, at one more round trip per file.
   */
  private async checkAndComplete(): Promise<void> {
    const { svc, signal } = this.scope;
    const { row, plan, uploadId, loc } = this;
    const parts: { partNumber: number; etag: string }[] = [];
    let total = 0;
    for (const p of plan) {
      const d = this.done.get(p.partNo);
      if (!d?.etag) throw fail('incomplete_upload', `Part ${p.partNo} of ${plan.length} was never stored; refusing to complete the upload`);
      if (d.cipherLen !== p.cipherLength) throw fail('incomplete_upload', `Part ${p.partNo} is ${d.cipherLen} bytes, expected ${p.cipherLength}`);
      parts.push({ partNumber: p.partNo, etag: d.etag });
      total += d.cipherLen;
    }
    if (total !== cipherSize(row.fileSize)) throw fail('incomplete_upload', `Parts add up to ${total} bytes, expected ${cipherSize(row.fileSize)}`);
    const lp = await svc.runner.exec<'listParts'>((creds) => ({ op: 'listParts', loc: loc(creds), uploadId }), { signal });
    if (!lp.exists) throw fail('incomplete_upload', 'The multipart upload disappeared before completion', true);
    const stored = new Map(lp.parts.map((p) => [p.partNumber, p]));
    for (const p of plan) {
      const s = stored.get(p.partNo);
      if (!s || s.size !== p.cipherLength) {
        throw fail('incomplete_upload', `Storage lists part ${p.partNo} as ${s ? `${s.size} bytes` : 'missing'}, expected ${p.cipherLength}`);
      }
    }
    const metadata = metadataOf(row);
    try {
      await svc.runner.exec<'completeMultipart'>((creds) => ({ op: 'completeMultipart', loc: loc(creds), uploadId, parts, metadata }), { signal });
    } catch (e) {
      // The answer to an earlier attempt was lost (a dropped connection, a 5xx after the work was
      // done): S3 completed the object and forgot the upload id, so the runner's retry is told
      // NoSuchUpload (404). The object, if it is ours to the byte count and IV, is the result.
      if (!(e instanceof TransferError && e.status === 404 && (await this.storedObjectIsOurs()))) throw e;
    }
  }

  /** Whether the object at our key is the one this upload makes: its encrypted size and our IV. */
  private async storedObjectIsOurs(): Promise<boolean> {
    const { svc, signal } = this.scope;
    const row = this.row;
    const head = await svc.runner.exec<'headObject'>((creds) => ({ op: 'headObject', loc: this.loc(creds) }), { signal });
    return head.exists && head.size === cipherSize(row.fileSize) && head.metadata.iv === encodeB64(row.iv);
  }

  /** After a crash between CompleteMultipartUpload and the journal: is the object already whole? */
  private async completedEarlier(): Promise<boolean> {
    const { item, svc, signal } = this.scope;
    const row = this.row;
    if (!(await this.storedObjectIsOurs())) return false;
    if (!row.sha512) {
      const h = await svc.runner.local<'hashFile'>({ op: 'hashFile', path: item.row.localPath, stamp: this.stamp }, { signal });
      row.sha512 = h.sha512;
    }
    svc.journal.patchUpload(item.id, { sha512: row.sha512, phase: 'uploaded' }, true);
    return true;
  }
}
