import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ObjectStore, type ObjectMeta } from '../../../sandbox/s3/object-store';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const info = (size: number) => ({ size, etag: '"e"', contentType: 'binary/octet-stream', headers: {}, metadata: {} });

async function bytes(store: ObjectStore, meta: ObjectMeta, start = 0, end = meta.size - 1): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of await store.openRange(meta, start, end)) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

describe('ObjectStore small bodies in pack files', () => {
  it('reads back packed bodies whole and by range, across overwrite, delete and a reopen', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'courier-objects-'));
    dirs.push(root);
    const a = await ObjectStore.open(root);
    await a.createBucket('b');
    const bodies = new Map<string, Buffer>();
    for (let i = 0; i < 50; i++) {
      const body = Buffer.alloc(1000 + i, i);
      bodies.set(`k/${i}`, body);
      await a.commitBody('b', `k/${i}`, body, info(body.length));
    }
    const over = Buffer.from('overwritten');
    await a.commitBody('b', 'k/3', over, info(over.length));
    bodies.set('k/3', over);
    await a.delete('b', 'k/4');
    bodies.delete('k/4');
    expect(a.readSmall(a.get('b', 'k/7')!, 10, 19)).toEqual(Buffer.alloc(10, 7));
    a.close();

    const b = await ObjectStore.open(root);
    expect(b.get('b', 'k/4')).toBeUndefined();
    for (const [key, body] of bodies) {
      const meta = b.get('b', key)!;
      expect(b.readSmall(meta, 0, meta.size - 1)).toEqual(body);
      expect(await bytes(b, meta, 1, meta.size - 2)).toEqual(body.subarray(1, body.length - 1));
    }
    for (const key of bodies.keys()) await b.delete('b', key);
    b.close();
    await ObjectStore.open(root).then((c) => c.close());
    expect((await readdir(path.join(root, 'blobs'))).filter((f) => f.startsWith('pack-'))).toEqual([]);
  });
});
