// The folder packer and its manifest: what goes in comes out with the same names, bytes, modes
// and empty folders; links and odd names are refused with the path named; the manifest keys
// change exactly when the folder does.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, test } from 'vitest';
import yauzl from 'yauzl';
import { contentKey, quickKey } from '../../../main/core/archive/manifest';
import { packZip } from '../../../main/core/archive/pack';
import { walkTree } from '../../../main/core/archive/walk';

let base: string;
let data: string;

function tree(root: string): void {
  mkdirSync(join(root, 'mesh', 'deep', 'empty'), { recursive: true });
  mkdirSync(join(root, 'also empty'));
  writeFileSync(join(root, 'run.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(join(root, 'run.sh'), 0o755);
  writeFileSync(join(root, 'empty.txt'), '');
  writeFileSync(join(root, 'データ 1.csv'), 'a,b\n1,2\n');
  writeFileSync(join(root, 'mesh', 'part one.obj'), Buffer.alloc(300_000, 7));
  writeFileSync(join(root, 'mesh', 'deep', 'é.bin'), Buffer.from([0, 1, 2, 255]));
}

interface Unzipped {
  name: string;
  dir: boolean;
  mode: number;
  body: Buffer;
}

function readZip(path: string): Promise<Unzipped[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const out: Unzipped[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        const mode = (e.externalFileAttributes >>> 16) & 0o7777;
        if (e.fileName.endsWith('/')) {
          out.push({ name: e.fileName, dir: true, mode, body: Buffer.alloc(0) });
          return zip.readEntry();
        }
        zip.openReadStream(e, (err2, s) => {
          if (err2) return reject(err2);
          const chunks: Buffer[] = [];
          s.on('data', (c: Buffer) => chunks.push(c));
          s.on('end', () => {
            out.push({ name: e.fileName, dir: false, mode, body: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

beforeEach(() => {
  base = mkdtempSync(join(tmpdir(), 'courier-pack-'));
  data = join(base, 'data');
  mkdirSync(data);
  tree(data);
});

describe('packZip', () => {
  test('round trip: unicode and space names, empty files, nested empty folders, modes, all under the folder name', async () => {
    const t = await walkTree(data);
    expect(t.files).toBe(5);
    expect(t.bytes).toBe(statSync(join(data, 'mesh', 'part one.obj')).size + 4 + 8 + 18);
    const target = join(base, 'out', 'data.zip');
    const { bytes } = await packZip(t, 'data', target);
    expect(bytes).toBe(statSync(target).size);
    expect(readdirSync(join(base, 'out'))).toEqual(['data.zip']); // no .part left behind
    const got = await readZip(target);
    const files = got.filter((e) => !e.dir);
    expect(files.map((e) => e.name).sort()).toEqual(
      ['data/empty.txt', 'data/mesh/deep/é.bin', 'data/mesh/part one.obj', 'data/run.sh', 'data/データ 1.csv'].sort(),
    );
    for (const f of files) expect(f.body.equals(readFileSync(join(base, f.name))), f.name).toBe(true);
    expect(got.filter((e) => e.dir).map((e) => e.name)).toEqual(expect.arrayContaining(['data/also empty/', 'data/mesh/deep/empty/']));
    expect(got.find((e) => e.name === 'data/run.sh')?.mode).toBe(0o755);
    expect(bytes).toBeLessThan(t.bytes); // deflated: 300 KB of one byte value shrinks
  });

  const hasUnzip = spawnSync('unzip', ['-v']).status === 0;
  test.skipIf(!hasUnzip)('Info-ZIP unzip (what a cluster node has) restores the same tree', async () => {
    const target = join(base, 'data.zip');
    await packZip(await walkTree(data), 'data', target);
    const into = join(base, 'unpacked');
    mkdirSync(into);
    execFileSync('unzip', ['-q', target, '-d', into]);
    const again = await walkTree(join(into, 'data'));
    const before = await walkTree(data);
    expect(again.entries.map((e) => [e.rel, e.kind, e.size])).toEqual(before.entries.map((e) => [e.rel, e.kind, e.size]));
  });

  test('a symbolic link is refused, naming it (never followed out of the folder)', async () => {
    symlinkSync('/etc', join(data, 'mesh', 'etc-link'));
    await expect(walkTree(data)).rejects.toThrow(`${join(data, 'mesh', 'etc-link')} is a symbolic link`);
  });

  test('a backslash in a name is refused (zip would make it a folder)', async () => {
    writeFileSync(join(data, 'a\\b.txt'), 'x');
    await expect(walkTree(data)).rejects.toThrow(/a\\b\.txt has a backslash/);
  });

  test('a file that is not a folder, or a missing one, says so', async () => {
    await expect(walkTree(join(data, 'run.sh'))).rejects.toThrow('is not a folder');
    await expect(walkTree(join(base, 'nope'))).rejects.toThrow('Folder not found');
  });

  test('a file that grows while it is packed fails the archive, and no archive is left', async () => {
    const t = await walkTree(data);
    writeFileSync(join(data, 'empty.txt'), 'now it has bytes');
    const target = join(base, 'out', 'data.zip');
    await expect(packZip(t, 'data', target)).rejects.toThrow(/could not be packed/);
    expect(readdirSync(join(base, 'out'))).toEqual([]);
  });
});

describe('manifest keys', () => {
  test('same folder copied elsewhere: same content key; a new mtime changes only the quick key', async () => {
    const t1 = await walkTree(data);
    const copy = join(base, 'copy', 'data');
    cpSync(data, copy, { recursive: true });
    utimesSync(join(copy, 'run.sh'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    const t2 = await walkTree(copy);
    expect(await contentKey('data', t2)).toBe(await contentKey('data', t1));
    expect(quickKey('data', t2)).not.toBe(quickKey('data', t1));
  });

  test('one changed byte (same size, same mtime) changes the content key but not the quick key', async () => {
    const f = join(data, 'mesh', 'deep', 'é.bin');
    // A whole second: utimes cannot restore a sub-millisecond mtime read back from stat.
    const mtime = new Date(Math.floor(statSync(f).mtimeMs / 1000) * 1000);
    utimesSync(f, mtime, mtime);
    const t1 = await walkTree(data);
    const c1 = await contentKey('data', t1);
    writeFileSync(f, Buffer.from([0, 1, 2, 254]));
    utimesSync(f, mtime, mtime);
    const t2 = await walkTree(data);
    expect(quickKey('data', t2)).toBe(quickKey('data', t1));
    expect(await contentKey('data', t2)).not.toBe(c1);
  });

  test('a renamed file, a new empty folder, or another top name change both keys', async () => {
    const t1 = await walkTree(data);
    const k1 = { q: quickKey('data', t1), c: await contentKey('data', t1) };
    expect(quickKey('data2', t1)).not.toBe(k1.q);
    expect(await contentKey('data2', t1)).not.toBe(k1.c);
    mkdirSync(join(data, 'new empty'));
    const t2 = await walkTree(data);
    expect(await contentKey('data', t2)).not.toBe(k1.c);
    const t3 = { ...t1, entries: t1.entries.map((e) => (e.rel === 'empty.txt' ? { ...e, rel: 'empty2.txt' } : e)) };
    expect(quickKey('data', t3)).not.toBe(k1.q);
  });
});
