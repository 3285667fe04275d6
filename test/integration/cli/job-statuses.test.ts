// The CLI and the platform's other endings: `jobs submit --wait` on a job that fails or is
// force-stopped exits non-zero and says so, printing the waiting statuses on the way; `status`,
// `jobs show` print the platform's word, and a word Courier does not know is shown, not fatal.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox';
import { runCourier, type CliResult } from '../../support/cli-run';

let sandbox: RunningSandbox;

function courier(work: string, args: string[]): Promise<CliResult> {
  return runCourier(sandbox, work, args);
}

function workDir(): string {
  const work = mkdtempSync(join(tmpdir(), 'courier-statuses-'));
  writeFileSync(join(work, 'run.sh'), '#!/bin/sh\npython train.py\n');
  return work;
}

const submitWait = (work: string, name: string) =>
  courier(work, ['jobs', 'submit', '--template', 'chainer', '--input', join(work, 'run.sh'), '--name', name, '--wait']);

beforeAll(async () => {
  sandbox = await startSandbox({ jobSeconds: 3, faults: true, token: 'statuses-token-123456' });
});
afterAll(async () => {
  await sandbox?.stop();
});

describe('courier jobs submit --wait', () => {
  let failed: { code: number; stdout: string; stderr: string };
  let forced: { code: number; stdout: string; stderr: string };
  const works = { failed: '', forced: '' };
  beforeAll(async () => {
    works.failed = workDir();
    works.forced = workDir();
    [failed, forced] = await Promise.all([submitWait(works.failed, 'train [waiting] [fail]'), submitWait(works.forced, 'sweep [force-stop]')]);
  });

  test('a job that fails: exit 33, says Failed with the reason, prints the waiting statuses, still downloads the log', () => {
    expect(failed.code, failed.stdout + failed.stderr).toBe(33);
    const m = /^Job (\w+) reached terminal status: Failed \(Command exited with code 1\); 1 output file\(s\) matching \*\.log in (.+) \(every output: /m.exec(
      failed.stdout,
    );
    expect(m, failed.stdout).not.toBeNull();
    const steps = [...failed.stdout.matchAll(/Job \w+: (.+) -> (.+)$/gm)].map((x) => x[2]);
    expect(steps).toEqual(['Pending', 'Waiting for Queue', 'Queued', 'Waiting for Cluster', 'Started', 'Validated', 'Executing', 'Failed']);
    expect(m![2]).toBe(join(works.failed, `rescale_job_${m![1]}`));
    expect(readFileSync(join(m![2]!, 'process_output.log'), 'utf8')).toContain('Exit code: 1');
  });

  test('a job that ends in Force Stop: finished (not waited on forever), exit 33, says stopped', () => {
    expect(forced.code, forced.stdout + forced.stderr).toBe(33);
    expect(forced.stdout).toMatch(/^Job \w+ reached terminal status: Force Stop \(stopped\); 1 output file\(s\) matching \*\.log in /m);
    expect(forced.stdout).toMatch(/Job \w+: Executing -> Stopping$/m);
  });

  test('status -j and jobs show print the platform word', async () => {
    const jobId = /^Job (\w+) reached terminal status/m.exec(forced.stdout)![1]!;
    const status = await courier(works.forced, ['status', '-j', jobId]);
    expect(status.stdout).toContain(`The status of job ${jobId} is Force Stop`);
    const show = await courier(works.forced, ['jobs', 'show', jobId]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(new RegExp(`^${jobId}\\tForce Stop\\tsweep \\[force-stop\\]$`, 'm'));
  });
});

test('a status word Courier does not know, +00:00 stamps, no ids: shown as sent and marked, never fatal, not an ending', async () => {
  const work = workDir();
  const created = await fetch(`${sandbox.apiUrl}/api/v2/jobs/`, {
    method: 'POST',
    headers: { Authorization: `Token ${sandbox.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      name: 'odd',
      jobanalyses: [{ command: 'echo hi', analysis: { code: 'user_included', version: '0' }, hardware: { coreType: 'emerald', coresPerSlot: 1 } }],
    }),
  }).then((r) => r.json() as Promise<{ id: string }>);
  const page = {
    count: 3,
    next: null,
    previous: null,
    results: [
      { status: 'Suspended for maintenance', statusDate: '2024-01-02T03:06:00+00:00', statusReason: null, notify: true, preventDuplicates: false },
      { status: 'Executing', statusDate: '2024-01-02T03:05:00.250000+00:00', statusReason: null, notify: false, preventDuplicates: false },
      { status: 'Pending', statusDate: '2024-01-02T03:04:05+00:00', statusReason: null, notify: false, preventDuplicates: false },
    ],
  };
  sandbox.addFault({ path: `/api/v2/jobs/${created.id}/statuses/`, status: 200, body: page });
  const show = await courier(work, ['jobs', 'show', created.id]);
  expect(show.code, show.stdout).toBe(0);
  expect(show.stdout).toContain(`${created.id}\tSuspended for maintenance\todd`);
  expect(show.stdout).toContain('  2024-01-02T03:06:00+00:00  Suspended for maintenance (not known to Courier)');
  expect(show.stdout).toContain('  2024-01-02T03:05:00.250000+00:00  Executing');
  const json = await courier(work, ['--json', 'jobs', 'show', created.id]);
  expect(JSON.parse(json.stdout)).toMatchObject({ status: 'Suspended for maintenance', outcome: 'running' });
});
