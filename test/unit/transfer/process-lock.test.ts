// The lock a CLI transfer holds on its journal: refused to a second holder while the first
// lives, free the moment the first is killed with SIGKILL (no stale period).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { openLockAttempt, tryProcessLock } from '../../../main/core/transfer/process-lock';

const root = mkdtempSync(join(tmpdir(), 'courier-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const ROOT = new URL('../../../', import.meta.url).pathname;

function holder(path: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/lock-holder.ts', path], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const firstLine = new Promise<string>((resolve) => lines.once('line', resolve));
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  /** Asks it to release its lock and remove the file; resolves once it did. */
  const remove = async () => {
    await firstLine;
    const said = new Promise<string>((resolve) => lines.once('line', resolve));
    child.stdin.write('remove\n');
    expect(await said).toBe('removed');
  };
  return { child, firstLine, exit, remove };
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

  it('removes its file on releaseAndRemove, and the next holder makes a new one', () => {
    const path = join(root, 'removed.lock');
    const a = tryProcessLock(path);
    a?.releaseAndRemove();
    expect(existsSync(path)).toBe(false);
    const b = tryProcessLock(path);
    expect(b).not.toBeNull();
    expect(existsSync(path)).toBe(true);
    b?.release();
  });

  it('is not taken on a file its holder removed after this process had opened it', async () => {
    // The race of a removal: this process opens the lock file while another holds it; the holder
    // removes the file and releases; the lock of the old file is then free, but it is nobody's
    // lock any more (a third process would make and lock a new file at the path).
    const path = join(root, 'replaced.lock');
    const h = holder(path);
    expect(await h.firstLine).toBe('locked');
    const attempt = openLockAttempt(path);
    await h.remove();
    await h.exit;
    expect(attempt?.take()).toBe('stale');
    // Taken afresh: a new file, which excludes another process as any lock does.
    const mine = tryProcessLock(path);
    expect(mine).not.toBeNull();
    expect(existsSync(path)).toBe(true);
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
