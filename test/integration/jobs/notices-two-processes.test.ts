// Notices about a job (walltime near, still running, finished) with a CLI process on the same
// data folder: each is claimed once in jobs.db, and only by a process that can show it. A CLI
// polling jobs it does not follow leaves them to the app (it has no notification area); a CLI
// following a job (`jobs watch`) prints that job's warnings itself, and the app does not repeat
// them. The CLI runs as a real second OS process (test/support/cli-jobs-child.ts).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { FAST_TUNING, jobsEnv, rest, until, type JobsEnv } from '../../support/jobs-env';

const HOUR = 3_600_000;
const UNDER_WAY = new Set(['Started', 'Validated', 'Executing']);
let ahead = 0;
let env: JobsEnv;
const children: ChildProcessWithoutNullStreams[] = [];

interface Cli {
  polls(): number;
  stderr(): string;
}

/** The CLI process, its guards' clock `aheadMs` ahead; resolves once its poller has polled. */
async function cli(aheadMs: number, mode: 'poll' | 'watch', jobId?: string): Promise<Cli> {
  const args = ['--import', 'tsx', 'test/support/cli-jobs-child.ts', join(env.dir, 'data'), join(env.dir, 'secrets.json'), String(aheadMs), mode];
  const proc = spawn(process.execPath, [...args, ...(jobId ? [jobId] : [])], { cwd: process.cwd() });
  children.push(proc);
  let polls = 0;
  let stderr = '';
  proc.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  createInterface({ input: proc.stdout }).on('line', (l) => {
    if (l.startsWith('{"polls"')) polls = (JSON.parse(l) as { polls: number }).polls;
  });
  const c = { polls: () => polls, stderr: () => stderr };
  await until('the CLI process to poll', () => polls > 0 || proc.exitCode !== null, 60_000);
  if (proc.exitCode !== null) throw new Error(`The CLI process ended (${proc.exitCode}): ${stderr}`);
  return c;
}

/** Three jobs launched together and running (one per test): one wait for all. */
async function runningJobs(): Promise<string[]> {
  const script = await env.file('solve.sh', '#!/bin/sh\n./solve\n');
  for (let i = 0; i < 3; i++) await env.call('jobs', 'launch', { templateId: 'byos-cpu', inputs: [{ path: script }] });
  return until(
    'the jobs to run',
    () => {
      const ids = [
        ...new Set(
          env
            .eventsOf('jobChanged')
            .filter((j) => UNDER_WAY.has(j.status))
            .map((j) => j.jobId),
        ),
      ];
      return ids.length === 3 ? ids : undefined;
    },
    240_000,
  );
}
let jobs: string[] = [];

const claims = (jobId: string) =>
  (env.courier.jobs.db.prepare('SELECT kind FROM job_warnings WHERE job_id = ?').all(jobId) as { kind: string }[]).map((r) => r.kind);
const shown = (jobId: string) => env.shown.filter((n) => n.jobId === jobId);

beforeAll(async () => {
  // Started at a quarter of the run time: long enough that every job still runs in its test.
  env = await jobsEnv({ sandbox: { jobSeconds: 300 }, tuning: { ...FAST_TUNING, guardClock: () => Date.now() + ahead } });
  jobs = await runningJobs();
}, 300_000);
afterEach(async () => {
  for (const p of children.splice(0)) {
    const gone = new Promise((r) => p.once('exit', r));
    if (p.exitCode === null) p.kill('SIGTERM');
    await gone;
  }
  ahead = 0;
  env.courier.jobs.poller.resume();
});
afterAll(async () => env?.close());

describe('notices with a CLI process on the same data folder', () => {
  test('a CLI following a job prints its warning and claims it (the next test: the app does not repeat it)', async () => {
    const jobId = jobs[0]!;
    const child = await cli(3.6 * HOUR, 'watch', jobId);
    await until('the CLI to print the warning', () => child.stderr().includes('Walltime near'), 60_000);
    expect(child.stderr()).toMatch(new RegExp(`WARN - Walltime near: solve\\.sh — Job ${jobId} has run 3\\.6 h of its 4 h walltime`));
    expect(claims(jobId)).toEqual(['walltime']);
    expect(child.stderr().match(/Walltime near/g)).toHaveLength(1);
    expect(shown(jobId)).toEqual([]); // the app's clock is not there yet: the next test moves it
  });

  test('a CLI that only polls never claims a walltime warning: the app shows it, once', async () => {
    const jobId = jobs[1]!;
    const child = await cli(3.6 * HOUR, 'poll');
    const p0 = child.polls();
    await until('the CLI to poll the job, well past the warning time', () => child.polls() >= p0 + 4, 60_000);
    expect(claims(jobId)).toEqual([]);
    expect(shown(jobId)).toEqual([]);

    ahead = 3.6 * HOUR;
    await until('the app to show the warning', () => shown(jobId).length > 0, 60_000);
    const p1 = child.polls();
    const a1 = env.courier.jobs.poller.requests.statuses;
    await until('more polls by both', () => child.polls() >= p1 + 4 && env.courier.jobs.poller.requests.statuses >= a1 + 6, 60_000);
    expect(shown(jobId).map((n) => n.title)).toEqual(['Walltime near: solve.sh']);
    expect(claims(jobId)).toEqual(['walltime']);
    expect(child.stderr()).not.toContain('Walltime near');
    // The job the CLI of the previous test followed: its warning was given there, not again here.
    expect(shown(jobs[0]!)).toEqual([]);
    expect(claims(jobs[0]!)).toEqual(['walltime']);
  });

  test('a CLI that only polls never claims the finished notice: the app announces the job it saw end there', async () => {
    const jobId = jobs[2]!;
    env.courier.jobs.poller.pause(); // only the CLI sees the job end
    await cli(0, 'poll');
    await rest(env.sb, 'POST', `/api/v2/jobs/${jobId}/stop/`);
    await until('the CLI to record the end', () => env.courier.jobs.tracked.get(env.accountId, jobId)?.terminal, 60_000);
    const ended = () => shown(jobId).filter((n) => n.title.startsWith('Job stopped'));
    const announced = await until('the app to announce it', () => ended()[0], 60_000);
    expect(announced.title).toBe('Job stopped: solve.sh');
    const row = env.courier.jobs.tracked.get(env.accountId, jobId)!;
    expect(row.notified).toBe(true);
    expect(['done', 'failed', 'none']).toContain(row.outputsState); // settled (by the CLI) before the app announced it
    expect(ended()).toHaveLength(1);
  });
});
