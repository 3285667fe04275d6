// Jobs that end the other ways the platform ends them — Failed, Force Stop — and pass the waiting
// statuses, end to end against the sandbox's clock (chosen by words in the job name or by
// /__sandbox/jobs/{id}/plan): the poller stops, the notification says what happened, the log
// still comes down, and a row an older Courier left "running" on Force Stop is finished.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { JobChanged } from '../../../shared/jobs';
import { jobsEnv, rest, until, type JobsEnv } from '../../support/jobs-env';

const ended = (env: JobsEnv, jobId: string) =>
  until(`job ${jobId} to end`, () => env.eventsOf('jobChanged').find((j) => j.jobId === jobId && j.outcome !== 'running' && j.outcome !== 'not_submitted'));
const note = (env: JobsEnv, jobId: string) => until(`the notification of ${jobId}`, () => env.eventsOf('notification').find((n) => n.jobId === jobId));
const outputsSettled = (env: JobsEnv, jobId: string) =>
  until(`the outputs of ${jobId}`, () =>
    env.eventsOf('jobChanged').find((j) => j.jobId === jobId && (j.outputs.state === 'done' || j.outputs.state === 'failed')),
  );

async function launch(env: JobsEnv, name: string): Promise<string> {
  const script = await env.file('run.sh', '#!/bin/sh\npython train.py\n');
  const entry = await env.call('jobs', 'launch', { templateId: 'chainer', inputs: [{ path: script }], name });
  const sent = await until(`${name} to be submitted`, () => env.eventsOf('outboxChanged').find((e) => e.id === entry.id && e.state === 'submitted' && e.jobId));
  return sent.jobId!;
}

const control = (env: JobsEnv, jobId: string, plan: unknown) =>
  fetch(`${env.sb.apiUrl}/__sandbox/jobs/${jobId}/plan`, { method: 'POST', body: JSON.stringify(plan), headers: { 'Content-Type': 'application/json' } });

async function platformFiles(env: JobsEnv, jobId: string): Promise<string[]> {
  const r = await rest<{ results: { name: string }[] }>(env.sb, 'GET', `/api/v2/jobs/${jobId}/files/`);
  return r.results.map((f) => f.name).sort();
}

describe('jobs that fail or are force-stopped', () => {
  let env: JobsEnv;
  beforeAll(async () => {
    env = await jobsEnv({ sandbox: { jobSeconds: 3 } });
  });
  afterAll(async () => env?.close());

  test('[waiting] [fail]: waiting statuses pass through; Failed is final, announced as a failure, the log downloaded', async () => {
    const jobId = await launch(env, 'train [waiting] [fail]');
    const end = await ended(env, jobId);
    expect(end).toMatchObject({ status: 'Failed', outcome: 'failed' });
    expect(end.history.map((h) => h.status)).toEqual([
      'Failed',
      'Executing',
      'Validated',
      'Started',
      'Waiting for Cluster',
      'Queued',
      'Waiting for Queue',
      'Pending',
    ]);
    expect(end.history[0]?.statusReason).toBe('Command exited with code 1');
    expect(env.courier.jobs.poller.has(env.accountId, jobId)).toBe(false);

    const n = await note(env, jobId);
    expect(n).toMatchObject({ title: 'Job failed: train [waiting] [fail]', level: 'error' });
    expect(n.body).toMatch(new RegExp(`^Job ${jobId} failed: Command exited with code 1\\. 1 output file saved to .*rescale_job_${jobId}\\.$`));
    // A failed run leaves its log (no result): the user wants it to see why, so *.log comes down as for a success.
    expect(await platformFiles(env, jobId)).toEqual(['process_output.log']);
    const log = await readFile(join(env.dir, 'downloads', `rescale_job_${jobId}`, 'process_output.log'), 'utf8');
    expect(log).toContain('Exit code: 1');
    expect((await env.call('jobs', 'get', { jobId })).outcome).toBe('failed');
  });

  test('[force-stop]: Stopping, then Force Stop — final, announced as stopped, the log downloaded', async () => {
    const jobId = await launch(env, 'sweep [force-stop]');
    const end = await ended(env, jobId);
    expect(end).toMatchObject({ status: 'Force Stop', outcome: 'stopped' });
    expect(end.history.slice(0, 3).map((h) => h.status)).toEqual(['Force Stop', 'Stopping', 'Executing']);
    expect(env.courier.jobs.poller.has(env.accountId, jobId)).toBe(false);
    const n = await note(env, jobId);
    expect(n).toMatchObject({ title: 'Job stopped: sweep [force-stop]', level: 'warn' });
    expect(n.body).toMatch(new RegExp(`^Job ${jobId} was force-stopped\\. 1 output file saved to `));
    expect(await readdir(join(env.dir, 'downloads', `rescale_job_${jobId}`))).toEqual(['process_output.log']);
    const listed = (await env.call('jobs', 'list', {})).jobs.find((j) => j.jobId === jobId);
    expect(listed).toMatchObject({ status: 'Force Stop', outcome: 'stopped' });
  });

  test("the user's stop of a job that will not stop by itself: Stopping, then Force Stop", async () => {
    const jobId = await launch(env, 'hang [force-stop]');
    await until('the job to start', () => env.eventsOf('jobChanged').find((j) => j.jobId === jobId && j.history.some((h) => h.status === 'Started')));
    expect(await env.call('jobs', 'stop', { jobId })).toEqual({ stopping: true });
    const end = await ended(env, jobId);
    expect(end.history.slice(0, 2).map((h) => [h.status, h.statusReason])).toEqual([
      ['Force Stop', null],
      ['Stopping', 'User Terminated'],
    ]);
    expect(end.outcome).toBe('stopped');
    expect((await note(env, jobId)).title).toBe('Job stopped: hang [force-stop]');
  });

  test('the plan control: a job made elsewhere, set to fail before submit, followed to Failed; a late change is refused', async () => {
    const created = await rest<{ id: string }>(env.sb, 'POST', '/api/v2/jobs/', {
      name: 'from the web UI',
      jobanalyses: [{ command: 'echo hi', analysis: { code: 'user_included', version: '0' }, hardware: { coreType: 'emerald', coresPerSlot: 1 } }],
    });
    const set = await control(env, created.id, { ending: 'fail', waiting: true });
    expect(await set.json()).toEqual({ ending: 'fail', waiting: true });
    const bad = await control(env, created.id, { ending: 'explode' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { issues: string[] }).issues[0]).toMatch(/^ending: /);
    const notJson = await fetch(`${env.sb.apiUrl}/__sandbox/jobs/${created.id}/plan`, {
      method: 'POST',
      body: 'fail please',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(notJson.status).toBe(415);
    await rest(env.sb, 'POST', `/api/v2/jobs/${created.id}/submit/`);
    await env.call('jobs', 'follow', { jobId: created.id, outputFilters: ['*.log'] });
    const end = await ended(env, created.id);
    expect(end).toMatchObject({ status: 'Failed', outcome: 'failed' });
    expect(end.history.map((h) => h.status)).toContain('Waiting for Queue');
    expect((await note(env, created.id)).title).toBe('Job failed: from the web UI');
    const late = await control(env, created.id, { ending: 'complete' });
    expect(late.status).toBe(409);
    expect(await late.json()).toEqual({ detail: 'The job is past that point: the statuses it has already shown would change.' });
  });

  test('a row an older Courier left "running" on Force Stop is finished by the next poll: outputs and one notification', async () => {
    const created = await rest<{ id: string }>(env.sb, 'POST', '/api/v2/jobs/', {
      name: 'left running [force-stop]',
      jobanalyses: [{ command: 'echo hi', analysis: { code: 'user_included', version: '0' }, hardware: { coreType: 'emerald', coresPerSlot: 1 } }],
    });
    await rest(env.sb, 'POST', `/api/v2/jobs/${created.id}/submit/`);
    type Page = { results: { status: string; statusDate: string; statusReason: string | null }[] };
    const page = await until('Force Stop on the platform', async () => {
      const r = await rest<Page>(env.sb, 'GET', `/api/v2/jobs/${created.id}/statuses/`);
      return r.results[0]?.status === 'Force Stop' ? r : null;
    });
    // What an older Courier stored: the whole history, but not final ("Force Stop" was not in its list).
    const tracked = env.courier.jobs.tracked;
    tracked.upsert({
      jobId: created.id,
      accountId: env.accountId,
      name: 'left running [force-stop]',
      source: 'followed',
      submissionId: null,
      templateId: null,
      options: { outputFilters: ['*.log'], autoDownload: true, outputFolder: '', notify: 'all' },
    });
    const history = page.results.map((s) => ({ status: s.status, statusDate: s.statusDate, statusReason: s.statusReason }));
    const row = tracked.setStatus(env.accountId, created.id, { status: 'Force Stop', history, outcome: 'running', terminal: false })!;
    env.courier.jobs.poller.track(row);

    const end: JobChanged = await ended(env, created.id);
    expect(end.outcome).toBe('stopped');
    expect(tracked.get(env.accountId, created.id)).toMatchObject({ terminal: true, outcome: 'stopped' });
    await outputsSettled(env, created.id);
    expect((await note(env, created.id)).title).toBe('Job stopped: left running [force-stop]');
    expect(env.courier.jobs.poller.has(env.accountId, created.id)).toBe(false);
    expect(env.eventsOf('notification').filter((n) => n.jobId === created.id)).toHaveLength(1);
  });
});
