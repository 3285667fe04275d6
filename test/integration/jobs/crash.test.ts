// kill -9 of the process sending a job, at the worst moments, then a restart (a new process on
// the same data folder): still one job, submitted once, counted at the sandbox.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { CREATE, jobsEnv, platformJobs, rest, served, SUBMIT, until, type JobsEnv } from '../../support/jobs-env';

let env: JobsEnv;
let fileId: string;

beforeAll(async () => {
  // This process only watches: the children do the sending.
  env = await jobsEnv({ sandbox: { jobSeconds: 2 }, ports: { backgroundJobs: false } });
  const script = await env.file('run_chainer_from_API.sh', '#!/bin/sh\necho hi\n');
  const t = await env.courier.transfers();
  const [v] = await t.whenSettled((await t.enqueueUpload([script])).map((x) => x.id));
  fileId = v!.remoteFileId!;
});
afterAll(async () => env?.close());
beforeEach(() => {
  env.sb.clearFaults();
  env.sb.resetStats();
});

interface Child {
  proc: ChildProcessWithoutNullStreams;
  next(event: string): Promise<Record<string, string>>;
}

function child(mode: 'launch' | 'resume', arg: string): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/support/jobs-child.ts', env.dir, mode, arg], {
    cwd: process.cwd(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const seen: Record<string, string>[] = [];
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: proc.stdout }).on('line', (l) => seen.push(JSON.parse(l) as Record<string, string>));
  return {
    proc,
    next: (event) =>
      until(`the child to report ${event}${stderr ? ` (stderr: ${stderr.slice(-500)})` : ''}`, () => seen.find((s) => s.event === event), 60_000),
  };
}

const state = (id: string) => env.courier.jobs.store.get(id);

async function killedAt(step: 'creating' | 'submitting', fault: Parameters<JobsEnv['sb']['addFault']>[0]): Promise<string> {
  env.sb.addFault(fault);
  const c = child('launch', fileId);
  const { id } = await c.next('launched');
  await until(
    `the child to reach ${step}`,
    () => state(id!)?.state === step && (step === 'creating' ? state(id!)!.createAttempts === 1 : state(id!)!.submitAttempts === 1),
  );
  // ...and its request to be at the platform (held there by the fault's latency).
  await until('the request to arrive', () => served(env.sb, step === 'creating' ? CREATE : SUBMIT) === 1);
  c.proc.kill('SIGKILL');
  await new Promise((r) => c.proc.once('exit', r));
  return id!;
}

async function restart(id: string): Promise<{ jobId: string }> {
  const c = child('resume', id);
  const done = await c.next('submitted');
  await new Promise((r) => c.proc.once('exit', r));
  return { jobId: done.jobId! };
}

const statuses = async (jobId: string) =>
  (await rest<{ results: { status: string }[] }>(env.sb, 'GET', `/api/v2/jobs/${jobId}/statuses/`)).results.map((r) => r.status);

describe('kill -9, then a restart', () => {
  test('between create and submit (the submit never reached the platform): submitted once', async () => {
    // The submit is held at the sandbox and then answered 502 without acting; we kill meanwhile.
    const id = await killedAt('submitting', { method: 'POST', path: '/api/v2/jobs/*/submit/', latencyMs: 4000, status: 502, times: 1 });
    const jobIdBefore = state(id)!.jobId;
    expect(jobIdBefore).toBeTruthy(); // the job id was stored the moment it was created
    const { jobId } = await restart(id);
    expect(jobId).toBe(jobIdBefore);
    expect(served(env.sb, CREATE)).toBe(1);
    expect(served(env.sb, SUBMIT)).toBe(2); // the held one (no effect) and the real one
    expect((await statuses(jobId)).filter((s) => s === 'Pending')).toHaveLength(1);
  });

  test('during submit, which the platform performed: not submitted again', async () => {
    const id = await killedAt('submitting', { method: 'POST', path: '/api/v2/jobs/*/submit/', latencyMs: 1500, status: 502, applyEffect: true, times: 1 });
    const jobId = state(id)!.jobId!;
    await until('the held submit to take effect', async () => (await statuses(jobId)).length > 0);
    await restart(id);
    expect(served(env.sb, SUBMIT)).toBe(1);
    expect((await statuses(jobId)).filter((s) => s === 'Pending')).toHaveLength(1);
  });

  test('during create, which the platform performed: found by its marker, not created again', async () => {
    // The create is held at the sandbox (and then answered without acting); we kill meanwhile, and
    // play the platform having acted on it: the very body the child sent is created. (The sandbox
    // cannot act on a held create itself once its client is gone: it reads the body after the delay.)
    const id = await killedAt('creating', { method: 'POST', path: '/api/v2/jobs/', latencyMs: 3000, status: 502, times: 1 });
    const sent = state(id)!;
    expect(sent.jobId).toBeNull();
    const acted = await rest<{ id: string }>(env.sb, 'POST', '/api/v2/jobs/', sent.body);
    const { jobId } = await restart(id);
    expect(jobId).toBe(acted.id);
    expect(served(env.sb, CREATE)).toBe(2); // the held one and the one that acted; none after the restart
    expect(served(env.sb, SUBMIT)).toBe(1);
    expect((await platformJobs(env.sb)).filter((j) => j.name.endsWith(`[${sent.marker}]`)).map((j) => j.id)).toEqual([acted.id]);
  });
});
