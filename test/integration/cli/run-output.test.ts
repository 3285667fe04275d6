// What a newcomer's first commands print: a fresh upload counts every byte as transferred (none
// "resumed from an earlier run") with one line per file, an empty job list says how to fill it,
// and a refused key fails the job list instead of printing nothing.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox';
import { formatBytes } from '../../../shared/format';

let sandbox: RunningSandbox;
let work: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function courier(args: string[], o: { token?: string; data?: string } = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      'node',
      [resolve('cli/bin.mjs'), '-X', sandbox.apiUrl, '-p', o.token ?? sandbox.token, '--data', o.data ?? join(work, 'data'), ...args],
      { cwd: work, timeout: 90_000, killSignal: 'SIGKILL', env: { ...process.env, COURIER_KEY_STORE: 'memory' } },
      (err, stdout, stderr) => done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({ jobSeconds: 2 });
  work = mkdtempSync(join(tmpdir(), 'courier-cli-output-'));
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('a first run', () => {
  test('jobs list with no jobs says how to launch one', async () => {
    const r = await courier(['jobs', 'list']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/No jobs yet\. `courier templates list` shows what can be launched/);
  });

  test('jobs list with a refused key: one ERROR line that says so, exit 33', async () => {
    const r = await courier(['jobs', 'list'], { token: 'revoked0000', data: join(work, 'other') });
    expect(r.code, r.stdout + r.stderr).toBe(33);
    const errors = r.stdout.split('\n').filter((l) => l.includes('ERROR'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/did not accept the API key/);
    expect(r.stdout).not.toMatch(/No jobs yet/);
  });

  test('a fresh folder upload: a line per file, every byte transferred, none resumed', async () => {
    const dir = join(work, 'case 1');
    mkdirSync(join(dir, 'mesh'), { recursive: true });
    const files: Record<string, string> = { 'a.txt': 'alpha\n', 'mesh/b.dat': 'b'.repeat(1000), 'mesh/c.dat': 'c'.repeat(2000) };
    for (const [rel, body] of Object.entries(files)) writeFileSync(join(dir, rel), body);
    const total = Object.values(files).reduce((n, b) => n + b.length, 0);
    const r = await courier(['upload', dir]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    for (const [rel, body] of Object.entries(files)) {
      expect(r.stdout, r.stdout).toContain(`Uploaded ${rel.split('/').at(-1)} (${formatBytes(body.length)})`);
    }
    expect(r.stdout).toContain(`Uploaded 3 file(s): ${formatBytes(total)} transferred\n`);
    expect(r.stdout).not.toMatch(/resumed/);
  });

  test('a name with a line break or a tab stays on its own line and column', async () => {
    writeFileSync(join(work, 'two\nlines\tand tab.txt'), 'x');
    const r = await courier(['upload', 'two\nlines\tand tab.txt']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toContain('Uploaded two lines and tab.txt (1 B)\n');
    expect(r.stdout).toMatch(/^\w+\ttwo lines and tab\.txt$/m);
  });
});

describe('downloading where the file already is', () => {
  test('keeps both by default; --if-exists skip leaves the file and says so; overwrite replaces it', async () => {
    writeFileSync(join(work, 'result.csv'), 'from the job\n');
    const up = await courier(['upload', 'result.csv']);
    const id = /^(\w+)\tresult\.csv/m.exec(up.stdout)?.[1];
    expect(id, up.stdout).toBeTruthy();
    const dir = join(work, 'results');
    mkdirSync(dir);
    writeFileSync(join(dir, 'result.csv'), 'my edits\n');

    const kept = await courier(['download', id!, '-o', dir]);
    expect(kept.code, kept.stdout).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['result (1).csv', 'result.csv']);
    expect(readFileSync(join(dir, 'result.csv'), 'utf8')).toBe('my edits\n');

    const skipped = await courier(['download', id!, '-o', dir, '--if-exists', 'skip']);
    expect(skipped.code, skipped.stdout).toBe(0);
    expect(skipped.stdout).toContain(`Skipped: ${join(dir, 'result.csv')} already exists`);
    expect(skipped.stdout).toContain('Downloaded 0 file(s): 0 B transferred; 1 skipped (already there)');
    expect(readFileSync(join(dir, 'result.csv'), 'utf8')).toBe('my edits\n');

    const replaced = await courier(['download-file', '--file-id', id!, '-o', dir, '--if-exists', 'overwrite']);
    expect(replaced.code, replaced.stdout).toBe(0);
    expect(readFileSync(join(dir, 'result.csv'), 'utf8')).toBe('from the job\n');
    expect(readdirSync(dir).sort()).toEqual(['result (1).csv', 'result.csv']);

    const bad = await courier(['download', id!, '-o', dir, '--if-exists', 'replace']);
    expect(bad.code).toBe(33);
    expect(bad.stdout).toMatch(/Allowed choices are keep-both, overwrite, skip/);
  });
});

describe('sync', () => {
  test('one line per file downloaded, then the summary; a second sync skips them all', async () => {
    writeFileSync(join(work, 'run.sh'), '#!/bin/bash\necho hi\n');
    const sub = await courier(['jobs', 'submit', '--template', 'chainer', '--input', 'run.sh', '--wait', '-o', join(work, 'waited')]);
    expect(sub.code, sub.stdout).toBe(0);
    const job = /Job (\w+): submitted/.exec(sub.stdout)?.[1];
    expect(job, sub.stdout).toBeTruthy();
    const dir = join(work, 'synced');
    const first = await courier(['sync', '-j', job!, '-o', dir]);
    expect(first.code, first.stdout).toBe(0);
    const names = readdirSync(dir).sort();
    expect(names.length).toBeGreaterThan(0);
    for (const n of names)
      expect(
        first.stdout.split('\n').filter((l) => l.includes(`Downloaded ${n}`)),
        first.stdout,
      ).toHaveLength(1);
    expect(first.stdout).toContain(`Downloaded ${names.length} file(s)`);
    const again = await courier(['sync', '-j', job!, '-o', dir]);
    expect(again.stdout).toContain('Everything is already downloaded.');
  });
});
