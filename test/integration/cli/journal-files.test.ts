// What a transfer command leaves in cli-journals/: a journal (and its `.owner` lock file) only
// while there is something to resume. A command that finished, or one that failed before it
// queued anything, leaves neither, so distinct commands do not pile up lock files.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox';

let sandbox: RunningSandbox;
let work: string;

function courier(data: string, args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [resolve('cli/bin.mjs'), '-X', sandbox.apiUrl, '-p', sandbox.token, '--data', data, ...args], {
      cwd: work,
      env: { ...process.env, COURIER_KEY_STORE: 'memory' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => done({ code: code ?? 1, out }));
  });
}

const journalFiles = (data: string): string[] => {
  const dir = join(data, 'cli-journals');
  return existsSync(dir) ? readdirSync(dir) : [];
};

beforeAll(async () => {
  sandbox = await startSandbox();
  work = mkdtempSync(join(tmpdir(), 'courier-journal-files-'));
  writeFileSync(join(work, 'one.txt'), 'one\n');
  writeFileSync(join(work, 'two.txt'), 'two\n');
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('cli-journals after a transfer command', () => {
  test('finished uploads leave no journal and no lock file, one command after another', { timeout: 120_000 }, async () => {
    const data = join(work, 'data-upload');
    for (const file of ['one.txt', 'two.txt']) {
      const r = await courier(data, ['upload', '-f', file]);
      expect(r.code, r.out).toBe(0);
      expect(journalFiles(data)).toEqual([]);
    }
  });

  test('a download-file of a file id that does not exist leaves no journal and no lock file', { timeout: 120_000 }, async () => {
    const data = join(work, 'data-missing');
    const r = await courier(data, ['download-file', '--file-id', 'ZZZZZZ', '-o', work]);
    expect(r.code, r.out).toBe(33);
    expect(r.out).toMatch(/not found on .*Check the id/);
    expect(journalFiles(data)).toEqual([]);
  });
});
