// `courier jobs files|tail|snapshot` against a sandbox job whose log grows while it is read:
// `tail --follow` prints every line exactly once, in order (the finished log is the reference),
// terminal controls from the platform are stripped, and a snapshot's bytes are the platform's.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox';
import { contents, rest, until } from '../../support/jobs-env';
import { CHAINER, finalLogLines, OPENFOAM, submitJob } from '../../support/live-jobs';

let sandbox: RunningSandbox;

function courier(work: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      'node',
      [resolve('cli/bin.mjs'), '-X', sandbox.apiUrl, '-p', sandbox.token, ...args],
      { cwd: work, env: { ...process.env, COURIER_DATA_DIR: join(work, '.courier') }, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
/** A running courier whose stdout can be watched while it runs. */
function startCourier(dir: string, args: string[]): { stdout: () => string; done: Promise<{ code: number; stdout: string; stderr: string }> } {
  const child = spawn('node', [resolve('cli/bin.mjs'), '-X', sandbox.apiUrl, '-p', sandbox.token, ...args], {
    cwd: dir,
    env: { ...process.env, COURIER_DATA_DIR: join(dir, '.courier') },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const done = new Promise<{ code: number; stdout: string; stderr: string }>((ok) =>
    child.on('close', (code) => ok({ code: code ?? 1, stdout: out, stderr: err })),
  );
  return { stdout: () => out, done };
}
/** Whether the run has written result/log (a page, or in realistic mode a bare array). */
async function hasResultLog(jobId: string): Promise<boolean> {
  const r = await rest<{ results: { path: string }[] } | { path: string }[]>(sandbox, 'GET', `/api/v2/jobs/${jobId}/runs/1/directory-contents/`);
  return (Array.isArray(r) ? r : r.results).some((f) => f.path === 'result/log');
}
const stop = (jobId: string) => rest(sandbox, 'POST', `/api/v2/jobs/${jobId}/stop/`);
// eslint-disable-next-line no-control-regex -- the escape sequences the job name carries
const SGR = /\u001b\[[0-9;]*m/g;
const work = () => mkdtempSync(join(tmpdir(), 'courier-live-'));
const linesOf = (s: string) => s.replace(/\n$/, '').split('\n');

beforeAll(async () => {
  sandbox = await startSandbox({ jobSeconds: 60, faults: true, token: 'live-files-token-123456' });
});
afterAll(async () => {
  await sandbox?.stop();
});

describe.concurrent('courier jobs tail / files / snapshot', () => {
  test('tail --follow from before the run: every line once, in order, controls stripped; exit 0 when the job ends', async () => {
    const jobId = await submitJob(sandbox, OPENFOAM, 'cfd \u001b[31mred\u001b[0m run [until-stopped]');
    const run = startCourier(work(), ['jobs', 'tail', jobId, '--follow', '--interval', '0.2', '-n', '5000']);
    // The run goes on until stopped (however slow the CLI is to start); the stop ends it once the follower has seen it grow.
    await until('ten solver steps followed', () => run.stdout().includes('Time = 0.05\n'), 120_000);
    await stop(jobId);
    const r = await run.done;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const expected = (await finalLogLines(sandbox, jobId)).map((l) => l.replace(SGR, ''));
    expect(r.stdout).not.toContain('\u001b');
    expect(linesOf(r.stdout)).toEqual(expected);
    expect(expected.filter((l) => l.startsWith('Time = ')).length).toBeGreaterThan(10);
    expect(expected.at(-1)).toMatch(/^\[sandbox\] Finished at /);
  });

  test('tail -n 3 --follow from mid-run: the printed lines are exactly the end of the finished log', async () => {
    const jobId = await submitJob(sandbox, CHAINER, 'train live [until-stopped]');
    await until('the first epoch', () => hasResultLog(jobId), 120_000);
    const run = startCourier(work(), ['jobs', 'tail', jobId, 'process_output.log', '-n', '3', '--follow', '--interval', '0.3']);
    // Following (its first three lines out): the epochs that come meanwhile and the lines the stop
    // adds are the new lines, however far the program got before the CLI started.
    await until('the first three lines', () => linesOf(run.stdout()).length >= 3, 120_000);
    await stop(jobId);
    const r = await run.done;
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const got = linesOf(r.stdout);
    const final = await finalLogLines(sandbox, jobId);
    expect(got.length).toBeGreaterThan(3);
    expect(got.length).toBeLessThan(final.length);
    expect(final.slice(-got.length)).toEqual(got);
  });

  test('files --json while running, snapshot -o DIR equal to the platform bytes, errors as ERROR lines', async () => {
    const jobId = await submitJob(sandbox, CHAINER, 'snap [until-stopped]'); // its run files are the snapshot's until the stop
    const dir = work();
    await until('result/log', () => hasResultLog(jobId), 120_000);
    const files = await courier(dir, ['jobs', 'files', jobId, '--json']);
    expect(files.code, files.stdout + files.stderr).toBe(0);
    const listed = JSON.parse(linesOf(files.stdout).at(-1)!) as { available: boolean; entries: { path: string; size: number }[] };
    expect(listed.available).toBe(true);
    expect(listed.entries.map((e) => e.path)).toEqual(['process_output.log', 'result/log']);

    const snap = await courier(dir, ['jobs', 'snapshot', jobId, '-o', join(dir, 'out')]);
    expect(snap.code, snap.stdout + snap.stderr).toBe(0);
    const copies = await rest<{ results: { id: string; relativePath: string }[] }>(sandbox, 'GET', `/api/v2/jobs/${jobId}/runs/1/files/`);
    expect(copies.results.map((f) => f.relativePath).sort()).toEqual(['process_output.log', 'result/log']);
    for (const f of copies.results) {
      expect(readFileSync(join(dir, 'out', `rescale_job_${jobId}`, f.relativePath))).toEqual(await contents(sandbox, f.id));
    }

    await stop(jobId);
    const bad = await courier(dir, ['jobs', 'tail', jobId, '../../etc/passwd']);
    expect(bad.code).toBe(33);
    expect(bad.stdout).toMatch(/ERROR - "..\/..\/etc\/passwd" is not a path inside the job's working directory/);
    const badN = await courier(dir, ['jobs', 'tail', jobId, '-n', '0']);
    expect(badN.code).toBe(33);
    expect(badN.stdout).toMatch(/ERROR - -n must be a whole number from 1 to 5000/);
  });
});
