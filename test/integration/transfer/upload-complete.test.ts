// The end of a large upload: what it asks the storage (counted at the sandbox), and that a
// storage listing a part other than as sent still stops the upload before it is completed.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TransferService } from '../../../main/core/transfer/service';
import { heldParts, replacePart, STORAGE_KINDS } from '../../support/storage-kinds';
import { makeFile, progressWhere, sha256, transferEnv, type TransferEnv } from '../../support/transfer-env';

const MiB = 1 << 20;
const PART = 5 * MiB;

/** Operation names at the sandbox's storage side, per back end. */
const OPS = {
  s3: { start: 'CreateMultipartUpload', part: 'UploadPart', list: 'ListParts', complete: 'CompleteMultipartUpload', head: 'HeadObject' },
  azure: { start: 'none', part: 'PutBlock', list: 'GetBlockList', complete: 'PutBlockList', head: 'GetBlobProperties' },
};

describe.each(STORAGE_KINDS)('completing a large upload (%s)', (kind) => {
  const ops = OPS[kind];
  let env: TransferEnv;
  let svc: TransferService;
  const opCounts = (): Record<string, number> => (kind === 'azure' ? env.sb.stats().azure : env.sb.stats().s3);

  beforeAll(async () => {
    env = await transferEnv({ storage: kind });
    svc = await env.service({ limits: { partSizeBytes: PART, partsPerFile: 1 } });
  });
  afterAll(async () => env.close());

  it('lists the parts once and completes, with no HEAD of the completed object', async () => {
    const p = join(env.dir, 'whole.bin');
    const data = await makeFile(p, 3 * PART - 7);
    env.sb.resetStats();
    const [v] = await svc.enqueueUpload([p]);
    const [done] = await svc.whenSettled([v?.id as string]);
    expect({ state: done?.state, error: done?.error }).toEqual({ state: 'done', error: undefined });
    const counts = opCounts();
    expect({
      start: counts[ops.start] ?? 0,
      parts: counts[ops.part],
      lists: counts[ops.list],
      completes: counts[ops.complete],
      heads: counts[ops.head] ?? 0,
    }).toEqual({ start: kind === 'azure' ? 0 : 1, parts: 3, lists: 1, completes: 1, heads: 0 });
    expect(sha256(await env.storage.contents(done?.remoteFileId as string))).toBe(sha256(data));
  });

  it('a completion whose answer was lost is found done, not failed (the retry finds no upload on S3)', async () => {
    const p = join(env.dir, 'lost-answer.bin');
    const data = await makeFile(p, 2 * PART + 3);
    env.sb.addFault({ op: ops.complete, status: 500, times: 1, applyEffect: true });
    const [v] = await svc.enqueueUpload([p]);
    const [done] = await svc.whenSettled([v?.id as string]);
    expect({ state: done?.state, error: done?.error }).toEqual({ state: 'done', error: undefined });
    expect(sha256(await env.storage.contents(done?.remoteFileId as string))).toBe(sha256(data));
  });

  it('refuses to complete when the storage lists a stored part shorter than sent', async () => {
    const p = join(env.dir, 'short.bin');
    await makeFile(p, 3 * PART - 7);
    svc.setLimits({ bandwidth: { bytesPerSecond: 8 * MiB } }); // time to pause it after part 1
    const [v] = await svc.enqueueUpload([p]);
    const id = v?.id as string;
    // One part in flight at a time, so past 6 MiB part 1 is stored and journaled.
    await progressWhere(svc, id, (x) => x.bytesDone >= 6 * MiB);
    svc.pause(id);
    await progressWhere(svc, id, (x) => x.state === 'paused');
    svc.setLimits({ bandwidth: { bytesPerSecond: null } });

    const db = new Database(env.journalPath, { readonly: true, fileMustExist: true });
    const up = db.prepare('SELECT upload_id AS uploadId, object_key AS key, bucket FROM uploads').get() as { uploadId: string; key: string; bucket: string };
    db.close();
    const first = (await heldParts(env.sb, up.bucket, up.key, up.uploadId)).find((h) => h.part === 1);
    expect(first).toBeDefined();
    await replacePart(env.sb, up, first as { part: number; counterKey: string }, Buffer.alloc(16));

    const completes = opCounts()[ops.complete] ?? 0;
    svc.resume(id);
    const [failed] = await svc.whenSettled([id]);
    expect(failed?.state).toBe('failed');
    expect(failed?.error).toEqual({
      code: 'incomplete_upload',
      message: expect.stringMatching(new RegExp(`Storage lists part 1 as 16 bytes, expected ${PART}`)),
    });
    expect(opCounts()[ops.complete] ?? 0).toBe(completes);
  });
});
