// Nothing the platform returns may choose where files land. The sandbox (through its fault
// hook) answers like a hostile platform: a job id that is a path, an output file whose name
// climbs out of the job folder. Whatever happens, nothing is written outside the folder chosen.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { contents, CREATE, jobsEnv, outboxFinal, rest, served, SUBMIT, until, type JobsEnv } from '../../support/jobs-env';

let env: JobsEnv;
beforeAll(async () => {
  env = await jobsEnv({ sandbox: { jobSeconds: 1 } });
});
afterAll(async () => env?.close());
beforeEach(() => {
  env.sb.clearFaults();
  env.sb.resetStats();
});

/** Every file and folder under the test's folder, relative to it. */
async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) out.push(relative(env.dir, join(e.parentPath, e.name)));
  return out;
}

const downloads = () => join(env.dir, 'downloads');

describe('a job id that is a path', () => {
  test('create answered with "x/../../JOBESC": the submission fails clearly, once, and no folder is made', async () => {
    env.sb.addFault({
      method: 'POST',
      path: '/api/v2/jobs/',
      status: 201,
      body: { id: 'x/../../JOBESC', name: 'Hello Chainer!' },
      applyEffect: true,
      times: 1,
    });
    const script = await env.file('run.sh', 'echo hi\n');
    const entry = await env.call('jobs', 'launch', { templateId: 'chainer', inputs: [{ path: script }] });
    const done = await outboxFinal(env, entry.id);
    expect(done.state).toBe('failed');
    expect(done.error?.message).toMatch(/POST \/api\/v2\/jobs\/: id: "x\/\.\.\/\.\.\/JOBESC" is not a Rescale id/);
    expect(done.error?.message).toMatch(/Check the job list on the platform before launching again/);
    expect(done.jobId).toBeNull();
    // Not retried (that would make a second job) and never submitted.
    expect(served(env.sb, CREATE)).toBe(1);
    expect(served(env.sb, SUBMIT)).toBe(0);
    expect((await tree(env.dir)).filter((p) => p.includes('JOBESC'))).toEqual([]);
  });
});

describe('an output whose name leaves the job folder', () => {
  test('automatic download: the good output lands, the climbing one is refused and reported', async () => {
    const job = await rest<{ id: string }>(env.sb, 'POST', '/api/v2/jobs/', {
      name: 'outputs with a hostile name',
      jobanalyses: [{ command: 'echo hi', analysis: { code: 'user_included', version: '0' }, hardware: { coreType: 'emerald', coresPerSlot: 1 } }],
    });
    await rest(env.sb, 'POST', `/api/v2/jobs/${job.id}/submit/`);
    await until(
      'the job to complete',
      async () => (await rest<{ results: { status: string }[] }>(env.sb, 'GET', `/api/v2/jobs/${job.id}/statuses/`)).results[0]?.status === 'Completed',
    );
    const real = (await rest<{ results: Record<string, unknown>[] }>(env.sb, 'GET', `/api/v2/jobs/${job.id}/files/`)).results;
    const good = real[0]!;
    // A record pointing at real, downloadable content, under a name that climbs two levels up.
    const evil = { ...good, name: 'ESCAPED.txt', relativePath: '../../ESCAPED.txt' };
    env.sb.addFault({
      method: 'GET',
      path: `/api/v2/jobs/${job.id}/files/`,
      status: 200,
      body: { count: 2, next: null, previous: null, results: [good, evil] },
    });

    await env.call('jobs', 'follow', { jobId: job.id, outputFilters: ['*'] });
    const settled = await until('the outputs to settle', () =>
      env.eventsOf('jobChanged').find((j) => j.jobId === job.id && (j.outputs?.state === 'done' || j.outputs?.state === 'failed')),
    );
    const dir = join(downloads(), `rescale_job_${job.id}`);
    expect(settled.outputs).toMatchObject({ state: 'failed', dir, files: 1 });
    expect(await readdir(dir)).toEqual([good.name]);
    expect(await readFile(join(dir, good.name as string))).toEqual(await contents(env.sb, good.id as string));
    expect((await tree(env.dir)).filter((p) => p.includes('ESCAPED'))).toEqual([]);
    expect(existsSync(join(dir, '..', '..', 'ESCAPED.txt'))).toBe(false);
    const warnings = env.courier.activity.list({ area: 'jobs', limit: 50 }).filter((e) => e.message.includes('would land outside'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(
      new RegExp(`1 output file of job ${job.id} would land outside .*rescale_job_${job.id} and was not downloaded: "\\.\\./\\.\\./ESCAPED\\.txt"`),
    );
  });
});
