// `courier jobs sweep` as a person runs it: --dry-run prints every expanded job and sends
// nothing that changes anything (counted at the sandbox); a run killed with SIGKILL halfway
// and then run again carries on — every row once, no duplicates; bad input is an ERROR, exit 33.
// (The CLI writes its log lines and errors to stdout, as rescale-cli does.)
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox';
import { platformJobs, rest, until } from '../../support/jobs-env';
import { TRAIN_SWEEP } from '../../support/sweep-template';

let sb: RunningSandbox;
let work: string;
const dataDir = () => join(work, 'data');
const GRID = 'lr=0.1,0.01 x seed=1..3';

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function courier(args: string[]): Run {
  const child = spawn(process.execPath, [resolve('cli/bin.mjs'), '-X', sb.apiUrl, '-p', sb.token, ...args], {
    cwd: work,
    env: { ...process.env, COURIER_DATA_DIR: dataDir(), COURIER_KEY_STORE: 'memory' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((ok) => child.once('exit', (code) => ok({ code, stdout, stderr })));
  return { child, done };
}

const changing = () => Object.entries(sb.stats().api).filter(([k, n]) => n > 0 && !k.startsWith('GET ') && !k.startsWith('HEAD '));
const trainJobs = async () => (await platformJobs(sb)).filter((j) => j.name.startsWith('train lr='));
const pendings = async (id: string) =>
  (await rest<{ results: { status: string }[] }>(sb, 'GET', `/api/v2/jobs/${id}/statuses/`)).results.filter((r) => r.status === 'Pending').length;

beforeAll(async () => {
  sb = await startSandbox({ faults: true, jobSeconds: 1 });
  work = mkdtempSync(join(tmpdir(), 'courier-sweep-cli-'));
  const template = TRAIN_SWEEP;
  writeFileSync(join(work, 'train.json'), JSON.stringify({ format: 'courier-job-template', version: 1, template }));
  const r = await courier(['templates', 'import', 'train.json']).done;
  expect(r.code, r.stderr).toBe(0);
}, 60_000);
afterAll(async () => {
  await sb.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('courier jobs sweep', () => {
  test('--dry-run prints the expanded jobs and sends nothing that changes anything', async () => {
    sb.resetStats();
    const r = await courier(['jobs', 'sweep', '-t', 'train', '--grid', GRID, '--dry-run']).done;
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('row '));
    expect(rows).toHaveLength(6);
    expect(rows[0]).toBe('row 1\ttrain lr=0.1 seed=1\tpython train.py --lr 0.1 --seed 1');
    expect(rows[5]).toBe('row 6\ttrain lr=0.01 seed=3\tpython train.py --lr 0.01 --seed 3');
    expect(r.stdout).toMatch(/Dry run: sweep "train-[0-9a-f]{8}".*6 job\(s\).*Nothing was queued or sent/);
    expect(changing()).toEqual([]);
    expect(await trainJobs()).toHaveLength(0);
  }, 60_000);

  test('--value gives a parameter one value for every row, as a column would; the table and --value cannot both name it', async () => {
    sb.resetStats();
    const r = await courier(['jobs', 'sweep', '-t', 'train', '--grid', 'lr=0.1,0.01', '--value', 'seed=42', '--dry-run']).done;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('row '));
    expect(rows).toEqual([
      'row 1\ttrain lr=0.1 seed=42\tpython train.py --lr 0.1 --seed 42',
      'row 2\ttrain lr=0.01 seed=42\tpython train.py --lr 0.01 --seed 42',
    ]);
    // Another constant is another sweep (its default name follows the values).
    const other = await courier(['jobs', 'sweep', '-t', 'train', '--grid', 'lr=0.1,0.01', '--value', 'seed=43', '--dry-run']).done;
    const name = (x: string) => /Dry run: sweep "([^"]+)"/.exec(x)?.[1];
    expect(name(other.stdout)).toBeTruthy();
    expect(name(other.stdout)).not.toBe(name(r.stdout));
    const twice = await courier(['jobs', 'sweep', '-t', 'train', '--grid', GRID, '--value', 'seed=42', '--dry-run']).done;
    expect(twice.code).toBe(33);
    expect(twice.stdout).toContain("seed is a column of the sweep's table and also given one value for every row (--value); give it in one place.");
    const bad = await courier(['jobs', 'sweep', '-t', 'train', '--grid', 'lr=0.1', '--value', 'seed', '--dry-run']).done;
    expect(bad.code).toBe(33);
    expect(bad.stdout).toContain('--value takes name=value (got "seed").');
    expect(changing()).toEqual([]);
  }, 60_000);

  test('bad input: an ERROR line and exit 33, nothing sent', async () => {
    sb.resetStats();
    const missing = await courier(['jobs', 'sweep', '-t', 'train', '--csv', 'nope.csv']).done;
    expect(missing.code).toBe(33);
    expect(missing.stdout).toMatch(/ERROR.*nope\.csv does not exist/);
    writeFileSync(join(work, 'extra.csv'), 'lr,seed,momentum\n0.1,1,0.9\n');
    const unused = await courier(['jobs', 'sweep', '-t', 'train', '--csv', 'extra.csv']).done;
    expect(unused.code).toBe(33);
    expect(unused.stdout).toMatch(/ERROR.*Column "momentum" is not used/);
    const both = await courier(['jobs', 'sweep', '-t', 'train', '--csv', 'extra.csv', '--grid', GRID]).done;
    expect(both.code).toBe(33);
    expect(both.stdout).toMatch(/ERROR.*either --csv FILE or --grid/);
    expect(changing()).toEqual([]);
  }, 60_000);

  test('killed with SIGKILL halfway, the same command again carries on: six jobs, each once', async () => {
    // Creates are slowed so the kill lands with some rows out and some not.
    sb.addFault({ method: 'POST', path: '/api/v2/jobs/', latencyMs: 700, times: 100 });
    const first = courier(['jobs', 'sweep', '-t', 'train', '--grid', GRID, '--name', 'k9']);
    await until(
      'two jobs submitted',
      async () => {
        const jobs = await trainJobs();
        return jobs.length >= 2 && (await Promise.all(jobs.map((j) => pendings(j.id)))).filter((n) => n > 0).length >= 2;
      },
      60_000,
    );
    first.child.kill('SIGKILL');
    await first.done;
    const before = (await trainJobs()).length;
    expect(before).toBeLessThan(6);
    sb.clearFaults();

    const again = await courier(['jobs', 'sweep', '-t', 'train', '--grid', GRID, '--name', 'k9']).done;
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(/was launched before: carrying on with its 6 rows/);
    expect(again.stdout).toMatch(/Sweep "k9": 6 of 6 submitted/);
    const jobs = await trainJobs();
    expect(jobs).toHaveLength(6);
    const names = jobs.map((j) => j.name.replace(/ \[cr-[a-z0-9]+\]$/, '')).sort();
    expect(names).toEqual(['0.01 seed=1', '0.01 seed=2', '0.01 seed=3', '0.1 seed=1', '0.1 seed=2', '0.1 seed=3'].map((s) => `train lr=${s}`));
    for (const j of jobs) expect(await pendings(j.id)).toBe(1);

    const list = await courier(['jobs', 'list', '--sweep', 'k9']).done;
    expect(list.code, list.stderr).toBe(0);
    const lines = list.stdout.split('\n').filter((l) => /^\d+\t/.test(l));
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^1\t\w+\t.*\ttrain lr=0\.1 seed=1\tlr=0\.1 seed=1$/);
  }, 180_000);

  test('--wait --json follows the jobs to the end and prints the sweep with their outcomes', async () => {
    const r = await courier(['--json', 'jobs', 'sweep', '-t', 'train', '--grid', 'lr=0.5 x seed=1..2', '--wait']).done;
    expect(r.code, r.stdout).toBe(0);
    const v = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { total: number; counts: { completed: number }; rows: { outcome: string; jobId: string }[] };
    expect(v.total).toBe(2);
    expect(v.counts.completed).toBe(2);
    expect(v.rows.map((x) => x.outcome)).toEqual(['completed', 'completed']);
  }, 120_000);
});
