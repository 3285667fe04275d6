// Large downloads are written and verified with direct I/O (worker/direct-io.ts): the bytes
// arrive intact, the page cache is not filled with them, and the page-cache path (the pool's
// `directIo: false`, also the fallback where a file system refuses O_DIRECT) gives the same bytes.
// `fincore` (util-linux-extra, installed by .ci/run) reports how much of a file is cached.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFile, sha256, sha256File, transferEnv, type TransferEnv } from '../../support/transfer-env';

const MiB = 1 << 20;
const SIZE = 21 * MiB + 777; // four 5 MiB ranges and an unaligned tail
let env: TransferEnv;
let fileId = '';
let want = '';

/** Bytes of `path` in the page cache, per fincore. */
function cachedBytes(path: string): number {
  let out: string;
  try {
    out = execFileSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', path], { encoding: 'utf8' });
  } catch (e) {
    throw new Error(`fincore failed (${(e as Error).message}); install util-linux-extra (apt-get install util-linux-extra)`, { cause: e });
  }
  return Number(out.trim());
}

beforeAll(async () => {
  env = await transferEnv();
  const svc = await env.service({ limits: { partSizeBytes: 5 * MiB } });
  const src = join(env.dir, 'src', 'large result.bin');
  want = sha256(await makeFile(src, SIZE));
  const [up] = await svc.whenSettled((await svc.enqueueUpload([src])).map((v) => v.id));
  expect(up?.state).toBe('done');
  fileId = up?.remoteFileId ?? '';
  await svc.close();
});
afterAll(async () => env.close());

async function download(dir: string, opts: { directIo: boolean; partSizeBytes: number; journal: string }): Promise<string> {
  const svc = await env.service({
    directIo: opts.directIo,
    limits: { partSizeBytes: opts.partSizeBytes },
    journalPath: join(env.dir, opts.journal, 'transfers.db'),
  });
  const [d] = await svc.whenSettled((await svc.enqueueDownload([fileId], join(env.dir, dir))).map((v) => v.id));
  expect({ state: d?.state, error: d?.error }).toEqual({ state: 'done', error: undefined });
  await svc.close();
  return d?.localPath ?? '';
}

describe.runIf(process.platform === 'linux')('direct I/O for large downloads', () => {
  it('leaves the page cache (almost) empty and the bytes intact', async () => {
    const path = await download('dl-direct', { directIo: true, partSizeBytes: 5 * MiB, journal: 'j1' });
    expect(cachedBytes(path)).toBeLessThanOrEqual(8192); // the unaligned tail (< 4 KiB) goes through the cache
    expect(await sha256File(path)).toBe(want);
  });

  it('gives the same bytes through the page cache (directIo off), which then holds the file', async () => {
    const path = await download('dl-cached', { directIo: false, partSizeBytes: 5 * MiB, journal: 'j3' });
    expect(cachedBytes(path)).toBeGreaterThan(SIZE * 0.9);
    expect(await sha256File(path)).toBe(want);
  });

  it('mixes both where ranges do not start on a block boundary (5 MiB + 16 B ranges)', async () => {
    const path = await download('dl-mixed', { directIo: true, partSizeBytes: 5 * MiB + 16, journal: 'j4' });
    const cached = cachedBytes(path);
    expect(cached).toBeGreaterThan(0); // the unaligned ranges went through the cache…
    expect(cached).toBeLessThan(SIZE - 4 * MiB); // …the first one did not
    expect(await sha256File(path)).toBe(want);
  });
});
