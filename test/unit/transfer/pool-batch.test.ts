// Small-file tasks that start together share one crossing to the worker, yet each keeps its
// own result: a failing task never fails its batch mates, and a cancelled one ends alone.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransferPool } from '../../../main/core/transfer/pool';

const dir = mkdtempSync(join(tmpdir(), 'courier-batch-'));
let pool: TransferPool;
beforeAll(() => {
  pool = new TransferPool({ workerCount: 1, batchFiles: 8 });
});
afterAll(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('small-file batches', () => {
  it('sends tasks that start together as one crossing, with one result per task', async () => {
    const p = join(dir, 'ok.bin');
    writeFileSync(p, Buffer.alloc(64 * 1024, 7));
    const before = pool.batchCrossings;
    const runs = Array.from({ length: 8 }, (_, i) =>
      pool.start<'cryptoBench'>(
        { op: 'cryptoBench', bytes: 64 * 1024, chunk: 64 * 1024, ...(i === 3 ? { path: join(dir, 'missing.bin') } : { path: p }) },
        undefined,
        {
          batch: true,
        },
      ),
    );
    const results = await Promise.all(runs.map((r) => r.result));
    expect(pool.batchCrossings - before).toBe(1);
    // The missing file fails alone; its seven mates succeed.
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual(['ok', 'ok', 'ok', 'not_found', 'ok', 'ok', 'ok', 'ok']);
  });

  it('splits more tasks than fit in one batch into several crossings', async () => {
    const before = pool.batchCrossings;
    const runs = Array.from({ length: 20 }, () => pool.start<'cryptoBench'>({ op: 'cryptoBench', bytes: 16, chunk: 16 }, undefined, { batch: true }));
    const results = await Promise.all(runs.map((r) => r.result));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(pool.batchCrossings - before).toBe(3); // 8 + 8 + 4
  });

  it('ends a cancelled task as aborted while its batch mates finish', async () => {
    const p = join(dir, 'follow.bin');
    writeFileSync(p, Buffer.alloc(1024));
    const ac = new AbortController();
    // A hash that follows a watermark never reached: it runs until cancelled.
    const stuck = pool.start<'hashFile'>({ op: 'hashFile', path: p, follow: { total: 1 << 30 } }, ac.signal, { hasher: false, batch: true });
    const mates = Array.from({ length: 3 }, () => pool.start<'cryptoBench'>({ op: 'cryptoBench', bytes: 16, chunk: 16 }, undefined, { batch: true }));
    ac.abort();
    const r = await stuck.result;
    expect(r.ok ? null : r.error.code).toBe('aborted');
    expect((await Promise.all(mates.map((m) => m.result))).every((m) => m.ok)).toBe(true);
  });
});
