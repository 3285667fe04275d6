import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox';

// A wrong kind of path gets a sentence naming the path and what to do, never Node's EISDIR or
// ENOTDIR; and the "no keychain" note is said once per data folder, not on every command.
let sandbox: RunningSandbox;
let work: string;
const TS = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} - ERROR - /;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function courier(args: string[], o: { stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((done) => {
    const child = spawn('node', [resolve('cli/bin.mjs'), ...args], { cwd: work, env: o.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(o.stdin ?? '');
  });
}

function expectError(r: Run, line: string): void {
  expect(r.code, r.stdout + r.stderr).toBe(33);
  expect(r.stdout.trim()).toMatch(TS);
  expect(r.stdout.trim().replace(TS, '')).toBe(line);
  expect(r.stdout + r.stderr).not.toMatch(/EISDIR|ENOTDIR|ENOENT/);
}

beforeAll(async () => {
  sandbox = await startSandbox({ jobSeconds: 2 });
  work = mkdtempSync(join(tmpdir(), 'courier-cli-paths-'));
  mkdirSync(join(work, 'templates'));
  writeFileSync(join(work, 'settings.json'), '{}');
});
afterAll(async () => {
  await sandbox?.stop();
});

describe('paths of the wrong kind', () => {
  const key = () => ['-X', sandbox.apiUrl, '-p', sandbox.token, '--data', join(work, 'data')];

  test('templates import with a folder', async () => {
    expectError(
      await courier([...key(), 'templates', 'import', 'templates']),
      'templates is a folder, but the template file must be one file. Give the path of the file itself.',
    );
  });

  test('templates import with a missing file', async () => {
    expectError(
      await courier([...key(), 'templates', 'import', 'gone.json']),
      `The template file gone.json does not exist (looked in ${join(work, 'gone.json')}). Check the path.`,
    );
  });

  test('--data with a file', async () => {
    expectError(
      await courier(['-X', sandbox.apiUrl, '-p', sandbox.token, '--data', 'settings.json', 'jobs', 'list']),
      "--data settings.json is a file, not a folder. Give a folder for Courier's data (it is created if missing), or leave --data out to use the per-user one.",
    );
  });

  test('--data under a file', async () => {
    expectError(
      await courier(['-X', sandbox.apiUrl, '-p', sandbox.token, '--data', 'settings.json/courier', 'jobs', 'list']),
      `--data settings.json/courier cannot be created: ${join(work, 'settings.json')} is a file, not a folder. Give a folder path for Courier's data, or leave --data out to use the per-user one.`,
    );
  });

  test('jobs submit --help names its default once', async () => {
    const r = await courier(['jobs', 'submit', '--help']);
    // The option's help may wrap onto the next lines: read up to the next option.
    const help = /--output-dir[\s\S]*?(?=\n\s+-)/.exec(r.stdout)?.[0] ?? '';
    expect(help).toContain('--output-dir');
    expect(help.match(/default/g)).toHaveLength(1);
  });
});

describe('the key store note', () => {
  test('is said once per data folder', async () => {
    // No D-Bus session: no keyring answers, keys stay in memory for the run.
    const env: NodeJS.ProcessEnv = { ...process.env, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', HOME: work };
    delete env.COURIER_KEY_STORE;
    const data = join(work, 'note-data');
    const add = () => courier(['--data', data, 'accounts', 'add', '--platform', sandbox.apiUrl, '--key-stdin'], { stdin: sandbox.token, env });
    const first = await add();
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stderr).toContain('Note: No OS keychain answered');
    const second = await add();
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stderr).not.toContain('No OS keychain answered');
  });
});
