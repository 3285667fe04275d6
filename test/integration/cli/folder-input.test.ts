// Issue #22 part 1, end to end through the command a user runs: with the platform's rate limits
// on, `courier jobs submit --input DIR --wait` sends a 300-file folder as ONE archive (one file
// registration), the simulated run unpacks it (decompress) and lists the original layout, and
// launching the same folder again registers nothing new.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import yauzl from 'yauzl';
import { startSandbox, type RunningSandbox } from '../../../sandbox';
import { runCourier, type CliResult } from '../../support/cli-run';

const REGISTER = 'POST /api/v3/files/';
let sandbox: RunningSandbox;
let work: string;
let data: string;
const expected: string[] = [];

function courier(args: string[]): Promise<CliResult> {
  return runCourier(sandbox, work, args);
}

async function registrations(): Promise<number> {
  const r = (await (await fetch(`${sandbox.apiUrl}/__sandbox/stats`)).json()) as { api: Record<string, number> };
  return Object.entries(r.api)
    .filter(([k]) => k.startsWith(REGISTER))
    .reduce((n, [, v]) => n + v, 0);
}

/** The working directory listed in the downloaded process_output.log: path → size. */
function listed(stdout: string): Map<string, number> {
  const dir = /output file\(s\) (?:matching \S+ )?in (.+?)(?: \(every output: .*\))?$/m.exec(stdout)?.[1];
  expect(dir, stdout).toBeTruthy();
  const log = readFileSync(join(dir!, 'process_output.log'), 'utf8');
  const m = /^Working directory \((\d+) files\):\n((?: +\d+ {2}.*\n)*)/m.exec(log);
  expect(m, log).not.toBeNull();
  const rows = m![2]!
    .trimEnd()
    .split('\n')
    .map((l) => /^ +(\d+) {2}(.*)$/.exec(l)!);
  expect(rows.length).toBe(Number(m![1]));
  return new Map(rows.map((r) => [r[2]!, Number(r[1])]));
}

beforeAll(async () => {
  sandbox = await startSandbox({ jobSeconds: 2, faults: true, rateLimits: true, token: 'folder-input-token-1234' });
  work = mkdtempSync(join(tmpdir(), 'courier-folder-input-'));
  data = join(work, 'data set');
  // 300 files over nested folders, with spaces, unicode, an empty file and an empty folder.
  for (let i = 0; i < 300; i++) {
    const sub = join(`case ${i % 7}`, i % 2 ? 'mesh' : 'データ');
    mkdirSync(join(data, sub), { recursive: true });
    const rel = join(sub, `part-${i}.dat`);
    const body = i === 0 ? '' : `${i}\n`.repeat(i);
    writeFileSync(join(data, rel), body);
    expected.push(`data set/${rel}`);
  }
  mkdirSync(join(data, 'empty folder'));
});
afterAll(async () => {
  await sandbox?.stop();
});

test(
  'a 300-file folder: one registration, Completed, and the job sees the 300 files at their paths; again: no new registration',
  { timeout: 300_000 },
  async () => {
    const limits = (await (await fetch(`${sandbox.apiUrl}/__sandbox/rate-limits`)).json()) as { enabled: boolean; limits: { user: { ratePerSec: number } } };
    expect(limits.enabled && limits.limits.user.ratePerSec).toBe(2); // the platform's v3 pace
    const first = await courier(['jobs', 'submit', '--template', 'chainer', '--input', data, '--wait']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/ - data set\/ \(300 files, [\d.]+ KiB\) goes up as one archive/);
    expect(first.stdout).toMatch(/reached terminal status: Completed/);
    expect(await registrations()).toBe(1);
    const files = listed(first.stdout);
    expect([...files.keys()].sort()).toEqual([...expected].sort());
    expect(files.get('data set/case 0/データ/part-0.dat')).toBe(0);
    expect(files.get('data set/case 5/mesh/part-299.dat')).toBe(299 * 4);

    const second = await courier(['jobs', 'submit', '--template', 'chainer', '--input', data, '--wait']);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(/ - data set\/ was uploaded before as the same archive .*reused/);
    expect(await registrations()).toBe(1);
    expect([...listed(second.stdout).keys()].sort()).toEqual([...expected].sort());
    // Nothing staged is left in the data folder once the archive is registered.
    expect(readdirSync(join(work, '.courier', 'staging', 'job-inputs')).length).toBe(0);
  },
);

test('courier upload --as-archive DIR: one registered .zip holding the folder, the trade-off said, nothing left staged', async () => {
  const before = await registrations();
  const r = await courier(['upload', '--as-archive', data]);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(r.stdout).toMatch(
    /data set\/ \(300 files, [\d.]+ KiB\) goes up as one archive, data set\.zip: one file on the platform, registered once; unpack it yourself or in a job/,
  );
  expect(await registrations()).toBe(before + 1);
  const [id, name] = r.stdout.trim().split('\n').at(-1)!.split('\t');
  expect(name).toBe('data set.zip');
  const res = await fetch(`${sandbox.apiUrl}/api/v2/files/${id}/contents/`, { headers: { Authorization: `Token ${sandbox.token}` } });
  const zipPath = join(work, 'back.zip');
  writeFileSync(zipPath, Buffer.from(await res.arrayBuffer()));
  const names = await new Promise<string[]>((done, fail) =>
    yauzl.open(zipPath, { lazyEntries: true }, (err, zip) => {
      if (err) return fail(err);
      const got: string[] = [];
      zip.on('entry', (e: yauzl.Entry) => (got.push(e.fileName), zip.readEntry()));
      zip.on('end', () => done(got));
      zip.readEntry();
    }),
  );
  expect(names.filter((n) => !n.endsWith('/')).sort()).toEqual([...expected].sort());
  expect(names).toContain('data set/empty folder/');
  expect(readdirSync(join(work, '.courier', 'staging', 'cli-upload-archives'))).toEqual([]);
});

test(
  'many loose files: one registration, unpacked at the top of the working directory under their names; again: reused; equal names from two folders go one by one',
  { timeout: 300_000 },
  async () => {
    const loose = join(work, 'loose');
    mkdirSync(join(loose, 'other'), { recursive: true });
    const names = ['run me.sh', 'a.csv', 'b.csv', 'データ.csv', 'empty.txt', 'mesh.msh'];
    names.forEach((n, i) => writeFileSync(join(loose, n), i === 4 ? '' : `${n}\n`.repeat(i + 1)));
    const paths = names.map((n) => join(loose, n));
    const before = await registrations();
    const first = await courier(['jobs', 'submit', '--template', 'chainer', '--input', ...paths, '--wait']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(/ - 6 input files \([\d.]+ B\) go up as one archive, unpacked in the job's working directory under their own names/);
    expect(first.stdout).toMatch(/reached terminal status: Completed/);
    expect(await registrations()).toBe(before + 1);
    const files = listed(first.stdout);
    expect([...files.keys()].sort()).toEqual([...names].sort());
    expect(files.get('empty.txt')).toBe(0);
    expect(files.get('b.csv')).toBe('b.csv\n'.length * 3);

    const again = await courier(['jobs', 'submit', '--template', 'chainer', '--input', ...paths, '--wait']);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(/ - 6 input files were uploaded before as the same archive .*reused/);
    expect(await registrations()).toBe(before + 1);

    // Two files called a.csv cannot both sit at the top of one archive: each goes up on its own.
    writeFileSync(join(loose, 'other', 'a.csv'), 'other\n');
    const clash = await courier(['jobs', 'submit', '--template', 'chainer', '--input', ...paths, join(loose, 'other', 'a.csv')]);
    expect(clash.code, clash.stdout + clash.stderr).toBe(0);
    expect(clash.stdout).not.toMatch(/go up as one archive/);
    expect(await registrations()).toBe(before + 1 + 7);
  },
);
