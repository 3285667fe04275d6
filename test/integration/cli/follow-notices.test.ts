// `courier jobs sweep --wait` and `courier jobs tail --follow` follow their jobs as `jobs watch`
// does: the real CLI, against the sandbox, prints each job's walltime warning and its finished
// notice as lines on stderr. The settings make the warning due as soon as a job runs (a 1 h
// walltime, warned 60 minutes ahead), so no clock has to be moved.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox';
import { rest, until } from '../../support/jobs-env';
import { OPENFOAM } from '../../support/live-jobs';
import { TRAIN_SWEEP } from '../../support/sweep-template';

let sb: RunningSandbox;
let work: string;
const running = new Set<ReturnType<typeof spawn>>();

interface Run {
  stderr(): string;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function courier(args: string[]): Run {
  const child = spawn(process.execPath, [resolve('cli/bin.mjs'), '-X', sb.apiUrl, '-p', sb.token, ...args], {
    cwd: work,
    env: { ...process.env, COURIER_DATA_DIR: join(work, 'data'), COURIER_KEY_STORE: 'memory' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((ok) =>
    child.once('close', (code) => {
      running.delete(child);
      ok({ code, stdout, stderr });
    }),
  );
  return { stderr: () => stderr, done };
}

beforeAll(async () => {
  // Long enough that a 5 s poll sees every job running before it ends.
  sb = await startSandbox({ jobSeconds: 24, faults: true });
  work = mkdtempSync(join(tmpdir(), 'courier-follow-notices-'));
  mkdirSync(join(work, 'data'));
  writeFileSync(join(work, 'data', 'settings.json'), JSON.stringify({ version: 2, notifications: { walltimeWarnMinutes: 60 }, polling: { fastSeconds: 5 } }));
  const template = { ...TRAIN_SWEEP, hardware: { ...TRAIN_SWEEP.hardware, walltimeHours: 1 } };
  writeFileSync(join(work, 'train.json'), JSON.stringify({ format: 'courier-job-template', version: 1, template }));
  const r = await courier(['templates', 'import', 'train.json']).done;
  expect(r.code, r.stderr).toBe(0);
}, 60_000);
afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  await sb?.stop();
  rmSync(work, { recursive: true, force: true });
});

const line = (level: string, text: string) => new RegExp(`^\\d{4}-\\d{2}-\\d{2} [\\d:.,]+ - ${level} - ${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm');

describe.concurrent('commands that follow jobs print their notices', () => {
  test("jobs sweep --wait: each job's walltime warning and finished notice", async () => {
    writeFileSync(join(work, 'rows.csv'), 'lr,seed\n0.1,1\n0.2,[fail]\n');
    const r = await courier(['jobs', 'sweep', '-t', 'train', '--csv', 'rows.csv', '--wait']).done;
    const jobs = (await rest<{ results: { id: string; name: string }[] }>(sb, 'GET', '/api/v2/jobs/?page_size=100')).results;
    const ok = jobs.find((j) => j.name.startsWith('train lr=0.1 seed=1'))!;
    const failed = jobs.find((j) => j.name.startsWith('train lr=0.2 seed=[fail]'))!;
    expect(r.stderr).toMatch(line('WARN', `Walltime near: train lr=0.1 seed=1 — Job ${ok.id} has run `));
    expect(r.stderr).toMatch(line('WARN', `Walltime near: train lr=0.2 seed=[fail] — Job ${failed.id} has run `));
    expect(r.stderr).toMatch(line('INFO', `Job finished: train lr=0.1 seed=1 — Job ${ok.id} completed in `));
    expect(r.stderr).toMatch(line('WARN', `Job failed: train lr=0.2 seed=[fail] — Job ${failed.id} failed: Command exited with code 1.`));
    expect(r.stderr.match(/Walltime near/g)).toHaveLength(2); // once per job
    expect(r.stdout).toMatch(/Sweep "train-[0-9a-f]{8}": 2 of 2 submitted, 1 completed, 1 failed$/m);
  }, 180_000);

  test('jobs tail --follow: the walltime warning while it runs, the stop when it ends', async () => {
    const job = await rest<{ id: string }>(sb, 'POST', '/api/v2/jobs/', {
      name: 'cfd [until-stopped]',
      jobanalyses: [
        {
          analysis: { code: OPENFOAM.code, version: OPENFOAM.version },
          command: 'run.sh',
          hardware: { coreType: OPENFOAM.coreType, coresPerSlot: OPENFOAM.cores, walltime: 1 },
          inputFiles: [],
        },
      ],
    });
    await rest(sb, 'POST', `/api/v2/jobs/${job.id}/submit/`);
    const tail = courier(['jobs', 'tail', job.id, '--follow', '--interval', '0.5']);
    await until('the walltime warning', () => line('WARN', `Walltime near: cfd [until-stopped] — Job ${job.id} has run `).test(tail.stderr()), 90_000, 100);
    await rest(sb, 'POST', `/api/v2/jobs/${job.id}/stop/`);
    const r = await tail.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(line('WARN', `Job stopped: cfd [until-stopped] — Job ${job.id} was stopped (User Terminated).`));
    expect(r.stderr.match(/Walltime near/g)).toHaveLength(1);
    expect(r.stdout.length).toBeGreaterThan(0); // the log's lines still go to stdout
  }, 180_000);
});
