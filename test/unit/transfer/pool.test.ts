import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, openSync, writeSync, closeSync, ftruncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransferPool } from '../../../main/core/transfer/pool';

const dir = mkdtempSync(join(tmpdir(), 'courier-pool-'));
let pool: TransferPool;
beforeAll(() => {
  pool = new TransferPool({ workerCount: 2 });
});
afterAll(async () => {
  await pool.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('worker pool', () => {
  it('starts its hashing thread with the first hash, not with the pool', async () => {
    const fresh = new TransferPool({ workerCount: 1 });
    try {
      await fresh.run<'cryptoBench'>({ op: 'cryptoBench', bytes: 16, chunk: 16 });
      expect(fresh.hashingThreadStarted).toBe(false);
      const p = join(dir, 'lazy.bin');
      writeFileSync(p, 'abc');
      const r = await fresh.run<'hashFile'>({ op: 'hashFile', path: p });
      expect(r.ok && r.value.sha512).toBe(createHash('sha512').update('abc').digest('hex'));
      expect(fresh.hashingThreadStarted).toBe(true);
    } finally {
      await fresh.close();
    }
  });

  it('hashes a file in a worker (SHA-512 of the plaintext) and checks its stamp', async () => {
    const data = randomBytes(9 * 1024 * 1024 + 5);
    const p = join(dir, 'h.bin');
    writeFileSync(p, data);
    const st = statSync(p);
    const r = await pool.run<'hashFile'>({ op: 'hashFile', path: p, stamp: { size: st.size, mtimeMs: st.mtimeMs } });
    expect(r.ok && r.value.sha512).toBe(createHash('sha512').update(data).digest('hex'));
    const changed = await pool.run<'hashFile'>({ op: 'hashFile', path: p, stamp: { size: st.size - 1, mtimeMs: st.mtimeMs } });
    expect(changed.ok ? null : changed.error.code).toBe('file_changed');
    const missing = await pool.run<'hashFile'>({ op: 'hashFile', path: join(dir, 'nope') });
    expect(missing.ok ? null : missing.error.code).toBe('not_found');
  });

  it('follows a watermark: hashing waits for bytes the main thread has declared written', async () => {
    const p = join(dir, 'follow.bin');
    const total = 12 * 1024 * 1024;
    const fd = openSync(p, 'w');
    ftruncateSync(fd, total);
    const data = randomBytes(total);
    const running = pool.start<'hashFile'>({ op: 'hashFile', path: p, follow: { total } });
    let settled = false;
    void running.result.then(() => (settled = true));
    // write in three steps, announcing each; the hash must cover the final bytes, not the zeros
    for (let i = 0; i < 3; i++) {
      const from = (i * total) / 3;
      writeSync(fd, data, from, total / 3, from);
      expect(settled).toBe(false);
      running.setWatermark(from + total / 3);
    }
    closeSync(fd);
    const r = await running.result;
    expect(r.ok && r.value.sha512).toBe(createHash('sha512').update(data).digest('hex'));
  });

  it('cancels a running task through its signal', async () => {
    const p = join(dir, 'never.bin');
    writeFileSync(p, Buffer.alloc(1024));
    const ac = new AbortController();
    const running = pool.start<'hashFile'>({ op: 'hashFile', path: p, follow: { total: 1 << 30 } }, ac.signal);
    ac.abort();
    const r = await running.result;
    expect(r.ok ? null : r.error.code).toBe('aborted');
  });

  it('runs the raw cipher benchmark op', async () => {
    const r = await pool.run<'cryptoBench'>({ op: 'cryptoBench', bytes: 8 << 20, chunk: 256 << 10 });
    expect(r.ok && r.value.seconds).toBeGreaterThan(0);
  });
});
