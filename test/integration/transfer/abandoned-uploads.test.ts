// An upload that ends without a file must not leave its multipart upload open on the storage
// (its parts are kept, and billed, until someone aborts it), and the journal must not forget
// an upload id while that upload may still be open. Checked with ListMultipartUploads on the
// sandbox's S3.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFile, progressWhere, transferEnv, type TransferEnv } from '../../support/transfer-env';
import { s3AdminClient } from '../../support/storage-kinds';

const MiB = 1 << 20;
const PART = 5 * MiB;
let env: TransferEnv;
let s3: S3Client;

beforeAll(async () => {
  env = await transferEnv();
  s3 = s3AdminClient(env.sb);
});
afterAll(async () => {
  s3.destroy();
  await env.close();
});

/** Object keys of the multipart uploads the storage holds open for files named `name`. */
async function openUploads(name: string): Promise<string[]> {
  const r = await s3.send(new ListMultipartUploadsCommand({ Bucket: env.sb.s3Admin.bucket }));
  return (r.Uploads ?? []).map((u) => u.Key ?? '').filter((k) => k.split('/').pop()?.startsWith(`${name}-`));
}

function tables(journalPath: string): { uploads: number; abandoned: number } {
  const db = new Database(journalPath, { readonly: true, fileMustExist: true });
  try {
    const n = (sql: string): number => (db.prepare(sql).get() as { n: number }).n;
    return { uploads: n('SELECT COUNT(*) AS n FROM uploads'), abandoned: n('SELECT COUNT(*) AS n FROM abandoned_uploads') };
  } finally {
    db.close();
  }
}

describe('multipart uploads of uploads that end without a file', () => {
  it('are aborted when the upload fails for good, and the row with its key is gone', async () => {
    const src = join(env.dir, 'fails.bin');
    await makeFile(src, 30 * MiB);
    const journalPath = join(env.dir, 'fails', 'transfers.db');
    const svc = await env.service({ journalPath, limits: { partSizeBytes: PART, partsPerFile: 2 } });
    // The storage refuses one part outright (not worth retrying): the item fails for good.
    env.sb.addFault({ op: 'UploadPart', query: '*partNumber=3*', status: 400, code: 'InvalidRequest', times: 1 });
    const [v] = await svc.enqueueUpload([src]);
    const [failed] = await svc.whenSettled([v?.id as string]);
    expect(failed?.error?.code).toBe('storage_error');
    expect(env.sb.stats().s3.CreateMultipartUpload ?? 0).toBeGreaterThan(0);
    await svc.close();
    expect(await openUploads('fails.bin')).toEqual([]);
    expect(tables(journalPath)).toEqual({ uploads: 0, abandoned: 0 });
    env.sb.clearFaults();
  });

  it('are kept when the upload fails on a fault a retry may get past: Retry resumes, cancelling the failed item aborts', async () => {
    const src = join(env.dir, 'resumes.bin');
    await makeFile(src, 30 * MiB);
    const journalPath = join(env.dir, 'resumes', 'transfers.db');
    // Two tries only, so the 503s outlast the runner's retries: the item fails, retryably.
    const svc = await env.service({ journalPath, limits: { partSizeBytes: PART, partsPerFile: 1 }, retry: { attempts: 2, baseMs: 10, capMs: 20 } });
    env.sb.addFault({ op: 'UploadPart', query: '*partNumber=3*', status: 503, code: 'SlowDown', times: 2 });
    const [v] = await svc.enqueueUpload([src]);
    const id = v?.id as string;
    const [failed] = await svc.whenSettled([id]);
    expect(failed?.state).toBe('failed');
    expect(await openUploads('resumes.bin')).toHaveLength(1);
    expect(tables(journalPath)).toEqual({ uploads: 1, abandoned: 0 });
    const partsBefore = env.sb.stats().s3.UploadPart ?? 0;
    svc.retry(id);
    const [done] = await svc.whenSettled([id]);
    expect(done?.state).toBe('done');
    // Parts 1 and 2 were already stored: the retry sent parts 3 to 6 only.
    expect((env.sb.stats().s3.UploadPart ?? 0) - partsBefore).toBe(4);

    // The same failure, then the user gives up on it: its parts go.
    const src2 = join(env.dir, 'gives-up.bin');
    await makeFile(src2, 30 * MiB);
    env.sb.addFault({ op: 'UploadPart', query: '*partNumber=3*', status: 503, code: 'SlowDown', times: 2 });
    const [w] = await svc.enqueueUpload([src2]);
    await svc.whenSettled([w?.id as string]);
    expect(await openUploads('gives-up.bin')).toHaveLength(1);
    svc.cancel(w?.id as string);
    expect(await svc.abortAbandoned()).toBe(0);
    await svc.close();
    expect(await openUploads('gives-up.bin')).toEqual([]);
    expect(tables(journalPath)).toEqual({ uploads: 0, abandoned: 0 });
    env.sb.clearFaults();
  });

  it('are aborted when cancelled', async () => {
    const src = join(env.dir, 'cancels.bin');
    await makeFile(src, 30 * MiB);
    const journalPath = join(env.dir, 'cancels', 'transfers.db');
    const svc = await env.service({ journalPath, limits: { partSizeBytes: PART, partsPerFile: 1, bandwidth: { bytesPerSecond: 8 * MiB } } });
    const [v] = await svc.enqueueUpload([src]);
    const id = v?.id as string;
    await progressWhere(svc, id, (x) => x.bytesDone > PART);
    expect(await openUploads('cancels.bin')).toHaveLength(1);
    svc.cancel(id);
    await svc.whenSettled([id]);
    await svc.close();
    expect(await openUploads('cancels.bin')).toEqual([]);
    expect(tables(journalPath)).toEqual({ uploads: 0, abandoned: 0 });
  });

  it('stay listed in the journal while the abort fails, and are aborted by a later start', async () => {
    const src = join(env.dir, 'unreachable.bin');
    await makeFile(src, 30 * MiB);
    const journalPath = join(env.dir, 'unreachable', 'transfers.db');
    const svc = await env.service({ journalPath, limits: { partSizeBytes: PART, partsPerFile: 2 }, retry: { attempts: 2, baseMs: 10, capMs: 20 } });
    env.sb.addFault({ op: 'UploadPart', query: '*partNumber=3*', status: 400, code: 'InvalidRequest', times: 1 });
    env.sb.addFault({ op: 'AbortMultipartUpload', status: 503, code: 'SlowDown' });
    const [v] = await svc.enqueueUpload([src]);
    const [failed] = await svc.whenSettled([v?.id as string]);
    // The abort's own failure does not replace the item's error.
    expect(failed?.error?.code).toBe('storage_error');
    expect(failed?.error?.message).toMatch(/InvalidRequest/);
    expect(await svc.abortAbandoned()).toBe(1);
    await svc.close();
    expect(await openUploads('unreachable.bin')).toHaveLength(1);
    expect(tables(journalPath)).toEqual({ uploads: 0, abandoned: 1 });

    env.sb.clearFaults();
    const later = await env.service({ journalPath });
    expect(await later.abortAbandoned()).toBe(0);
    await later.close();
    expect(await openUploads('unreachable.bin')).toEqual([]);
    expect(tables(journalPath)).toEqual({ uploads: 0, abandoned: 0 });
  });
});
