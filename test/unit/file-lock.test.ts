// A lock left by a process killed while holding it is taken over once stale, not refused.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { lockFile } from '../../main/core/file-lock';

const dir = mkdtempSync(join(tmpdir(), 'courier-file-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a lock held by a killed process (fresh, never refreshed again) is taken over once it turns stale', async () => {
  const file = join(dir, 'bucket.json');
  writeFileSync(file, '{}');
  // What proper-lockfile leaves behind when its holder is killed with kill -9: the lock folder,
  // just refreshed, and nobody refreshing it any more.
  mkdirSync(`${file}.lock`);
  const release = await lockFile(file);
  expect(existsSync(`${file}.lock`)).toBe(true);
  await release();
  expect(existsSync(`${file}.lock`)).toBe(false);
}, 40_000);
