// Small files cross to the worker in batches (pool-batch.ts), but each file keeps its own fate:
// a file that fails, or is cancelled, never fails or cancels its batch mates, and each upload is
// registered exactly once.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TransferService } from '../../../main/core/transfer/service';
import { makeFile, sha256, transferEnv, type TransferEnv } from '../../support/transfer-env';

const KiB = 1024;
const REGISTER = 'POST /api/v3/files/';

let env: TransferEnv;
let svc: TransferService;
beforeAll(async () => {
  env = await transferEnv();
  svc = await env.service();
});
afterEach(() => env.sb.clearFaults());
afterAll(async () => env.close());

async function smallFiles(dir: string, names: string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const n of names) out.set(n, await makeFile(join(env.dir, dir, n), 64 * KiB + names.indexOf(n)));
  return out;
}

describe('small files in batches', () => {
  it('fails one file of a batch while its mates are stored and registered exactly once', async () => {
    const names = Array.from({ length: 12 }, (_, i) => (i === 5 ? 'bad.bin' : `f${i}.bin`));
    const data = await smallFiles('up', names);
    // Storage refuses this one file for good (400 is not retried).
    env.sb.addFault({ target: 's3', method: 'PUT', path: '**/bad.bin-*', status: 400 });
    const registeredBefore = env.sb.stats().api[REGISTER] ?? 0;
    const views = await svc.enqueueUpload(names.map((n) => join(env.dir, 'up', n)));
    const settled = await svc.whenSettled(views.map((v) => v.id));
    const byName = new Map(settled.map((v) => [v.name, v]));
    expect(byName.get('bad.bin')?.state).toBe('failed');
    expect(byName.get('bad.bin')?.error?.code).toBe('storage_error');
    for (const n of names.filter((x) => x !== 'bad.bin')) {
      const v = byName.get(n);
      expect({ n, state: v?.state }).toEqual({ n, state: 'done' });
      expect(sha256(await env.storage.contents(v?.remoteFileId as string))).toBe(sha256(data.get(n) as Buffer));
    }
    expect((env.sb.stats().api[REGISTER] ?? 0) - registeredBefore).toBe(names.length - 1);
  });

  it('cancels one download of a batch while its mates arrive verified', async () => {
    const names = Array.from({ length: 8 }, (_, i) => (i === 2 ? 'slow.bin' : `d${i}.bin`));
    const data = await smallFiles('src', names);
    const ups = await svc.whenSettled((await svc.enqueueUpload(names.map((n) => join(env.dir, 'src', n)))).map((v) => v.id));
    expect(ups.every((v) => v.state === 'done')).toBe(true);
    const slowObject = (await env.storage.getFile(ups.find((v) => v.name === 'slow.bin')?.remoteFileId as string)).pathParts.path;
    // The slow file's GET waits in the sandbox until the test has cancelled it.
    env.sb.addFault({ target: 's3', method: 'GET', path: `**/${slowObject.split('/').at(-1) ?? ''}`, latencyMs: 120_000, times: 1 });
    const fired = env.sb.stats().faultsFired;
    const out = join(env.dir, 'dl');
    const views = await svc.enqueueDownload(
      ups.map((v) => v.remoteFileId as string),
      out,
    );
    await vi.waitFor(() => expect(env.sb.stats().faultsFired).toBeGreaterThan(fired), { timeout: 60_000, interval: 20 });
    const slow = views.find((v) => v.name === 'slow.bin');
    svc.cancel(slow?.id as string);
    const settled = await svc.whenSettled(views.map((v) => v.id));
    for (const v of settled) {
      if (v.name === 'slow.bin') expect(v.state).toBe('cancelled');
      else expect(sha256(await readFile(join(out, v.name)))).toBe(sha256(data.get(v.name) as Buffer));
    }
    // Nothing of the cancelled file is left: no final name, no temporary file.
    expect((await readdir(out)).sort()).toEqual(names.filter((n) => n !== 'slow.bin').sort());
  });
});
