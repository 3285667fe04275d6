// More than 500 open submissions (a large sweep queued offline): the CLI must find an account's
// OLDEST open row and every open row, not only the newest page of 500 that list() returns.
// Offline, `jobs sweep` and `jobs send` see the oldest row parked and exit. Online, `jobs send`
// sends every row of its account, oldest first, once, however many newer rows are open.
// (The CLI keeps the platform's 1,000 submissions an hour, so the online test sends a few rows of
// its own behind 600 newer open rows of another account, which this run has no key for.)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox';
import { openJobsDb } from '../../../main/core/jobs/db';
import { OutboxStore } from '../../../main/core/jobs/outbox-store';
import { platformJobs } from '../../support/jobs-env';
import { TRAIN_SWEEP } from '../../support/sweep-template';

const MANY = 600; // more than list()'s page of 500
let sb: RunningSandbox;
let work: string;
let ports: { port: number; s3Port: number };

interface Run {
  code: number | null;
  stdout: string;
}

/** Runs the CLI; a run still going after `killAfterMs` is killed (the old code waited forever). */
function courier(data: string, args: string[], killAfterMs: number): Promise<Run> {
  const child = spawn(process.execPath, [resolve('cli/bin.mjs'), '-X', sb.apiUrl, '-p', sb.token, ...args], {
    cwd: work,
    env: { ...process.env, COURIER_DATA_DIR: join(work, data), COURIER_KEY_STORE: 'memory' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
  const guard = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  return new Promise((ok) =>
    child.once('exit', (code) => {
      clearTimeout(guard);
      ok({ code, stdout });
    }),
  );
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'courier-outbox-500-'));
  sb = await startSandbox({ jobSeconds: 1, dataDir: join(work, 'sb') });
  ports = { port: Number(new URL(sb.apiUrl).port), s3Port: Number(new URL(sb.s3Endpoint).port) };
  writeFileSync(join(work, 'train.json'), JSON.stringify({ format: 'courier-job-template', version: 1, template: TRAIN_SWEEP }));
  for (const data of ['offline', 'online']) {
    const r = await courier(data, ['templates', 'import', 'train.json'], 60_000);
    expect(r.code, r.stdout).toBe(0);
  }
  await sb.stop();
}, 90_000);
afterAll(async () => {
  await sb.stop().catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

/** Queues a sweep of `rows` rows while the sandbox is down: it exits once its oldest row waits for the connection. */
async function queueOffline(data: string, rows: number): Promise<void> {
  const sweep = await courier(data, ['jobs', 'sweep', '-t', 'train', '--grid', `lr=0.1 x seed=1..${rows}`], 120_000);
  expect(sweep.code, sweep.stdout.slice(-2000)).toBe(0);
  expect(sweep.stdout).toContain(`${rows} row(s) are not sent yet`);
}

test(`${MANY} rows queued offline: the sweep and \`jobs send\` see the oldest row parked and exit`, async () => {
  await queueOffline('offline', MANY);
  // Every row waits behind the oldest, which waits for the connection: each is reported so, once.
  const parked = await courier('offline', ['jobs', 'send'], 120_000);
  expect(parked.code, parked.stdout.slice(-2000)).toBe(0);
  expect(parked.stdout.match(/ - Not sent yet \(Rescale cannot be reached\)/g)).toHaveLength(MANY);
}, 300_000);

test(`\`jobs send\` sends its account's rows oldest first, once, behind ${MANY} newer open rows of another account`, async () => {
  const ROWS = 4;
  await queueOffline('online', ROWS);
  // Another account's large offline sweep, queued after ours in the same jobs.db.
  const db = openJobsDb(join(work, 'online', 'jobs.db'));
  try {
    const store = new OutboxStore(db);
    const ours = store.list({ open: true }).at(-1)!;
    for (let i = 0; i < MANY; i++)
      store.insert({
        ...ours,
        id: `other-${i}`,
        accountId: 'other-account',
        marker: `other-marker-${i}`,
        source: { template: ours.source.template, inputs: [], values: ours.source.values },
      });
    expect(store.openCount()).toBe(ROWS + MANY);
  } finally {
    db.close();
  }

  sb = await startSandbox({ jobSeconds: 1, dataDir: join(work, 'sb'), token: sb.token, ...ports });
  sb.resetStats();
  const sent = await courier('online', ['jobs', 'send'], 240_000);
  expect(sent.code, sent.stdout.slice(-2000)).toBe(0);
  const reported = [...sent.stdout.matchAll(/ - Job (\w+): submitted$/gm)].map((m) => m[1]);
  const names = new Map((await platformJobs(sb)).map((j) => [j.id, j.name.replace(/ \[cr-\w+\]$/, '')])); // less the exactly-once marker
  expect(reported.map((id) => names.get(id!))).toEqual(Array.from({ length: ROWS }, (_, i) => `train lr=0.1 seed=${i + 1}`));
  expect(names.size).toBe(ROWS);
  expect(sb.stats().api['POST /api/v2/jobs/']).toBe(ROWS);
}, 300_000);
