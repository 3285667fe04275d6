// Exactly once, counted at the platform: lost answers to create and submit (the sandbox acts,
// then answers 502 or drops the connection), and refusals.
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { OutboxEntry } from '../../../shared/jobs';
import { CREATE, jobsEnv, outboxFinal, platformJobs, rest, served, SUBMIT, until, type JobsEnv } from '../../support/jobs-env';

let env: JobsEnv;
let script: string;
beforeAll(async () => {
  env = await jobsEnv({ sandbox: { jobSeconds: 2 } });
  script = await env.file('run_chainer_from_API.sh', '#!/bin/sh\necho hi\n');
});
afterAll(async () => env?.close());
beforeEach(() => {
  env.sb.clearFaults();
  env.sb.resetStats();
});

const final = (id: string) => outboxFinal(env, id);

async function statusesOf(jobId: string): Promise<string[]> {
  return (await rest<{ results: { status: string }[] }>(env.sb, 'GET', `/api/v2/jobs/${jobId}/statuses/`)).results.map((r) => r.status);
}

async function launchAndSettle(): Promise<OutboxEntry> {
  const entry = await env.call('jobs', 'launch', { templateId: 'chainer', inputs: [{ path: script }] });
  const done = await final(entry.id);
  expect(done).toMatchObject({ state: 'submitted', error: null });
  return done;
}

async function jobsNamed(marker: string) {
  return (await platformJobs(env.sb)).filter((j) => j.name.endsWith(`[${marker}]`));
}

const markerOf = async (jobId: string) => (await rest<{ name: string }>(env.sb, 'GET', `/api/v2/jobs/${jobId}/`)).name.match(/\[(cr-[a-z0-9]+)\]$/)![1]!;

describe('a lost answer never makes a second job or a second submit', () => {
  test('create acted, then 502: found by its marker, not created again', async () => {
    env.sb.addFault({ method: 'POST', path: '/api/v2/jobs/', status: 502, times: 1, applyEffect: true });
    const done = await launchAndSettle();
    expect(served(env.sb, CREATE)).toBe(1);
    expect(served(env.sb, SUBMIT)).toBe(1);
    expect(await jobsNamed(await markerOf(done.jobId!))).toHaveLength(1);
    expect(await statusesOf(done.jobId!)).toContain('Pending');
    expect(env.courier.activity.list({ area: 'jobs', limit: 20 }).some((e) => e.message.includes('had been created before the answer was lost'))).toBe(true);
  });

  test('create acted, then the connection dropped: found by its marker', async () => {
    env.sb.addFault({ method: 'POST', path: '/api/v2/jobs/', cutAfterBytes: 0, cutDirection: 'response', times: 1 });
    const done = await launchAndSettle();
    expect(served(env.sb, CREATE)).toBe(1);
    expect(await jobsNamed(await markerOf(done.jobId!))).toHaveLength(1);
  });

  test('create did not act (502): the lookup finds nothing, so it is created once more — one job', async () => {
    env.sb.addFault({ method: 'POST', path: '/api/v2/jobs/', status: 502, times: 1 });
    const done = await launchAndSettle();
    expect(served(env.sb, CREATE)).toBe(2);
    expect(await jobsNamed(await markerOf(done.jobId!))).toHaveLength(1);
  });

  test('submit acted, then 502: the statuses show it went, so it is not submitted again', async () => {
    env.sb.addFault({ method: 'POST', path: '/api/v2/jobs/*/submit/', status: 502, times: 1, applyEffect: true });
    const done = await launchAndSettle();
    expect(served(env.sb, SUBMIT)).toBe(1);
    expect(served(env.sb, CREATE)).toBe(1);
    expect((await statusesOf(done.jobId!)).filter((s) => s === 'Pending')).toHaveLength(1);
    expect(env.courier.activity.list({ area: 'jobs', limit: 20 }).some((e) => e.message.includes('had been submitted before the answer was lost'))).toBe(true);
  });

  test('submit did not act (502): no statuses, so it is submitted again — once', async () => {
    env.sb.addFault({ method: 'POST', path: '/api/v2/jobs/*/submit/', status: 502, times: 1 });
    const done = await launchAndSettle();
    expect(served(env.sb, SUBMIT)).toBe(2);
    expect((await statusesOf(done.jobId!)).filter((s) => s === 'Pending')).toHaveLength(1);
  });

  test("a refusal (400) is a failure with the platform's reason, not a retry", async () => {
    env.sb.addFault({
      method: 'POST',
      path: '/api/v2/jobs/',
      status: 400,
      body: { jobanalyses: [{ command: ["the 'interactive' flag must be present"] }] },
      times: 1,
    });
    const entry = await env.call('jobs', 'launch', { templateId: 'chainer', inputs: [{ path: script }] });
    const failed = await final(entry.id);
    expect(failed.state).toBe('failed');
    expect(failed.error?.message).toMatch(/refused the job.*interactive/);
    expect(served(env.sb, CREATE)).toBe(1);
    // The user fixes the cause, then retries: it goes out, once.
    const again = await env.call('jobs', 'retryQueued', { id: entry.id });
    expect(again.state).toBe('creating');
    await until('the retry', () => env.eventsOf('outboxChanged').find((e) => e.id === entry.id && e.state === 'submitted'));
    expect(served(env.sb, CREATE)).toBe(2);
  });
});

describe('a slow first create that lands after the lookup', () => {
  test('its unsubmitted twin is deleted once the retried create succeeded; a submitted one is kept', async () => {
    const { removeUnsubmittedTwins } = await import('../../../main/core/jobs/marker');
    const api = (await env.courier.accounts.session()).api;
    const body = (name: string) => ({
      name,
      jobanalyses: [{ command: 'true', analysis: { code: 'user_included', version: '0' }, hardware: { coreType: 'emerald', coresPerSlot: 1 } }],
    });
    const kept = await rest<{ id: string }>(env.sb, 'POST', '/api/v2/jobs/', body('run [cr-twin2345]'));
    const twin = await rest<{ id: string }>(env.sb, 'POST', '/api/v2/jobs/', body('run [cr-twin2345]'));
    const submittedTwin = await rest<{ id: string }>(env.sb, 'POST', '/api/v2/jobs/', body('run [cr-twin2345]'));
    await rest(env.sb, 'POST', `/api/v2/jobs/${submittedTwin.id}/submit/`);
    expect(await removeUnsubmittedTwins(api, 'cr-twin2345', kept.id, Date.now())).toEqual([twin.id]);
    expect((await jobsNamed('cr-twin2345')).map((j) => j.id).sort()).toEqual([kept.id, submittedTwin.id].sort());
  });
});
