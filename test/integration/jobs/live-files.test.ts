// Live files of a running job against the sandbox (both faces): the working directory grows,
// a followed log hands out every line exactly once (compared with the finished log the platform
// keeps), a rewritten log starts over, and a snapshot downloads the live bytes.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { contents, jobsEnv, rest, until, type JobsEnv } from '../../support/jobs-env';
import { CHAINER, createJob, finalLogLines, OPENFOAM, submitJob } from '../../support/live-jobs';

// The jobs are independent: they run side by side on one sandbox, as a person's would.
/** Between polls, as a UI's timer would: the sandbox is shared by the concurrent tests. */
const pause = () => new Promise((r) => setTimeout(r, 40));

describe.concurrent('live files of a running job', () => {
  let env: JobsEnv;
  beforeAll(async () => {
    env = await jobsEnv({ sandbox: { jobSeconds: 8 } });
  });
  afterAll(async () => env?.close());

  const stopAndEnd = async (jobId: string) => {
    await rest(env.sb, 'POST', `/api/v2/jobs/${jobId}/stop/`);
    await until('the end', async () => (await env.call('jobs', 'liveTail', { jobId })).final, 60_000);
  };

  const tailAll = async (jobId: string, lines = 5) => {
    const got: string[] = [];
    let cursor: string | undefined;
    let polls = 0;
    for (;;) {
      const r = await env.call('jobs', 'liveTail', { jobId, path: 'process_output.log', lines, ...(cursor ? { cursor } : {}) });
      if (r.restarted) got.length = 0;
      got.push(...r.lines);
      cursor = r.cursor;
      polls++;
      if (r.final) return { got, polls };
      await pause();
    }
  };

  test.each([
    ['chainer', CHAINER],
    ['openfoam', OPENFOAM],
  ])('following %s from its first line: every line once, in order, equal to the finished log', async (_n, spec) => {
    const jobId = await submitJob(env.sb, spec, `live ${spec.code}`);
    // Follow from before the run starts: the first answers are empty, then the log's first line.
    const { got, polls } = await tailAll(jobId, 5000);
    expect(polls).toBeGreaterThan(3);
    expect(got).toEqual(await finalLogLines(env.sb, jobId));
    if (spec.code === 'chainer') expect(got.filter((l) => /^\d+\s+[\d.]+\s+/.test(l))).toHaveLength(20);
    else expect(got.filter((l) => l.startsWith('smoothSolver:  Solving for Ux, Initial residual = '))).toHaveLength(100);
  });

  test('a follow begun before the job has a run reports no restart when the run and its log appear', async () => {
    const jobId = await createJob(env.sb, CHAINER, 'live before the run');
    const before = await env.call('jobs', 'liveTail', { jobId, path: 'process_output.log', lines: 5000 });
    expect(before.note).toMatch(/has not started running yet/);
    await rest(env.sb, 'POST', `/api/v2/jobs/${jobId}/submit/`);
    let cursor = before.cursor;
    const got: string[] = [];
    const restarts: boolean[] = [];
    let whileRunning = 0;
    for (;;) {
      const r = await env.call('jobs', 'liveTail', { jobId, path: 'process_output.log', lines: 5000, cursor });
      restarts.push(r.restarted);
      got.push(...r.lines);
      if (!r.final) whileRunning += r.lines.length;
      cursor = r.cursor;
      if (r.final) break;
      await pause();
    }
    expect(restarts.filter(Boolean)).toEqual([]);
    expect(whileRunning).toBeGreaterThan(0); // followed live, not only read at the end
    expect(got).toEqual(await finalLogLines(env.sb, jobId));
  });

  test('starting from the last lines mid-run, then following: the lines after the start equal the finished log', async () => {
    const jobId = await submitJob(env.sb, OPENFOAM, 'live mid-run');
    await until('the solver output', async () => (await env.call('jobs', 'liveTail', { jobId, lines: 20 })).lines.some((l) => l.startsWith('Time = ')), 60_000);
    const first = await env.call('jobs', 'liveTail', { jobId, lines: 3 });
    expect(first.lines).toHaveLength(3);
    let cursor = first.cursor;
    const after: string[] = [];
    for (;;) {
      const r = await env.call('jobs', 'liveTail', { jobId, lines: 10, cursor });
      expect(r.restarted).toBe(false);
      after.push(...r.lines);
      cursor = r.cursor;
      if (r.final) break;
      await pause();
    }
    const final = await finalLogLines(env.sb, jobId);
    const seam = [...first.lines, ...after];
    // The followed lines are exactly the finished log's end, from the first line handed out.
    expect(final.slice(final.length - seam.length)).toEqual(seam);
    expect(final.length - seam.length).toBeGreaterThan(0);
  });

  test('liveFiles lists the working directory while it runs; liveDownload gets the live bytes', async () => {
    const jobId = await submitJob(env.sb, CHAINER, 'live files');
    const files = await until(
      'result/log to appear',
      async () => {
        const r = await env.call('jobs', 'liveFiles', { jobId });
        return r.entries.some((e) => e.path === 'result/log') ? r : null;
      },
      60_000,
    );
    expect(files).toMatchObject({ available: true, runId: '1' });
    // The log tail of a running job is the platform's live tail now (it used to wait for the end).
    const tl = await env.call('jobs', 'tailLog', { jobId, lines: 3 });
    expect(tl).toMatchObject({ available: true, source: 'live' });
    expect(tl.lines).toHaveLength(3);
    const log = files.entries.find((e) => e.path === 'process_output.log')!;
    expect(log.size).toBeGreaterThan(0);
    expect(Date.parse(log.modifiedAt!)).toBeGreaterThan(0);

    const dl = await env.call('jobs', 'liveDownload', { jobId, paths: ['result/log', 'process_output.log'] });
    expect(dl.dir).toBe(join(env.dir, 'downloads', `rescale_job_${jobId}`));
    expect(dl.files.sort()).toEqual(['process_output.log', 'result/log']);
    // The snapshot's copies, as the platform lists them for the run, byte for byte.
    const snap = await rest<{ results: { id: string; relativePath: string }[] }>(env.sb, 'GET', `/api/v2/jobs/${jobId}/runs/1/files/`);
    await until('the downloads', async () => {
      const all = await env.call('transfers', 'list', {});
      return dl.transferIds.every((id) => all.items.find((t) => t.id === id)?.state === 'done');
    });
    for (const f of snap.results) expect(await readFile(join(dl.dir, f.relativePath))).toEqual(await contents(env.sb, f.id));
    const report = JSON.parse(await readFile(join(dl.dir, 'result/log'), 'utf8')) as { epoch: number; 'main/loss': number }[];
    expect(report.length).toBeGreaterThan(0);

    await expect(env.call('jobs', 'liveDownload', { jobId, paths: ['../escape'] })).rejects.toThrow(/not a path inside the job's working directory/);
    await expect(env.call('jobs', 'liveTail', { jobId, path: '/etc/passwd' })).rejects.toThrow(/not a path inside/);
    await until('the end', async () => (await env.call('jobs', 'liveTail', { jobId })).final, 60_000);
    expect(await env.call('jobs', 'liveFiles', { jobId })).toMatchObject({ available: false, entries: [] });
  });

  test('hostile entries from the platform are left out: paths leaving the directory, bad run ids', async () => {
    const jobId = await submitJob(env.sb, CHAINER, 'live hostile');
    await until('the run', async () => (await env.call('jobs', 'liveFiles', { jobId })).available, 60_000);
    const hostile = [
      { path: '../../.ssh/authorized_keys', size: 1, lastModified: null },
      { path: '/etc/passwd', size: 1 },
      { path: 'a/../../b', size: 1 },
      { path: 'nul\u0000byte', size: 1 },
      { path: 'ok/file.txt', size: '12', lastModified: '2026-01-02T03:04:05.123456+00:00' },
      { path: 'ok', isDirectory: true },
    ];
    env.sb.addFault({ method: 'GET', path: `/api/v2/jobs/${jobId}/runs/1/directory-contents/`, status: 200, body: hostile, times: 1 });
    const r = await env.call('jobs', 'liveFiles', { jobId });
    expect(r.entries).toEqual([{ path: 'ok/file.txt', size: 12, modifiedAt: '2026-01-02T03:04:05.123Z' }]);
    expect(r.note).toMatch(/4 /);
    env.sb.addFault({
      method: 'GET',
      path: `/api/v2/jobs/${jobId}/runs/`,
      status: 200,
      body: { count: 1, next: null, results: [{ id: '../1', dateStarted: '2026-01-01T00:00:00Z', dateCompleted: null }] },
      times: 1,
    });
    expect(await env.call('jobs', 'liveFiles', { jobId })).toMatchObject({ available: false, runId: null, entries: [] });
    await stopAndEnd(jobId);
  });

  test('a log rewritten while followed starts over (restarted), then continues without gaps', async () => {
    const jobId = await submitJob(env.sb, OPENFOAM, 'live restart');
    const first = await until(
      'solver lines',
      async () => {
        const r = await env.call('jobs', 'liveTail', { jobId, lines: 20 });
        return r.lines.some((l) => l.startsWith('Time = ')) ? r : null;
      },
      60_000,
    );
    await rest(env.sb, 'POST', `/__sandbox/jobs/${jobId}/live-restart`);
    let cursor = first.cursor;
    let restarted = 0;
    const since: string[] = [];
    for (;;) {
      const r = await env.call('jobs', 'liveTail', { jobId, lines: 20, cursor });
      if (r.restarted) {
        restarted++;
        since.length = 0;
        expect(r.note).toMatch(/rewritten or truncated/);
      }
      since.push(...r.lines);
      cursor = r.cursor;
      if (r.final) break;
      await pause();
    }
    expect(restarted).toBe(1);
    expect(since).toEqual(await finalLogLines(env.sb, jobId));
    expect(since[0]).toMatch(/^\[sandbox\] The program restarted at /);
  });
});
