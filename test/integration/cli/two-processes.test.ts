import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox';

// `courier jobs submit --wait` while another Courier (the app, the web host) runs on the same
// data folder: both must make progress, and the wait must end when the job ends.
let sandbox: RunningSandbox;
let slow: RunningSandbox;
const hosts: ChildProcess[] = [];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function courier(args: string[], o: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<Run> {
  const started = Date.now();
  return new Promise((done) => {
    execFile(
      'node',
      [resolve('cli/bin.mjs'), ...args],
      { cwd: o.cwd, env: { ...process.env, ...o.env }, timeout: o.timeoutMs ?? 90_000, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr, ms: Date.now() - started }),
    );
  });
}

/** The app on `dataDir`, optionally signed in to `sb` (keys in a plaintext file, as COURIER_KEY_STORE=file does). */
async function startHost(dataDir: string, sb?: RunningSandbox): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/support/host-child.ts', dataDir, ...(sb ? [sb.apiUrl, sb.s3Endpoint, sb.token] : [])], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  hosts.push(proc);
  const lines = createInterface({ input: proc.stdout! });
  for await (const line of lines) if (line.includes('"ready"')) break;
  return proc;
}

function workDir(): { work: string; script: string; data: string } {
  const work = mkdtempSync(join(tmpdir(), 'courier-two-'));
  const script = join(work, 'run.sh');
  writeFileSync(script, '#!/bin/sh\necho train\n');
  return { work, script, data: join(work, 'data') };
}

beforeAll(async () => {
  [sandbox, slow] = await Promise.all([startSandbox({ jobSeconds: 3 }), startSandbox({ jobSeconds: 600 })]);
});
afterEach(() => {
  for (const h of hosts.splice(0)) h.kill('SIGTERM');
});
afterAll(async () => {
  await Promise.all([sandbox?.stop(), slow?.stop()]);
});

describe('jobs submit --wait with a second Courier on the same data folder', () => {
  test('the app has no account for the key given with -p: the wait still ends at Completed', async () => {
    const { work, script, data } = workDir();
    await startHost(data);
    const r = await courier(
      ['-X', sandbox.apiUrl, '-p', sandbox.token, '--data', data, 'jobs', 'submit', '--template', 'chainer', '--input', script, '--wait'],
      { cwd: work },
    );
    expect(r.stdout, r.stderr).toMatch(/Job \w+ reached terminal status: Completed/);
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(60_000);
  });

  test('the app is signed in to the same account: the wait ends at Completed, with the outputs on disk', async () => {
    const { work, script, data } = workDir();
    await startHost(data, sandbox);
    const r = await courier(['--data', data, 'jobs', 'submit', '--template', 'chainer', '--input', script, '--wait'], {
      cwd: work,
      env: { COURIER_KEY_STORE: 'file' },
    });
    expect(r.stdout, r.stderr).toMatch(/Job (\w+) reached terminal status: Completed; \d+ output file\(s\) matching \*\.log in /);
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(60_000);
  });
});

describe('--timeout', () => {
  test('ends the wait with exit 124 and says the job keeps running and how to keep watching', async () => {
    const { work, script, data } = workDir();
    const r = await courier(
      ['-X', slow.apiUrl, '-p', slow.token, '--data', data, 'jobs', 'submit', '--template', 'chainer', '--input', script, '--wait', '--timeout', '15s'],
      { cwd: work },
    );
    expect(r.code, r.stdout + r.stderr).toBe(124);
    const jobId = /Job (\w+): submitted/.exec(r.stdout)?.[1];
    expect(jobId, r.stdout).toBeTruthy();
    expect(r.stdout).toContain(`Stopped waiting after 15s: job ${jobId} is still`);
    expect(r.stdout).toContain('It keeps running on the platform');
    expect(r.stdout).toContain(`courier jobs watch ${jobId}`);
    // The job was left alone.
    const statuses = (await (await fetch(`${slow.apiUrl}/api/v2/jobs/${jobId}/statuses/`, { headers: { Authorization: `Token ${slow.token}` } })).json()) as {
      results: { status: string }[];
    };
    expect(statuses.results.map((s) => s.status)).not.toContain('Stopping');
  });

  test('a bad duration is refused before anything is queued', async () => {
    const { work, script, data } = workDir();
    const r = await courier(
      ['-X', slow.apiUrl, '-p', slow.token, '--data', data, 'jobs', 'submit', '--template', 'chainer', '--input', script, '--wait', '--timeout', 'soon'],
      { cwd: work },
    );
    expect(r.code).toBe(33);
    expect(r.stdout + r.stderr).toMatch(/--timeout/);
    expect(r.stdout).not.toContain('Queued');
  });
});
