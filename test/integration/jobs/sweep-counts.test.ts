// A sweep's counts and retry, with rows put in every state directly in jobs.db (the outbox is not
// started, so nothing moves them meanwhile): the list counts with one grouped query what the
// batch view counts row by row; each row is in exactly one count; Retry failed goes on past
// rows another Courier on the same data folder retried first.
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { JobTemplateInput } from '../../../shared/jobs';
import { sweepEnded, type SweepView } from '../../../shared/sweeps';
import { retrySweep } from '../../../main/core/jobs/sweeps';
import type { JobsService } from '../../../main/core/jobs/service';
import { jobsEnv, type JobsEnv } from '../../support/jobs-env';
import { TRAIN_SWEEP } from '../../support/sweep-template';

let env: JobsEnv;
const TRAIN: JobTemplateInput = TRAIN_SWEEP;

beforeAll(async () => {
  env = await jobsEnv({ ports: { backgroundJobs: false } });
  await env.call('templates', 'save', { template: TRAIN });
}, 60_000);
afterAll(async () => env?.close());

const jobs = (): JobsService => env.courier.jobs;

/** Row `i` (from 0) of the sweep: its submission sent as job `jobId`, which the platform reports `status` for. */
function submitted(v: SweepView, i: number, jobId: string, status: string | null): void {
  const s = v.rows[i]!;
  expect(jobs().store.userUpdate(s.submissionId, { state: 'submitted', jobId }, ['queued'])).toBe(true);
  const sub = jobs().store.get(s.submissionId)!;
  jobs().tracked.upsert({
    jobId,
    accountId: sub.accountId,
    name: sub.jobName,
    source: 'courier',
    submissionId: sub.id,
    templateId: 'train',
    options: sub.options,
  });
  if (status === null) return; // not polled yet
  const outcome = status === 'Completed' ? 'completed' : status === 'Failed' ? 'failed' : status === 'Stopped' ? 'stopped' : 'running';
  const history = [{ status, statusDate: new Date().toISOString(), statusReason: null }];
  jobs().tracked.setStatus(sub.accountId, jobId, { status, history, outcome, terminal: outcome !== 'running' });
}

function failed(v: SweepView, i: number): void {
  expect(
    jobs().store.userUpdate(v.rows[i]!.submissionId, { state: 'failed', error: { code: 'invalid_input', message: 'refused for the test' } }, ['queued']),
  ).toBe(true);
}

/** Statements prepared on jobs.db, and per-row lookups made, while `fn` runs. */
async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; statements: number; rowLookups: number }> {
  const prepare = vi.spyOn(jobs().db, 'prepare');
  const tracked = vi.spyOn(jobs().tracked, 'get');
  const rows = vi.spyOn(jobs().sweeps, 'rows');
  const sub = vi.spyOn(jobs().store, 'get');
  try {
    const value = await fn();
    return { value, statements: prepare.mock.calls.length, rowLookups: tracked.mock.calls.length + rows.mock.calls.length + sub.mock.calls.length };
  } finally {
    for (const s of [prepare, tracked, rows, sub]) s.mockRestore();
  }
}

describe('sweep counts', () => {
  test('a row in every state: the list counts what the batch view counts, each row once, and 100 % once every row ended', async () => {
    const { sweep } = await env.call('sweeps', 'launch', { templateId: 'train', name: 'every-state', table: { kind: 'grid', text: 'lr=1 x seed=1..9' } });
    expect(jobs().store.userUpdate(sweep.rows[1]!.submissionId, { state: 'cancelled' }, ['queued'])).toBe(true);
    failed(sweep, 2);
    submitted(sweep, 3, 'job-pending', 'Pending');
    submitted(sweep, 4, 'job-unpolled', null);
    submitted(sweep, 5, 'job-executing', 'Executing');
    submitted(sweep, 6, 'job-completed', 'Completed');
    submitted(sweep, 7, 'job-failed', 'Failed');
    submitted(sweep, 8, 'job-stopped', 'Stopped');

    const view = await env.call('sweeps', 'get', { sweep: 'every-state' });
    expect(view.counts).toEqual({ waiting: 1, submitted: 6, pending: 2, running: 1, completed: 1, failed: 2, stopped: 1, cancelled: 1 });
    const { waiting, pending, running, completed, failed: f, stopped, cancelled } = view.counts;
    expect(waiting + pending + running + completed + f + stopped + cancelled).toBe(view.total);
    expect(sweepEnded(view.counts)).toBe(5);

    const listed = await measured(() => env.call('sweeps', 'list', {}));
    const summary = listed.value.sweeps.find((s) => s.id === sweep.id)!;
    expect(summary.counts).toEqual(view.counts);
    expect(summary.total).toBe(9);
    expect(listed.rowLookups).toBe(0);

    // Every row ended one way or another: the progress is whole.
    for (const [id, status, outcome] of [
      ['job-pending', 'Completed', 'completed'],
      ['job-unpolled', 'Failed', 'failed'],
      ['job-executing', 'Stopped', 'stopped'],
    ] as const) {
      const history = [{ status, statusDate: new Date().toISOString(), statusReason: null }];
      jobs().tracked.setStatus(env.accountId, id, { status, history, outcome, terminal: true });
    }
    expect(jobs().store.userUpdate(sweep.rows[0]!.submissionId, { state: 'cancelled' }, ['queued'])).toBe(true);
    const ended = await env.call('sweeps', 'get', { sweep: 'every-state' });
    expect(sweepEnded(ended.counts)).toBe(ended.total);
    expect((await env.call('sweeps', 'list', {})).sweeps.find((s) => s.id === sweep.id)?.counts).toEqual(ended.counts);
  });

  test('a 2,000-row sweep is listed in a fixed number of statements, never row by row', async () => {
    const { sweep } = await env.call('sweeps', 'launch', { templateId: 'train', name: 'large', table: { kind: 'grid', text: 'lr=2 x seed=1..2000' } });
    expect(sweep.total).toBe(2000);
    const listed = await measured(() => env.call('sweeps', 'list', {}));
    expect(listed.value.sweeps.find((s) => s.id === sweep.id)).toMatchObject({ total: 2000, counts: { waiting: 2000, submitted: 0 } });
    expect(listed.rowLookups).toBe(0);
    expect(listed.statements).toBeLessThanOrEqual(2); // the sweeps, and their rows grouped
    // The view of that one sweep does read its rows (it shows each, with when it goes out).
    const viewed = await measured(() => env.call('sweeps', 'get', { sweep: 'large' }));
    expect(viewed.rowLookups).toBeGreaterThanOrEqual(2000);
  }, 120_000);
});

describe('retry failed beside another Courier', () => {
  test('rows another process retried first are counted apart; the others still go again', async () => {
    const { sweep } = await env.call('sweeps', 'launch', { templateId: 'train', name: 'contested', table: { kind: 'grid', text: 'lr=3 x seed=1..4' } });
    for (const i of [0, 1, 2]) failed(sweep, i);
    submitted(sweep, 3, 'job-contested-failed', 'Failed');
    const other = await env.openCourier({ backgroundJobs: false });
    // The moment this process has retried row 1, the other one retries the rest (what it reads as failed).
    let theirs: ReturnType<typeof retrySweep> | null = null;
    const off = env.courier.hub.subscribe((name, payload) => {
      if (theirs || name !== 'outboxChanged' || (payload as { id: string }).id !== sweep.rows[0]!.submissionId) return;
      theirs = retrySweep(other.jobs, other.jobs.sweeps.get(sweep.id)!);
    });
    try {
      expect(await env.call('sweeps', 'retryFailed', { sweep: 'contested' })).toEqual({ retried: 1, alreadyRetried: 3 });
    } finally {
      off();
    }
    expect(theirs).toEqual({ retried: 3, alreadyRetried: 0 });
    const after = await env.call('sweeps', 'get', { sweep: 'contested' });
    expect(after.rows.map((r) => r.state)).toEqual(['queued', 'queued', 'queued', 'queued']);
    expect(after.rows[3]!.jobId).toBeNull(); // row 4's failed job was replaced by one new submission, not two
    expect(after.counts).toMatchObject({ waiting: 4, failed: 0 });
  });
});

describe('launch beside another Courier', () => {
  test('the same sweep launched by two processes at once: the second is told it resumed, no SQLite error, no row twice', async () => {
    const other = await env.openCourier({ backgroundJobs: false });
    const spec = { templateId: 'train', name: 'at-once', table: { kind: 'grid' as const, text: 'lr=4 x seed=1..3' } };
    // The other process looked the name up a moment before this one wrote the sweep (it found nothing then).
    const looked = vi.spyOn(other.jobs.sweeps, 'byName').mockReturnValueOnce(null);
    const mine = await env.call('sweeps', 'launch', spec);
    const r = await other.router.dispatch('courier:sweeps.launch', spec, { transport: 'memory' });
    looked.mockRestore();
    if (!r.ok) throw new Error(`the second launch was refused: ${r.error.code}: ${r.error.message}`);
    expect(r).toMatchObject({ ok: true, value: { resumed: true, sweep: { id: mine.sweep.id, total: 3 } } });
    expect(mine.resumed).toBe(false);
    const queued = jobs()
      .store.list({ open: true })
      .filter((s) => s.source.sweep?.name === 'at-once');
    expect(queued).toHaveLength(3);
  });
});
