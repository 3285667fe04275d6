// kill -9 in the middle of an upload and of a download, restart a new process on the same
// journal, and prove: same bytes at the end, and nothing that was finished is sent again
// (counted at the sandbox's storage: S3, or the Azure blob proxy in front of Azurite).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heldParts, opNames, partsSent, STORAGE_KINDS } from '../../support/storage-kinds';
import { makeFile, sha256, transferEnv, type TransferEnv } from '../../support/transfer-env';
import { spawnEngine, type ChildLine } from '../../support/engine-process';
import type { ChildSpec } from '../../support/engine-child';

const MiB = 1 << 20;
const SIZE = 40 * MiB;
const PART = 5 * MiB; // 8 parts / ranges

const past = (id: string, fraction: number) => (l: ChildLine) =>
  l.event === 'progress' && (l.items ?? []).some((i) => i.id === id && i.bytesDone >= fraction * SIZE);

function journal(path: string): Database.Database {
  return new Database(path, { readonly: true, fileMustExist: true });
}

async function idOf(p: ReturnType<typeof spawnEngine>): Promise<string> {
  const l = await p.waitFor((x) => x.event === 'enqueued');
  return l.ids?.[0] as string;
}

describe.each(STORAGE_KINDS)('crash safety (kill -9) on %s', (kind) => {
  let env: TransferEnv;

  beforeAll(async () => {
    env = await transferEnv({ storage: kind });
  });
  afterAll(async () => env.close());

  function spec(over: Partial<ChildSpec>): ChildSpec {
    return {
      apiUrl: env.sb.apiUrl,
      token: env.sb.token,
      s3Endpoint: env.sb.s3Endpoint,
      azureBlobEndpoint: env.sb.azureBlobEndpoint,
      journalPath: env.journalPath,
      sealerKeyHex: env.sealerKey.toString('hex'),
      op: 'resume',
      ...over,
    };
  }

  it('resumes an upload: parts stored before the kill are never sent again', async () => {
    const src = join(env.dir, 'crash-up.bin');
    const data = await makeFile(src, SIZE);
    // Slow the first process down (8 MiB/s) so the kill lands in the middle.
    const journalPath = join(env.dir, 'crash-up', 'transfers.db');
    const first = spawnEngine(
      spec({ journalPath, op: 'upload', paths: [src], limits: { partSizeBytes: PART, partsPerFile: 2, bandwidth: { bytesPerSecond: 8 * MiB } } }),
    );
    await first.waitFor(past(await idOf(first), 0.45));
    await first.kill9();

    const db = journal(journalPath);
    const up = db.prepare('SELECT upload_id, object_key, bucket FROM uploads').get() as { upload_id: string; object_key: string; bucket: string };
    const journaled = (db.prepare('SELECT part_no FROM upload_parts WHERE etag IS NOT NULL').all() as { part_no: number }[]).map((r) => r.part_no);
    db.close();
    expect(up.upload_id).toBeTruthy();
    expect(journaled.length).toBeGreaterThan(0);
    expect(journaled.length).toBeLessThan(8);

    // What the storage holds at the moment of the crash (whether or not the journal heard of it).
    const held = await heldParts(env.sb, up.bucket, up.object_key, up.upload_id);
    const storedAtCrash = held.map((h) => h.part);
    for (const p of journaled) expect(storedAtCrash).toContain(p);

    const second = spawnEngine(spec({ journalPath, op: 'resume' }));
    const settled = await second.waitFor((l) => l.event === 'settled');
    expect(await second.exit).toBe(0);
    const v = settled.views?.[0];
    expect({ state: v?.state, error: v?.error }).toEqual({ state: 'done', error: undefined });
    expect(sha256(await env.storage.contents(v?.remoteFileId as string))).toBe(sha256(data));

    // Sent per part (S3: part number; Azure: block id, which names the part and its content).
    const counts = partsSent(env.sb, up.bucket, up.object_key, up.upload_id);
    if (kind === 's3')
      expect(
        Object.keys(counts)
          .map(Number)
          .sort((x, y) => x - y),
      ).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    else expect(Object.keys(counts)).toHaveLength(8);
    for (const h of held) expect({ part: h.part, sent: counts[h.counterKey] }).toEqual({ part: h.part, sent: 1 });
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
    const first = spawnEngine(
      spec({ journalPath, op: 'download', ids: [fileId], dir, limits: { partSizeBytes: PART, partsPerFile: 2, bandwidth: { bytesPerSecond: 8 * MiB } } }),
    );
    await first.waitFor(past(await idOf(first), 0.45));
    await first.kill9();
    const db = journal(journalPath);
    const done = (db.prepare('SELECT COUNT(*) AS n FROM download_ranges').get() as { n: number }).n;
    // The object's version, named by the first range's answer (no HEAD came first), is kept with
    // the ranges: the resume checks it before keeping them.
    const kept = db.prepare('SELECT etag FROM downloads').get() as { etag: string | null } | undefined;
    db.close();
    expect(kept?.etag).toBeTruthy();
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(8);
    const second = spawnEngine(spec({ journalPath, op: 'resume', limits: { partSizeBytes: PART } }));
    // Counted once the new process is up (a second later): a request the killed process had
    // already written to its socket can still reach the server just after the kill.
    await second.waitFor((l) => l.event === 'enqueued');
    const gets = (): number => (kind === 'azure' ? env.sb.stats().azure : env.sb.stats().s3)[opNames(kind).get] ?? 0;
    const getsBefore = gets();
    const settled = await second.waitFor((l) => l.event === 'settled');
    expect(await second.exit).toBe(0);
    const v = settled.views?.[0];
    expect({ state: v?.state, error: v?.error }).toEqual({ state: 'done', error: undefined });
    expect(sha256(await readFile(join(dir, 'crash-down-src.bin')))).toBe(sha256(data));
    expect(gets() - getsBefore).toBe(8 - done);
  });
});
