// The seed's flow in two clicks: pick the Chainer template, give it run_chainer_from_API.sh,
// launch — then hear back when it ends, with *.log already on disk.
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { contents, CREATE, jobsEnv, platformJobs, rest, served, SUBMIT, until, type JobsEnv } from '../../support/jobs-env';

const SCRIPT =
  '#!/bin/sh\nwget https://github.com/pfnet/chainer/archive/v1.22.0.tar.gz\ntar xzf v1.22.0.tar.gz\npython chainer-1.22.0/examples/mnist/train_mnist.py -g 0\n';

describe('launching the Chainer template', () => {
  let env: JobsEnv;
  beforeAll(async () => {
    env = await jobsEnv({ sandbox: { jobSeconds: 2 } });
  });
  afterAll(async () => env?.close());

  test('uploads the script, creates and submits once, notifies on completion, downloads *.log', async () => {
    const script = await env.file('run_chainer_from_API.sh', SCRIPT);
    const entry = await env.call('jobs', 'launch', { templateId: 'chainer', inputs: [{ path: script }] });
    expect(entry).toMatchObject({ state: 'queued', jobName: 'Hello Chainer!', templateId: 'chainer', jobId: null });

    const done = await until('the job to complete', () => env.eventsOf('jobChanged').find((j) => j.outcome === 'completed'));
    const jobId = done.jobId;
    // A realistic sandbox queues like the platform: the waiting steps appear in the history too.
    const waiting = (w: string) => (env.sb.realistic ? [w] : []);
    expect(done.history.map((h) => h.status)).toEqual([
      'Completed',
      'Executing',
      'Validated',
      'Started',
      ...waiting('Waiting for Cluster'),
      'Queued',
      ...waiting('Waiting for Queue'),
      'Pending',
    ]);
    expect(done.name).toBe('Hello Chainer!');

    // What reached the platform, read back from it.
    const detail = await rest<{
      name: string;
      isLowPriority: unknown;
      jobanalyses: { command: string; analysis: { code: string; version: string }; hardware: Record<string, unknown>; inputFiles: { id: string }[] }[];
    }>(env.sb, 'GET', `/api/v2/jobs/${jobId}/`);
    expect(detail.name).toMatch(/^Hello Chainer! \[cr-[a-z0-9]{8}\]$/);
    expect(detail.isLowPriority).toBe(true);
    const a = detail.jobanalyses[0]!;
    expect(a.command).toBe('./run_chainer_from_API.sh');
    expect(a.analysis).toMatchObject({ code: 'chainer', version: '1.22.0-cuda8-gpu-centos' });
    const { coreType, ...hardware } = a.hardware;
    // v2 details carry the code; the real platform (and the realistic sandbox) an object {code, name, …}.
    expect(typeof coreType === 'string' ? coreType : (coreType as { code?: unknown }).code).toBe('obsidian');
    expect(hardware).toMatchObject({ coresPerSlot: 2, slots: 1, walltime: null });
    expect((await contents(env.sb, a.inputFiles[0]!.id)).toString()).toBe(SCRIPT);
    expect(served(env.sb, CREATE)).toBe(1);
    expect(served(env.sb, SUBMIT)).toBe(1);

    // One notification, through the port and as an event, after the outputs are on disk.
    const note = await until('the notification', () => env.eventsOf('notification').find((n) => n.jobId === jobId));
    expect(note).toMatchObject({ title: 'Job finished: Hello Chainer!', level: 'info' });
    expect(note.body).toMatch(new RegExp(`Job ${jobId} completed.*1 output file saved to .*rescale_job_${jobId}`));
    expect(env.shown.filter((n) => n.jobId === jobId)).toEqual([{ title: note.title, body: note.body, jobId }]);

    const dir = join(env.dir, 'downloads', `rescale_job_${jobId}`);
    expect(await readdir(dir)).toEqual(['process_output.log']); // *.log only: mnist_result.json stays on the platform
    const files = await rest<{ results: { id: string; name: string }[] }>(env.sb, 'GET', `/api/v2/jobs/${jobId}/files/`);
    const log = files.results.find((f) => f.name === 'process_output.log')!;
    expect(await readFile(join(dir, 'process_output.log'))).toEqual(await contents(env.sb, log.id));
    expect(files.results.map((f) => f.name).sort()).toEqual(['mnist_result.json', 'process_output.log']);

    const last = env
      .eventsOf('jobChanged')
      .filter((j) => j.jobId === jobId)
      .at(-1)!;
    expect(last.outputs).toEqual({ state: 'done', dir, files: 1, filters: ['*.log'] });
    const activity = env.courier.activity.list({ area: 'jobs', limit: 50 }).reverse();
    const at = (re: RegExp) => activity.findIndex((e) => re.test(e.message));
    expect(at(/^Submitted job "Hello Chainer!"/)).toBeGreaterThanOrEqual(0);
    expect(at(/^Job finished: Hello Chainer! — /)).toBeGreaterThan(at(/^Submitted job/));
    expect(activity.find((e) => e.message.startsWith('Job finished'))?.ref).toEqual({ kind: 'job', id: jobId });
    const summaries = env.eventsOf('jobsSummary');
    expect(summaries.some((s) => s.running === 1)).toBe(true);
    // Pending and the queues count as waiting, not as running: "1 running" comes with Started.
    const seq = env.events
      .filter((e) => e.name === 'jobsSummary' || e.name === 'jobChanged')
      .map((e) => (e.name === 'jobChanged' ? (e.payload as { history: { status: string }[] }).history[0]?.status : e.payload));
    const firstRunning = seq.findIndex((x) => typeof x === 'object' && x !== null && (x as { running: number }).running === 1);
    // The poller may miss the short Started step (S = 2 s): the first under-way word it saw counts.
    const firstUnderWay = seq.findIndex((x) => x === 'Started' || x === 'Validated' || x === 'Executing');
    expect(firstUnderWay).toBeGreaterThanOrEqual(0);
    expect(firstRunning).toBeGreaterThan(firstUnderWay);
    expect(seq.slice(0, firstUnderWay).every((x) => typeof x !== 'object' || (x as { running: number }).running === 0)).toBe(true);
    expect(summaries.at(-1)).toEqual({ running: 0, queued: 0 });
  });

  test('the job list, the detail (history newest first) and the log tail', async () => {
    const list = await env.call('jobs', 'list', {});
    const job = list.jobs[0]!;
    expect(job).toMatchObject({ name: 'Hello Chainer!', status: 'Completed', outcome: 'completed', followed: true, templateId: 'chainer' });
    expect(list.outbox).toEqual([]);
    expect(list.online).toBe(true);
    const detail = await env.call('jobs', 'get', { jobId: job.jobId });
    expect(detail.history[0]?.status).toBe('Completed');
    expect(detail.history.at(-1)?.status).toBe('Pending');
    expect(detail.inputs).toEqual([{ id: expect.any(String), name: 'run_chainer_from_API.sh' }]);
    expect(detail.outputFiles.map((f) => f.name).sort()).toEqual(['mnist_result.json', 'process_output.log']);
    expect(detail.outbox).toMatchObject({ state: 'submitted', jobId: job.jobId });
    const tail = await env.call('jobs', 'tailLog', { jobId: job.jobId, lines: 3 });
    expect(tail).toMatchObject({ available: true, source: 'output' });
    expect(tail.lines).toHaveLength(3);
    expect(tail.lines.at(-1)).toMatch(/Finished at/);
  });

  test('outputs on demand: the other files, into the same folder; a file already there (same size and SHA-512) is skipped', async () => {
    const { jobs } = await env.call('jobs', 'list', {});
    const jobId = jobs[0]!.jobId;
    const r = await env.call('jobs', 'downloadOutputs', { jobId });
    // The automatic download already brought the log: no "process_output (1).log".
    expect(r.skipped).toEqual(['process_output.log']);
    expect(r.files).toEqual(['mnist_result.json']);
    const done = await (await env.courier.transfers()).whenSettled(r.transferIds);
    expect(done.map((d) => d.state)).toEqual(['done']);
    expect(JSON.parse(await readFile(join(r.dir, 'mnist_result.json'), 'utf8'))).toMatchObject({ job: jobId, simulated: true });
    expect((await readdir(r.dir)).sort()).toEqual(['mnist_result.json', 'process_output.log']);

    // A file that differs (same name, other bytes) is not "already there": it is downloaded (kept both).
    await writeFile(join(r.dir, 'process_output.log'), 'edited locally\n');
    const again = await env.call('jobs', 'downloadOutputs', { jobId, filter: ['*.log'] });
    expect(again.skipped).toEqual([]);
    expect(again.files).toEqual(['process_output.log']);
    await (await env.courier.transfers()).whenSettled(again.transferIds);
    expect((await readdir(r.dir)).sort()).toEqual(['mnist_result.json', 'process_output (1).log', 'process_output.log']);
  });

  test('following a job submitted elsewhere: events, a notification and its outputs', async () => {
    const created = await rest<{ id: string }>(env.sb, 'POST', '/api/v2/jobs/', {
      name: 'from the web UI',
      jobanalyses: [{ command: 'echo hi', analysis: { code: 'user_included', version: '0' }, hardware: { coreType: 'emerald', coresPerSlot: 1 } }],
    });
    await rest(env.sb, 'POST', `/api/v2/jobs/${created.id}/submit/`);
    const followed = await env.call('jobs', 'follow', { jobId: created.id, outputFilters: ['*.txt'] });
    expect(followed).toMatchObject({ jobId: created.id, name: 'from the web UI', followed: true, submissionId: null });
    const note = await until('the notification', () => env.eventsOf('notification').find((n) => n.jobId === created.id));
    expect(note.title).toBe('Job finished: from the web UI');
    expect(await readdir(join(env.dir, 'downloads', `rescale_job_${created.id}`))).toEqual(['result.txt']);
    expect((await platformJobs(env.sb)).filter((j) => j.name === 'from the web UI')).toHaveLength(1);
  });
});

describe('stopping a running job', () => {
  let env: JobsEnv;
  beforeAll(async () => {
    env = await jobsEnv({ sandbox: { jobSeconds: 8 } });
  });
  afterAll(async () => env?.close());

  test('Completed after Stopping is reported as stopped, with a notification', async () => {
    const script = await env.file('run.sh', 'sleep 100\n');
    await env.call('jobs', 'launch', { templateId: 'chainer', inputs: [{ path: script }] });
    const running = await until('the job to run', () => env.eventsOf('jobChanged').find((j) => j.outcome === 'running'));
    expect(await env.call('jobs', 'stop', { jobId: running.jobId })).toEqual({ stopping: true });
    const stopped = await until('the stop', () => env.eventsOf('jobChanged').find((j) => j.outcome === 'stopped'));
    expect(stopped.history.map((h) => h.status).slice(0, 2)).toEqual(['Completed', 'Stopping']);
    const note = await until('the notification', () => env.eventsOf('notification').find((n) => n.jobId === running.jobId));
    expect(note).toMatchObject({ title: 'Job stopped: Hello Chainer!', level: 'warn' });
    expect(note.body).toMatch(/was stopped \(User Terminated\)/);
    expect(env.eventsOf('notification')).toHaveLength(1);
  });
});
