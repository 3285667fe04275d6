// Folders both ways (structure kept, 2,000 files), download conflict policies, and the
// progress stream staying small while thousands of items move.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { walkRemote } from '../../../main/core/transfer/folders';
import type { TransferService } from '../../../main/core/transfer/service';
import { sha256, transferEnv, type TransferEnv } from '../../support/transfer-env';

let env: TransferEnv;
let svc: TransferService;

beforeAll(async () => {
  env = await transferEnv();
  svc = await env.service();
});
afterAll(async () => env.close());

async function tree(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        out.set(`${relative(root, p)}/`, 'dir');
        await walk(p);
      } else out.set(relative(root, p), sha256(await readFile(p)));
    }
  };
  await walk(root);
  return out;
}

describe('folders', () => {
  it('round-trips a 2,000-file folder tree (with an empty folder) through Rescale folders', async () => {
    const src = join(env.dir, 'project');
    for (let d = 0; d < 20; d++) {
      const dir = join(src, `part-${d}`, d % 2 ? 'nested' : '');
      await mkdir(dir, { recursive: true });
      for (let f = 0; f < 100; f++) await writeFile(join(dir, `f${f}.dat`), randomBytes(500 + ((d * 100 + f) % 3000)));
    }
    await mkdir(join(src, 'empty', 'deeper'), { recursive: true });

    let batches = 0;
    let maxItems = 0;
    const t0 = performance.now();
    const off = svc.onProgress((b) => {
      batches++;
      maxItems = Math.max(maxItems, b.items.length);
    });
    const views = await svc.enqueueUpload([src]);
    expect(views[0]?.isBatch).toBe(true);
    expect(views.length).toBe(2001);
    const [batch] = await svc.whenSettled([views[0]?.id as string]);
    off();
    const seconds = (performance.now() - t0) / 1000;
    expect({ state: batch?.state, error: batch?.error }).toEqual({ state: 'done', error: undefined });
    expect(batch?.bytesDone).toBe(batch?.size);
    // Coalesced: bounded by ~10 batches/s plus prompt terminal deliveries spaced >= 20 ms.
    expect(batches).toBeLessThanOrEqual(Math.ceil(seconds * 50) + 5);

    // Structure on the platform: project/part-N[/nested]/fK.dat and the empty folders.
    const root = await env.storage.uploadTarget();
    const lib = await env.storage.listFolder(root.rootFolderId);
    const project = lib.folders.find((f) => f.name === 'project');
    expect(project).toBeTruthy();
    const remote = await walkRemote(env.storage, project?.id as string);
    expect(remote.length).toBe(2000);
    expect(new Set(remote.map((r) => [...r.relDir, r.file.name].join('/'))).size).toBe(2000);
    const top = await env.storage.listFolder(project?.id as string);
    expect(top.folders.map((f) => f.name).sort()).toContain('empty');

    const dl = join(env.dir, 'project-copy');
    const downs = await svc.enqueueDownloadFolder(project?.id as string, dl);
    const [dbatch] = await svc.whenSettled([downs[0]?.id as string]);
    expect({ state: dbatch?.state, error: dbatch?.error }).toEqual({ state: 'done', error: undefined });
    const a = await tree(src);
    const b = await tree(dl);
    expect(b).toEqual(a); // the empty folders too
    expect(batch?.remoteFileId).toBe(project?.id); // the upload names the folder it made
    expect(maxItems).toBeGreaterThan(0);
  });
});

describe('download conflicts', () => {
  it('skip keeps the existing file, overwrite replaces it, keepBoth writes "name (1).ext"', async () => {
    const src = join(env.dir, 'conflict.txt');
    await writeFile(src, 'from the platform');
    const [u] = await svc.enqueueUpload([src]);
    const [up] = await svc.whenSettled([u?.id as string]);
    const id = up?.remoteFileId as string;
    const dir = join(env.dir, 'conflicts');
    await mkdir(dir, { recursive: true });
    const target = join(dir, 'conflict.txt');

    await writeFile(target, 'mine');
    const [s] = await svc.enqueueDownload([id], dir, { conflict: 'skip' });
    const [sv] = await svc.whenSettled([s?.id as string]);
    expect(sv?.state).toBe('done');
    expect(sv?.notice?.code).toBe('skipped_exists');
    expect(await readFile(target, 'utf8')).toBe('mine');

    const [k] = await svc.enqueueDownload([id], dir, { conflict: 'keepBoth' });
    const [kv] = await svc.whenSettled([k?.id as string]);
    expect(kv?.localPath).toBe(join(dir, 'conflict (1).txt'));
    const [k2] = await svc.enqueueDownload([id], dir); // keepBoth is the default
    const [k2v] = await svc.whenSettled([k2?.id as string]);
    expect(k2v?.localPath).toBe(join(dir, 'conflict (2).txt'));
    expect(await readFile(join(dir, 'conflict (1).txt'), 'utf8')).toBe('from the platform');
    expect(await readFile(target, 'utf8')).toBe('mine');

    const [o] = await svc.enqueueDownload([id], dir, { conflict: 'overwrite' });
    const [ov] = await svc.whenSettled([o?.id as string]);
    expect(ov?.localPath).toBe(target);
    expect(await readFile(target, 'utf8')).toBe('from the platform');
    expect((await readdir(dir)).sort()).toEqual(['conflict (1).txt', 'conflict (2).txt', 'conflict.txt']);
    expect((await stat(target)).size).toBe(17);
  });
});
