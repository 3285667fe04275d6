import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { bundleLooseFiles } from '../../../main/core/jobs/bundle';
import { BUNDLE_ARCHIVE } from '../../../shared/jobs';
import type { LaunchItem } from '../../../main/core/jobs/payload';

const dir = mkdtempSync(join(tmpdir(), 'courier-bundle-'));
const local = (name: string, sub = ''): LaunchItem => {
  mkdirSync(join(dir, sub), { recursive: true });
  const path = join(dir, sub, name);
  writeFileSync(path, `${name}\n`);
  return { kind: 'local', path, name };
};
const platformFile: LaunchItem = { kind: 'file', id: 'AbCdE', name: 'on-platform.dat' };

describe('loose input files of one launch', () => {
  test('four go one by one', async () => {
    const items = ['a', 'b', 'c', 'd'].map((n) => local(n));
    expect(await bundleLooseFiles(items)).toEqual(items);
  });

  test('five become one bundle where the first stood; other inputs keep their places', async () => {
    const files = ['run.sh', 'a', 'b', 'c', 'd'].map((n) => local(n));
    const out = await bundleLooseFiles([platformFile, ...files.slice(0, 2), platformFile, ...files.slice(2)]);
    expect(out.map((i) => i.kind)).toEqual(['file', 'folder', 'file']);
    const bundle = out[1] as Extract<LaunchItem, { kind: 'folder' }>;
    expect(bundle.members).toEqual(files.map((f) => (f as { path: string }).path));
    expect(bundle.files).toBe(5);
    expect(bundle.bytes).toBe(['run.sh', 'a', 'b', 'c', 'd'].reduce((n, s) => n + s.length + 1, 0));
  });

  test('files of one name from two folders, or one named like the archive, are not bundled', async () => {
    const clash = [...['a', 'b', 'c', 'd'].map((n) => local(n)), local('a', 'other')];
    expect(await bundleLooseFiles(clash)).toEqual(clash);
    const named = [...['a', 'b', 'c', 'd'].map((n) => local(n)), local(BUNDLE_ARCHIVE)];
    expect(await bundleLooseFiles(named)).toEqual(named);
  });
});
