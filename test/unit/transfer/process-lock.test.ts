// The lock a CLI transfer holds on its journal: refused to a second holder while the first
// lives, free the moment the first is killed with SIGKILL (no stale period).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { tryProcessLock } from '../../../main/core/transfer/process-lock';

const root = mkdtempSync(join(tmpdir(), 'courier-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const ROOT = new URL('../../../', import.meta.url).pathname;

function holder(path: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/lock-holder.ts', path], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const firstLine = new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, firstLine, exit };
}

describe('process lock', () => {
  it('excludes a second holder in this process until released', () => {
    const path = join(root, 'same.lock');
    const a = tryProcessLock(path);
    expect(a).not.toBeNull();
    expect(tryProcessLock(path)).toBeNull();
    a?.release();
    const b = tryProcessLock(path);
    expect(b).not.toBeNull();
    b?.release();
  });

  it('excludes another process while the holder lives, and is free at once after its kill -9', async () => {
    const path = join(root, 'other.lock');
    const h = holder(path);
    expect(await h.firstLine).toBe('locked');
    expect(tryProcessLock(path)).toBeNull();
    h.child.kill('SIGKILL');
    await h.exit;
    const mine = tryProcessLock(path);
    expect(mine).not.toBeNull();
    // and now the other way round: a live holder here refuses a new process
    const h2 = holder(path);
    expect(await h2.firstLine).toBe('busy');
    await h2.exit;
    mine?.release();
  });

  it('refuses a symlink planted where the lock file goes (the target is untouched)', () => {
    const victim = join(root, 'victim.txt');
    writeFileSync(victim, 'precious');
    const path = join(root, 'planted.lock');
    symlinkSync(victim, path);
    expect(() => tryProcessLock(path)).toThrow(/symbolic link/);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
  });
});
