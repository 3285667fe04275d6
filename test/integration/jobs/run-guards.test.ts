// Walltime and forgotten-run guards against the sandbox: the template's walltime reaches the
// platform, a warning comes N minutes before it and another after the long-run threshold, each
// once per job — not on every poll, not again from a second process or after a restart. The
// sandbox's job runs for real seconds; the guards' clock is moved hours ahead instead of waiting.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dueWarnings } from '../../../main/core/jobs/run-guards';
import { FAST_TUNING, jobsEnv, rest, until, type JobsEnv } from '../../support/jobs-env';

const HOUR = 3_600_000;
let ahead = 0;
const UNDER_WAY = new Set(['Started', 'Validated', 'Executing']);

describe('walltime guards', () => {
  let env: JobsEnv;
  beforeAll(async () => {
    env = await jobsEnv({ sandbox: { jobSeconds: 120 }, tuning: { ...FAST_TUNING, guardClock: () => Date.now() + ahead } });
  });
  afterAll(async () => env?.close());

  test("the template's walltime is sent; one warning before it, one after the long-run threshold, never repeated", async () => {
    const settings = env.courier.settings.get().notifications;
    expect(settings).toMatchObject({ walltimeWarnMinutes: 30, longRunHours: 0 }); // the defaults
    const script = await env.file('solve.sh', '#!/bin/sh\n./solve\n');
    await env.call('jobs', 'launch', { templateId: 'byos-cpu', inputs: [{ path: script }] });
    const running = await until('the job to run', () => env.eventsOf('jobChanged').find((j) => UNDER_WAY.has(j.status)), 60_000);
    const jobId = running.jobId;

    // The preset's 4-hour walltime reached the platform, in hours.
    const detail = await rest<{ jobanalyses: { hardware: { walltime: unknown } }[] }>(env.sb, 'GET', `/api/v2/jobs/${jobId}/`);
    expect(detail.jobanalyses[0]!.hardware.walltime).toBe(4);
    // Its cost, priced with the catalog the sandbox serves: so far while it runs, 4 h of walltime.
    const types = await rest<{ results: { code: string; price: number }[] }>(env.sb, 'GET', '/api/v2/coretypes/');
    const price = types.results.find((c) => c.code === 'emerald')!.price;
    await env.call('catalog', 'get', {});
    const cost = (await env.call('jobs', 'get', { jobId })).cost!;
    expect(cost).toMatchObject({ coreType: 'emerald', cores: 4, lowPriority: false, currency: 'USD', walltimeHours: 4, endedAt: null });
    expect(cost.hourly).toBeCloseTo(price * 4, 6);
    expect(cost.soFar).toBeGreaterThanOrEqual(0);
    const month = (await env.call('jobs', 'list', {})).monthCost!;
    expect(month).toMatchObject({ jobs: 1, unpriced: 0, currency: 'USD' });
    expect(month.total).toBeGreaterThanOrEqual(0);
    const shown = () => env.shown.filter((n) => n.jobId === jobId);
    const polls = () => env.courier.jobs.poller.requests.statuses;

    // Three hours in: nothing yet (the warning is 30 minutes before 4 h).
    ahead = 3 * HOUR;
    const p0 = polls();
    await until('three more polls', () => polls() >= p0 + 3);
    expect(shown()).toEqual([]);

    ahead = 3.6 * HOUR;
    const warned = await until('the walltime warning', () => env.eventsOf('notification').find((n) => n.jobId === jobId));
    expect(warned).toMatchObject({ title: 'Walltime near: solve.sh', level: 'warn' });
    expect(warned.body).toMatch(new RegExp(`^Job ${jobId} has run 3\\.6 h of its 4 h walltime; the platform stops it at 4 h\\.$`));

    // The long-run threshold, set now: one more warning, and each stays single across polls.
    env.courier.settings.update({ notifications: { longRunHours: 3 } });
    await until('the long-run warning', () => shown().length === 2);
    expect(shown()[1]).toMatchObject({ title: 'Still running: solve.sh' });
    expect(shown()[1]!.body).toMatch(/has been running for 3\.6 h, longer than 3 h\. Stop it if it was forgotten\.$/);
    const p1 = polls();
    await until('five more polls', () => polls() >= p1 + 5);
    expect(shown()).toHaveLength(2);
    expect(env.eventsOf('notification').filter((n) => n.jobId === jobId)).toHaveLength(2);

    // Another Courier on the same data folder (as after a restart) polls the job too: no repeat.
    const again = await env.openCourier();
    again.jobs.start();
    await until('the second process to poll', () => again.jobs.poller.requests.statuses >= 3);
    expect(shown()).toHaveLength(2);
    const activity = env.courier.activity.list({ area: 'jobs', limit: 100 }).filter((e) => e.ref?.id === jobId && e.level === 'warn');
    expect(activity.map((e) => e.message.split(' — ')[0])).toEqual(expect.arrayContaining(['Walltime near: solve.sh', 'Still running: solve.sh']));
    expect(activity).toHaveLength(2);
  });
});

describe('which warnings are due', () => {
  const at = (ms: number) => new Date(ms).toISOString();
  const t0 = Date.UTC(2026, 2, 1, 10);
  const job = (over: { walltimeHours?: number; ended?: boolean } = {}) => ({
    terminal: !!over.ended,
    options: {
      outputFilters: [],
      autoDownload: false,
      outputFolder: '',
      notify: 'all' as const,
      hardware: { coreType: 'emerald', coresPerSlot: 4, slots: 1, lowPriority: false, ...(over.walltimeHours ? { walltimeHours: over.walltimeHours } : {}) },
    },
    history: [
      ...(over.ended ? [{ status: 'Completed', statusDate: at(t0 + 5 * HOUR), statusReason: null }] : []),
      { status: 'Executing', statusDate: at(t0 + 60_000), statusReason: null },
      { status: 'Started', statusDate: at(t0), statusReason: null },
      { status: 'Queued', statusDate: at(t0 - 2 * HOUR), statusReason: null },
    ],
  });
  const on = { walltimeWarnMinutes: 30, longRunHours: 2 };

  test('measured from Started (queue time does not count); N minutes before the walltime; the long-run threshold', () => {
    expect(dueWarnings(job({ walltimeHours: 4 }), on, t0 + 1.9 * HOUR)).toEqual([]);
    expect(dueWarnings(job({ walltimeHours: 4 }), on, t0 + 2 * HOUR).map((w) => w.kind)).toEqual(['longRun']);
    expect(dueWarnings(job({ walltimeHours: 4 }), on, t0 + 3.5 * HOUR).map((w) => w.kind)).toEqual(['walltime', 'longRun']);
    expect(dueWarnings(job({ walltimeHours: 4 }), on, t0 + 3.5 * HOUR)[0]).toEqual({ kind: 'walltime', elapsedMs: 3.5 * HOUR, limitHours: 4 });
  });

  test('0 turns a warning off; no walltime, no walltime warning; an ended job warns of nothing', () => {
    expect(dueWarnings(job({ walltimeHours: 4 }), { walltimeWarnMinutes: 0, longRunHours: 0 }, t0 + 10 * HOUR)).toEqual([]);
    expect(dueWarnings(job(), on, t0 + 10 * HOUR).map((w) => w.kind)).toEqual(['longRun']);
    expect(dueWarnings(job({ walltimeHours: 4, ended: true }), on, t0 + 10 * HOUR)).toEqual([]);
  });
});
