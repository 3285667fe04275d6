import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildProgram } from '../../../cli/main';
import { EncryptedFileSecretStore } from '../../../main/core/secrets/encrypted-file';
import { startSandbox, type RunningSandbox } from '../../../sandbox';

// Every command with a wrong kind of path, a missing file, a bad or unknown id and a bad flag:
// one ERROR line that says what was wrong and what to do, the documented exit code (33, see
// `courier --help`), and never a stack trace, a raw errno code or a zod path.
let sandbox: RunningSandbox;
let work: string;
let n = 0;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function courier(args: string[], o: { key?: boolean; data?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const key = o.key === false ? [] : ['-X', sandbox.apiUrl, '-p', sandbox.token];
  const data = ['--data', o.data ?? join(work, `data-${n++}`)];
  return new Promise((done) => {
    const child = spawn('node', [resolve('cli/bin.mjs'), ...key, ...data, ...args], {
      cwd: work,
      env: o.env ?? { ...process.env, COURIER_KEY_STORE: 'memory' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code: code ?? 1, stdout, stderr }));
    child.stdin.end();
  });
}

const UNKNOWN = 'ZZZZZZ';
const NOT_FOUND = /not found on .*Check the id/;
const BAD_JOB = /'\.\.\/x' is invalid.*A Rescale job id is letters and digits.*courier jobs list/;
const BAD_FILE = /'\.\.\/x' is invalid.*A Rescale file id is letters and digits/;
const MISSING = /missing\.bin does not exist.*Check the path/;

// [args, message pattern]; every case must exit 33.
const cases: [string[], RegExp][] = [
  [['status', '-j', '../x'], BAD_JOB],
  [['status', '-j', UNKNOWN], NOT_FOUND],
  [['status'], /required option '-j, --job <id>' not specified/],
  [['stop', '-j', 'abc'], NOT_FOUND],
  [['stop', '-j', '../x'], BAD_JOB],
  [['delete', '-j', '../x'], BAD_JOB],
  [['delete', '-j', UNKNOWN], NOT_FOUND],
  [['list-files', '-j', '../x'], BAD_JOB],
  [['list-files', '-j', UNKNOWN], NOT_FOUND],
  [['list-files', '-j', 'abc', '-r', '../x'], /A Rescale run id is letters and digits/],
  [['upload', '-f', 'missing.bin'], /missing\.bin does not exist\. Check the path/],
  [['upload', '-f', 'adir'], /adir is a folder; rescale-cli's upload takes files \(use `courier upload/],
  [['upload', 'empty'], /empty holds no files, so there is nothing to upload/],
  [['upload', '-f', 'afile.txt', '-d', '../x'], /A Rescale folder id is letters and digits.*leave -d out/],
  [['upload', '-f', 'afile.txt', '-d', UNKNOWN], NOT_FOUND],
  [['upload'], /Name at least one file to upload \(-f FILE\)/],
  [['sync', '-j', '../x'], BAD_JOB],
  [['sync', '-j', UNKNOWN], NOT_FOUND],
  [['sync', '-j', UNKNOWN, '-o', 'afile.txt'], /-o afile\.txt is a file, not a folder\. Give a folder/],
  [['download', '../x'], BAD_FILE],
  [['download', 'abc'], NOT_FOUND],
  [['download', UNKNOWN, '-o', 'afile.txt/sub'], /-o afile\.txt\/sub cannot be created: .*afile\.txt is a file, not a folder/],
  [['download', '-j', '../x'], BAD_JOB],
  [['download', '--folder', '../x'], /A Rescale folder id is letters and digits.*`courier upload DIR` prints the id/],
  [['download', '--folder', UNKNOWN], NOT_FOUND],
  [['download', '--folder', 'abc', 'abc'], /Download file ids, --folder FOLDER or --job JOB: one of the three at a time/],
  [['ls', '../x'], /A Rescale folder id is letters and digits/],
  [['ls', UNKNOWN], NOT_FOUND],
  [['download-file'], /Give --file-id ID, or -j JOB -f NAME/],
  [['download-file', '--file-id', '../x'], BAD_FILE],
  [['download-file', '--file-id', UNKNOWN], NOT_FOUND],
  [['download-file', '-j', UNKNOWN, '-f', 'x.log'], NOT_FOUND],
  [['submit', '-i', 'missing.bin'], MISSING],
  [['submit', '-i', 'adir'], /adir is a folder, but the script \(-i\) must be one file/],
  [['submit', '-i', 'afile.txt', 'missing.bin'], MISSING],
  [['jobs', 'list', '--limit', 'abc'], /'abc' is invalid\. Give a whole number from 1 to 200/],
  [['jobs', 'show', '../x'], BAD_JOB],
  [['jobs', 'show', UNKNOWN], NOT_FOUND],
  [['jobs', 'watch', '../x'], BAD_JOB],
  [['jobs', 'watch', 'abc'], NOT_FOUND],
  [['jobs', 'stop', UNKNOWN], NOT_FOUND],
  [['jobs', 'stop', '../x'], BAD_JOB],
  [['jobs', 'submit', '--template', 'nope'], /There is no template "nope"\. Saved: none; built in: chainer/],
  [['jobs', 'submit', '--template', 'chainer', '--input', 'missing.bin'], MISSING],
  // A folder is a valid input (it goes up as one archive); an empty one is not.
  [['jobs', 'submit', '--template', 'chainer', '--input', 'empty'], /empty has no files in it: put the job's input files there, or name another folder/],
  [['jobs', 'submit', '--template', 'chainer', '--file-id', '../x'], BAD_FILE],
  [['jobs', 'submit', '--template', 'chainer', '--value', 'novalue'], /--value takes name=value/],
  [['jobs', 'send', '--bogus'], /unknown option '--bogus'/],
  [['jobs', 'files', '../x'], BAD_JOB],
  [['jobs', 'files', UNKNOWN], NOT_FOUND],
  [['jobs', 'tail', '../x'], BAD_JOB],
  [['jobs', 'tail', UNKNOWN, '-n', 'abc'], /-n must be a whole number from 1 to 5000, not "abc"/],
  [['jobs', 'snapshot', '../x'], BAD_JOB],
  [['jobs', 'estimate', '--template', 'nope'], /There is no template "nope"/],
  [['jobs', 'estimate', '--template', 'chainer', '--hours', 'abc'], /argument 'abc' is invalid\. Give a number of hours greater than 0/],
  [['jobs', 'sweep', '--template', 'chainer'], /Give the sweep's rows with either --csv FILE or --grid/],
  [
    ['jobs', 'sweep', '--template', 'chainer', '--grid', 'lr=1'],
    /Column "lr" is not used: put \{lr\} in the template's job name, command or an environment value \(and list "lr" among its parameters\)/,
  ],
  [['jobs', 'rerun', '../x'], BAD_JOB],
  [['jobs', 'rerun', UNKNOWN], NOT_FOUND],
  [['jobs', 'tags', '../x'], BAD_JOB],
  [['templates', 'import-job', '../x'], BAD_JOB],
  [['templates', 'show', 'nope'], /There is no template "nope"/],
  [['templates', 'import', 'adir'], /adir is a folder, but the template file must be one file/],
  [['templates', 'import', 'missing.bin'], /The template file missing\.bin does not exist/],
  [['templates', 'import', 'afile.txt'], /afile\.txt: This is not JSON .*courier templates export/],
  [['templates', 'export', 'nope'], /There is no template "nope"/],
  [['templates', 'export', 'chainer', '-o', 'adir'], /-o adir is a folder: give the path of a file/],
  [['templates', 'export', 'chainer', '-o', 'missing/x.json'], /the folder .*missing does not exist\. Create it first/],
  [['accounts', 'use', 'nope'], /No account "nope"\. See `courier accounts list`/],
  [['accounts', 'rename', '../x', 'y'], /No account "\.\.\/x"/],
  [['accounts', 'remove', UNKNOWN], /No account "ZZZZZZ"/],
  [['accounts', 'add', '--platform', 'notaurl'], /"notaurl" is not a URL\. Use the address of your Rescale platform/],
  [['web', '--port', 'abc'], /'abc' is invalid\. a port is a whole number/],
  [['--bogus', 'jobs', 'list'], /unknown option '--bogus'/],
  [['jobs', '--bogus'], /unknown option '--bogus'/],
  [['nosuchcommand'], /unknown command 'nosuchcommand'/],
];

function expectClean(r: Run): void {
  const all = r.stdout + r.stderr;
  expect(all).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)|EISDIR|ENOTDIR|ENOENT|Invalid input|\b\w+\.\d+\.\w+: /);
}

beforeAll(async () => {
  sandbox = await startSandbox({ jobSeconds: 2 });
  work = mkdtempSync(join(tmpdir(), 'courier-cli-bad-'));
  mkdirSync(join(work, 'adir'));
  writeFileSync(join(work, 'adir', 'inside.txt'), 'x');
  mkdirSync(join(work, 'empty', 'sub'), { recursive: true });
  writeFileSync(join(work, 'afile.txt'), 'hi\n');
});
afterAll(async () => {
  await sandbox?.stop();
});

describe('every command with bad input: what was wrong, what to do, exit 33', () => {
  test.concurrent.each(cases)('courier %j', async (args, message) => {
    const r = await courier(args);
    expect(r.code, r.stdout + r.stderr).toBe(33);
    expect(r.stdout + r.stderr).toMatch(message);
    expect(r.stdout).toMatch(/ - ERROR - /);
    expectClean(r);
  });
});

describe('a download of a file that does not exist', () => {
  // download-file opens its journal while it asks for the file's record; a record not found must not leave it behind.
  test('leaves no transfer journal in the data folder', async () => {
    const data = join(work, 'no-journal-data');
    const r = await courier(['download-file', '--file-id', UNKNOWN, '-o', work], { data });
    expect(r.stdout).toMatch(NOT_FOUND);
    expect(readdirSync(join(data, 'cli-journals'))).toEqual([]); // nor its lock file
  });
});

function commandPaths(cmd: Command, prefix: string[] = []): string[][] {
  return cmd.commands.flatMap((c) => [[...prefix, c.name()], ...commandPaths(c, [...prefix, c.name()])]);
}

describe('an encrypted key file and no passphrase', () => {
  test('no terminal and no COURIER_PASSPHRASE: says both ways; a wrong one: says so; the file is unchanged', async () => {
    const data = join(work, 'keyfile-data');
    const file = join(data, 'keys.encrypted.json');
    await EncryptedFileSecretStore.create(file, 'a long passphrase');
    const before = readFileSync(file, 'utf8');
    const { COURIER_KEY_STORE: _, COURIER_PASSPHRASE: __, ...env } = process.env;
    const none = await courier(['accounts', 'add', '--platform', sandbox.apiUrl], { key: false, data, env: { ...env, RESCALE_API_KEY: sandbox.token } });
    expect(none.code).toBe(33);
    expect(none.stdout).toMatch(/encrypted with a passphrase and none was given: run the command in a terminal to be asked for it, or set COURIER_PASSPHRASE/);
    const wrong = await courier(['accounts', 'add', '--platform', sandbox.apiUrl], {
      key: false,
      data,
      env: { ...env, RESCALE_API_KEY: sandbox.token, COURIER_PASSPHRASE: 'not the one' },
    });
    expect(wrong.code).toBe(33);
    expect(wrong.stdout).toMatch(/This passphrase does not open the key file .*the file is unchanged/);
    expectClean(none);
    expectClean(wrong);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });
});

describe('help', () => {
  // `sandbox` hands every flag to the sandbox (its help is the sandbox's own).
  const all = commandPaths(buildProgram()).filter((p) => p[0] !== 'sandbox');
  const leaves = all.filter((p) => !all.some((q) => q.length > p.length && q[0] === p[0]));
  test('every command that takes an id, a path or a value has a row in the table above', () => {
    const words = (args: string[]) =>
      args
        .filter((a) => /^[a-z][a-z-]*$/.test(a))
        .slice(0, 2)
        .join(' ');
    const covered = new Set(cases.map(([a]) => words(a)));
    // These two take nothing but the global flags (covered by the --bogus rows).
    const untested = leaves
      .map((p) => p.join(' '))
      .filter((p) => !covered.has(p) && ![...covered].some((c) => c.startsWith(`${p} `)) && !['accounts list', 'templates list'].includes(p));
    expect(untested).toEqual([]);
  });
  test.concurrent.each(['', ...all.map((p) => p.join(' '))])('courier %s --help: usage, exit 0', async (p) => {
    const r = await courier([...p.split(' ').filter(Boolean), '--help'], { key: false });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: courier/);
    expectClean(r);
  });
  test('the top-level help lists the exit codes and the passphrase variable', async () => {
    const r = await courier(['--help'], { key: false });
    expect(r.stdout).toContain('Exit codes: 0 done, 33 error');
    expect(r.stdout).toContain('COURIER_PASSPHRASE');
  });
});
