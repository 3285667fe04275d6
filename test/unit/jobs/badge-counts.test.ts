// The Jobs badge counted in SQLite: on a real jobs.db on disk with a realistic mix (launches in
// every outbox state, three sweeps of 2,000 rows, jobs in every platform status), it says what
// reading every row and classifying it one by one says; it reads no row whole (covering indexes
// only); and with another process sending rows meanwhile, every count it gives is of one moment.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import type { SubmissionState } from '../../../shared/jobs';
import { badgeCounts, type BadgeCounts } from '../../../main/core/jobs/badge-counts';
import { openJobsDb, type Db } from '../../../main/core/jobs/db';
import { OutboxStore } from '../../../main/core/jobs/outbox-store';
import { isUnderWay } from '../../../main/core/jobs/status';
import { SweepStore } from '../../../main/core/jobs/sweep-store';
import { TrackedStore } from '../../../main/core/jobs/tracked-store';
import { chainer, chainerSubmission } from '../../support/chainer-submission';

function open(path: string) {
  const db = openJobsDb(path);
  const store = new OutboxStore(db);
  const tracked = new TrackedStore(db);
  return { db, store, tracked, sweeps: new SweepStore(db, store) };
}
type Stores = ReturnType<typeof open>;

function submission(accountId: string) {
  return chainerSubmission(accountId);
}

/** Where one submission ends up: its state and, once submitted, its job's status (null: not polled yet). */
interface Plan {
  state: SubmissionState;
  status?: string | null;
}
const TERMINAL = new Set(['Completed', 'Failed', 'Force Stopped', 'Terminated']);
// What the badge has always meant (rescale-protocol.md §4): from Started on a job runs; an unknown
// word runs (never hidden); Pending, the queues, the wait for a cluster and "not polled yet" wait.
const UNDER_WAY = new Set(['Started', 'Validated', 'Executing', 'Stopping', 'Warming up']);
const OPEN = new Set<SubmissionState>(['queued', 'uploading', 'creating', 'created', 'submitting']);
const SWEEP_MIX: Plan[] = [
  ...Array.from({ length: 5 }, () => ({ state: 'queued' as const })),
  { state: 'uploading' },
  { state: 'submitting' },
  { state: 'failed' },
  { state: 'cancelled' },
  ...['Pending', 'Waiting for Queue', 'Queued', 'Waiting for Cluster', 'Started', 'Validated', 'Executing', 'Stopping', 'Warming up', null].map((status) => ({
    state: 'submitted' as const,
    status,
  })),
  ...[...TERMINAL].map((status) => ({ state: 'submitted' as const, status })),
];
const SINGLE_MIX: Plan[] = [...OPEN, 'failed', 'cancelled'].map((state) => ({ state: state as SubmissionState }));

/** The badge as the plan says it must be, counted from the plan alone. */
function expected(plans: Plan[]): BadgeCounts {
  let running = 0;
  let queued = 0;
  for (const p of plans) {
    if (OPEN.has(p.state)) queued++;
    else if (p.state === 'submitted' && !TERMINAL.has(p.status ?? '')) {
      if (UNDER_WAY.has(p.status ?? '')) running++;
      else queued++;
    }
  }
  return { running, queued };
}

/** How the badge was computed before: every unfinished job and every open submission read whole (without the list's 500 cap). */
function rowByRow(s: Stores): BadgeCounts {
  const active = s.tracked.active();
  const running = active.filter((j) => isUnderWay(j.status)).length;
  return { running, queued: active.length - running + s.store.list({ open: true, limit: 1_000_000 }).length };
}

function apply(s: Stores, id: string, p: Plan, k: number): void {
  if (p.state === 'queued') return;
  const jobId = p.state === 'submitted' ? `job-${k}` : null;
  expect(s.store.userUpdate(id, { state: p.state, ...(jobId ? { jobId } : {}) }, ['queued'])).toBe(true);
  if (!jobId) return;
  const sub = s.store.get(id)!;
  s.tracked.upsert({ jobId, accountId: sub.accountId, name: sub.jobName, source: 'courier', submissionId: id, templateId: 'chainer', options: sub.options });
  if (p.status === null || p.status === undefined) return;
  const history = [{ status: p.status, statusDate: new Date().toISOString(), statusReason: null }];
  s.tracked.setStatus(sub.accountId, jobId, {
    status: p.status,
    history,
    outcome: TERMINAL.has(p.status) ? 'completed' : 'running',
    terminal: TERMINAL.has(p.status),
  });
}

/** Three sweeps of 2,000 rows and a few single launches, on two accounts, every row placed per its plan. */
function seed(s: Stores): Plan[] {
  const plans: Plan[] = [];
  let k = 0;
  for (const [w, accountId] of ['acc', 'acc', 'acc-2'].entries()) {
    const rows = Array.from({ length: 2000 }, (_, i) => ({ row: i + 1, values: { seed: String(i + 1) }, submission: submission(accountId) }));
    s.sweeps.create({ id: `sweep-${w}`, accountId, name: `sweep ${w}`, template: chainer, columns: ['seed'], inputs: [], fingerprint: `f${w}` }, rows);
    s.db.transaction(() => {
      for (const [i, r] of rows.entries()) {
        // A stride not dividing the mix's length, so each sweep has its own spread.
        const p = SWEEP_MIX[(i * (w + 1) * 7 + w) % SWEEP_MIX.length]!;
        apply(s, r.submission.id, p, k++);
        plans.push(p);
      }
    })();
  }
  for (const accountId of ['acc', 'acc-2']) {
    for (const p of SINGLE_MIX) {
      apply(s, s.store.insert(submission(accountId)).id, p, k++);
      plans.push(p);
    }
  }
  // Jobs followed by hand (no submission): they count too.
  for (const [i, status] of ['Executing', 'Queued', 'Completed'].entries()) {
    const jobId = `followed-${i}`;
    s.tracked.upsert({ jobId, accountId: 'acc', name: jobId, source: 'followed', submissionId: null, templateId: null, options: submission('acc').options });
    s.tracked.setStatus('acc', jobId, {
      status,
      history: [{ status, statusDate: '', statusReason: null }],
      outcome: 'running',
      terminal: TERMINAL.has(status),
    });
    plans.push({ state: 'submitted', status });
  }
  return plans;
}

/** The statements `fn` prepares on `db`, each with SQLite's plan for it. */
function plansOf(db: Db, fn: () => void): string[] {
  const prepare = vi.spyOn(db, 'prepare');
  let calls: (typeof prepare.mock.calls)[number][];
  try {
    fn();
    calls = [...prepare.mock.calls];
  } finally {
    prepare.mockRestore();
  }
  return calls.map(([sql]) =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(sql.includes('?') ? OPEN : [])) as { detail: string }[]).map((r) => r.detail).join('; '),
  );
}

describe('the Jobs badge', () => {
  test('three 2,000-row sweeps in every state: the counts of what reading row by row says, from covering indexes only', () => {
    const s = open(join(mkdtempSync(join(tmpdir(), 'courier-badge-')), 'jobs.db'));
    const plans = seed(s);
    const want = expected(plans);
    // The mix is large enough that the old list's 500 cap would have shown.
    expect(want.queued).toBeGreaterThan(500);
    expect(want.running).toBeGreaterThan(500);
    expect(rowByRow(s)).toEqual(want);
    expect(badgeCounts(s.db, s.tracked, s.store)).toEqual(want);
    const statements = plansOf(s.db, () => badgeCounts(s.db, s.tracked, s.store));
    expect(statements).toHaveLength(2);
    for (const plan of statements) {
      expect(plan).toMatch(/COVERING INDEX/);
      expect(plan).not.toMatch(/\bSCAN\b/);
    }
  }, 120_000);

  test('another process sends rows meanwhile: every count is of one moment, and the last is the row-by-row one', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'courier-badge-')), 'jobs.db');
    const app = open(path);
    seed(app);
    const before = badgeCounts(app.db, app.tracked, app.store);
    // The CLI sends 400 queued rows, each submitted and its job recorded in one commit: a job moves
    // from the outbox to the watched jobs, so running + queued never changes.
    const cli = spawn(process.execPath, ['--import', 'tsx', 'test/support/badge-writer.ts', path, '400', 'Pending,Executing'], { cwd: process.cwd() });
    let out = '';
    let err = '';
    cli.stdout.on('data', (d: Buffer) => (out += d.toString()));
    cli.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => cli.on('exit', resolve));
    let done = false;
    void exited.then(() => (done = true));
    const sums = new Set<number>();
    while (!done) {
      const c = badgeCounts(app.db, app.tracked, app.store);
      sums.add(c.running + c.queued);
      await new Promise((r) => setTimeout(r, 5)); // a sample every few ms, not a busy loop beside the writer
    }
    expect(await exited, `the writer failed: ${err.slice(-500)}`).toBe(0);
    expect(JSON.parse(out)).toEqual({ moved: 400 });
    expect([...sums]).toEqual([before.running + before.queued]);
    const after = badgeCounts(app.db, app.tracked, app.store);
    expect(after).toEqual({ running: before.running + 200, queued: before.queued - 200 });
    expect(after).toEqual(rowByRow(app));
  }, 120_000);
});
