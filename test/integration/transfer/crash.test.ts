// kill -9 in the middle of an upload and of a download, restart a new process on the same
// journal, and prove: same bytes at the end, and nothing that was finished is sent again
// (counted at the sandbox S3).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { ListPartsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFile, sha256, transferEnv, type TransferEnv } from '../../support/transfer-env';
import { spawnEngine, type ChildLine } from '../../support/engine-process';
import type { ChildSpec } from '../../support/engine-child';

const MiB = 1 << 20;
const SIZE = 40 * MiB;
const PART = 5 * MiB; // 8 parts / ranges
let env: TransferEnv;

beforeAll(async () => {
  env = await transferEnv();
});
afterAll(async () => env.close());

function spec(over: Partial<ChildSpec>): ChildSpec {
  return {
    apiUrl: env.sb.apiUrl,
    token: env.sb.token,
    s3Endpoint: env.sb.s3Endpoint,
    journalPath: env.journalPath,
    sealerKeyHex: env.sealerKey.toString('hex'),
    op: 'resume',
    ...over,
  };
}

const past = (id: string, fraction: number) => (l: ChildLine) =>
  l.event === 'progress' && (l.items ?? []).some((i) => i.id === id && i.bytesDone >= fraction * SIZE);

function journal(path: string): Database.Database {
  return new Database(path, { readonly: true, fileMustExist: true });
}

async function idOf(p: ReturnType<typeof spawnEngine>): Promise<string> {
  const l = await p.waitFor((x) => x.event === 'enqueued');
  return l.ids?.[0] as string;
}

describe('crash safety (kill -9)', () => {
  it('resumes an upload: parts stored before the kill are never sent again', async () => {
    const src = join(env.dir, 'crash-up.bin');
    const data = await makeFile(src, SIZE);
    // Slow the first process down (8 MiB/s) so the kill lands in the middle.
    const journalPath = join(env.dir, 'crash-up', 'transfers.db');
    const first = spawnEngine(spec({ journalPath, op: 'upload', paths: [src], limits: { partSizeBytes: PART, partsPerFile: 2, bandwidth: { bytesPerSecond: 8 * MiB } } }));
    await first.waitFor(past(await idOf(first), 0.45));
    await first.kill9();

    const db = journal(journalPath);
    const up = db.prepare('SELECT upload_id, object_key FROM uploads').get() as { upload_id: string; object_key: string };
    const journaled = (db.prepare('SELECT part_no FROM upload_parts WHERE etag IS NOT NULL').all() as { part_no: number }[]).map((r) => r.part_no);
    db.close();
    expect(up.upload_id).toBeTruthy();
    expect(journaled.length).toBeGreaterThan(0);
    expect(journaled.length).toBeLessThan(8);

    // What the storage holds at the moment of the crash (whether or not the journal heard of it).
    const a = env.sb.s3Admin;
    const s3 = new S3Client({ endpoint: a.endpoint, region: a.region, forcePathStyle: true, credentials: { accessKeyId: a.accessKeyId, secretAccessKey: a.secretAccessKey } });
    const listed = await s3.send(new ListPartsCommand({ Bucket: a.bucket, Key: up.object_key, UploadId: up.upload_id }));
    s3.destroy();
    const storedAtCrash = (listed.Parts ?? []).map((p) => p.PartNumber as number);
    for (const p of journaled) expect(storedAtCrash).toContain(p);

    const second = spawnEngine(spec({ journalPath, op: 'resume' }));
    const settled = await second.waitFor((l) => l.event === 'settled');
    expect(await second.exit).toBe(0);
    const v = settled.views?.[0];
    expect({ state: v?.state, error: v?.error }).toEqual({ state: 'done', error: undefined });
    expect(sha256(await env.storage.contents(v?.remoteFileId as string))).toBe(sha256(data));

    const counts = env.sb.stats().uploadParts[up.upload_id] ?? {};
    expect(Object.keys(counts).map(Number).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const p of storedAtCrash) expect({ part: p, sent: counts[String(p)] }).toEqual({ part: p, sent: 1 });
    for (const n of Object.values(counts)) expect(n).toBeLessThanOrEqual(2); // at most the parts cut by the kill went twice
  });

  it('resumes a download: ranges written before the kill are not fetched again', async () => {
    const src = join(env.dir, 'crash-down-src.bin');
    const data = await makeFile(src, SIZE);
    const svc = await env.service({ journalPath: join(env.dir, 'other', 'j.db'), limits: { partSizeBytes: PART } });
    const [upView] = await svc.enqueueUpload([src]);
    const [up] = await svc.whenSettled([upView?.id as string]);
    await svc.close();
    const fileId = up?.remoteFileId as string;
    expect(fileId).toBeTruthy();

    const dir = join(env.dir, 'crash-dl');
    const journalPath = join(env.dir, 'crash-down', 'transfers.db');
    const first = spawnEngine(spec({ journalPath, op: 'download', ids: [fileId], dir, limits: { partSizeBytes: PART, partsPerFile: 2, bandwidth: { bytesPerSecond: 8 * MiB } } }));
    await first.waitFor(past(await idOf(first), 0.45));
    await first.kill9();
    const db = journal(journalPath);
    const done = (db.prepare('SELECT COUNT(*) AS n FROM download_ranges').get() as { n: number }).n;
    db.close();
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(8);
    const second = spawnEngine(spec({ journalPath, op: 'resume', limits: { partSizeBytes: PART } }));
    // Counted once the new process is up (a second later): a request the killed process had
    // already written to its socket can still reach the server just after the kill.
    await second.waitFor((l) => l.event === 'enqueued');
    const getsBefore = env.sb.stats().s3.GetObject ?? 0;
    const settled = await second.waitFor((l) => l.event === 'settled');
    expect(await second.exit).toBe(0);
    const v = settled.views?.[0];
    expect({ state: v?.state, error: v?.error }).toEqual({ state: 'done', error: undefined });
    expect(sha256(await readFile(join(dir, 'crash-down-src.bin')))).toBe(sha256(data));
    expect((env.sb.stats().s3.GetObject ?? 0) - getsBefore).toBe(8 - done);
  });
});
