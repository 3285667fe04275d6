// A CLI-only user's jobs finish unannounced (a CLI announces only the jobs a command of it
// follows); the app started later gives the ones that ended long ago as ONE notice, claimed so no
// process repeats them, and still announces on its own a job that ends while it runs. The jobs are
// launched by the real CLI (cli/bin.mjs) on the data folder the app then opens; "long ago" is
// `catchUp.recentMs` (15 min in the app), shortened here so the test does not wait for it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox';
import { createCourier, type Courier } from '../../../main/core/courier';
import { PlaintextFileSecretStore } from '../../../main/core/secrets/file-store';
import { openJobsDb } from '../../../main/core/jobs/db';
import { TrackedStore } from '../../../main/core/jobs/tracked-store';
import { parseStatusDate } from '../../../shared/job-status';
import { FAST_TUNING, platformJobs, rest, until } from '../../support/jobs-env';
import { TRAIN_SWEEP } from '../../support/sweep-template';

const RECENT_MS = 4_000;
let sb: RunningSandbox;
let work: string;
const dataDir = () => join(work, 'data');
const apps: Courier[] = [];

/** The CLI on the stored account (a key in the environment would be used instead of it). */
function courier(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [resolve('cli/bin.mjs'), ...args], {
    cwd: work,
    env: { ...process.env, COURIER_DATA_DIR: dataDir(), COURIER_KEY_STORE: 'file', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((ok) => child.once('close', (code) => ok({ code, stdout, stderr })));
}

async function ok(args: string[], env: Record<string, string> = {}): Promise<string> {
  const r = await courier(args, env);
  expect(r.code, `${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
  return r.stdout + r.stderr;
}

/** The desktop app on the same data folder and stored account, recording what it shows. */
async function openApp(): Promise<{ courier: Courier; shown: { title: string; body: string; jobId?: string }[] }> {
  const shown: { title: string; body: string; jobId?: string }[] = [];
  const c = await createCourier({
    shell: 'electron',
    version: '0.0.0-test',
    dataDir: dataDir(),
    secrets: new PlaintextFileSecretStore(join(dataDir(), 'keys.plaintext.json')),
    notifier: { show: (n) => shown.push(n) },
    jobsTuning: { ...FAST_TUNING, catchUp: { recentMs: RECENT_MS } },
  });
  apps.push(c);
  return { courier: c, shown };
}

/** Rows of jobs.db as the CLI left them (read before any app opens the folder). */
function trackedRows() {
  const db = openJobsDb(join(dataDir(), 'jobs.db'));
  try {
    return new TrackedStore(db).all(undefined, 100);
  } finally {
    db.close();
  }
}

/** The platform's jobs named so, once every one has ended. */
const ended = async (names: string[]) => {
  const jobs = (await platformJobs(sb)).filter((j) => names.some((n) => j.name.startsWith(`${n} `) || j.name === n));
  return jobs.length === names.length && jobs.every((j) => j.jobStatus.content === 'Completed') ? jobs : undefined;
};

beforeAll(async () => {
  sb = await startSandbox({ jobSeconds: 2, faults: true });
  work = mkdtempSync(join(tmpdir(), 'courier-catch-up-'));
  await ok(['accounts', 'add', '--platform', sb.apiUrl, '--label', 'Sandbox'], { RESCALE_API_KEY: sb.token });
  writeFileSync(join(work, 'train.json'), JSON.stringify({ format: 'courier-job-template', version: 1, template: TRAIN_SWEEP }));
  await ok(['templates', 'import', 'train.json']);
}, 60_000);
afterAll(async () => {
  for (const c of apps) await c.close().catch(() => undefined);
  await sb?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('jobs that finished while only the CLI ran', () => {
  test('the app gives the old ones as one notice, claimed once; a job that ends while it runs gets its own', async () => {
    // Sent and left: the CLI exits once they are out, nobody polls them.
    await ok(['jobs', 'sweep', '-t', 'train', '--grid', 'lr=1,2 x seed=1']);
    // A CLI following one job of its own: its poller also records the others' end, and leaves their notices.
    await until('the first jobs to end', () => ended(['train lr=1 seed=1', 'train lr=2 seed=1']), 60_000);
    await ok(['jobs', 'sweep', '-t', 'train', '--grid', 'lr=3 x seed=1', '--wait']);
    await ok(['jobs', 'sweep', '-t', 'train', '--grid', 'lr=4,5 x seed=1']);
    const names = [1, 2, 3, 4, 5].map((lr) => `train lr=${lr} seed=1`);
    const all = await until('all five jobs to end', () => ended(names), 60_000);
    const rows = trackedRows();
    expect(rows.filter((r) => r.notified).map((r) => r.name)).toEqual([expect.stringMatching(/^train lr=3 seed=1/)]);
    expect(rows.filter((r) => r.terminal && !r.notified)).toHaveLength(2); // recorded ended by the second CLI, unannounced
    expect(rows.filter((r) => !r.terminal)).toHaveLength(2); // the app's poller finds these ended

    // Old news by the time the app starts.
    const lastEnd = Math.max(...(await Promise.all(all.map((j) => lastStatusDate(j.id)))));
    await until('the jobs to be old news', () => Date.now() > lastEnd + RECENT_MS, RECENT_MS + 5_000, 100);
    const app = await openApp();
    const first = await until('the app to say what finished', () => app.shown[0], 30_000);
    expect(first.title).toBe('4 jobs finished while Courier was closed');
    expect(first.body).toMatch(/^4 completed; the last one \d+ min ago\. Each is in Jobs and in the activity log\.$/);
    await until('every job claimed', () => app.courier.jobs.tracked.all(undefined, 100).every((r) => r.notified), 30_000);

    // A second process opening the folder later repeats none of them.
    const later = await openApp();
    await ok(['jobs', 'sweep', '-t', 'train', '--grid', 'lr=6 x seed=1']);
    const fresh = await until(
      'the new job to be announced',
      () => app.shown.find((n) => n.title === 'Job finished: train lr=6 seed=1') ?? later.shown.find((n) => n.title === 'Job finished: train lr=6 seed=1'),
      60_000,
    );
    expect(fresh.body).toMatch(/^Job \w+ completed in \d+ s\.$/);
    expect([...app.shown, ...later.shown].map((n) => n.title).sort()).toEqual(['4 jobs finished while Courier was closed', 'Job finished: train lr=6 seed=1']);
  }, 240_000);
});

async function lastStatusDate(jobId: string): Promise<number> {
  const s = await rest<{ results: { statusDate: string }[] }>(sb, 'GET', `/api/v2/jobs/${jobId}/statuses/`);
  return parseStatusDate(s.results[0]?.statusDate) ?? Date.now();
}
