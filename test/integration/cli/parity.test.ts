import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox';

// rescale-cli parity: every compatible command against the sandbox — output shape, files on
// disk, exit codes (0 / 33) and the error line format, including the error paths.
let sandbox: RunningSandbox;
let work: string;
let jobId: string;
const TS = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3} - /;

function courier(args: string[], opts: { token?: string; url?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      'node',
      [resolve('cli/bin.mjs'), '-X', opts.url ?? sandbox.apiUrl, ...args, '-p', opts.token ?? sandbox.token],
      { cwd: work, env: { ...process.env, COURIER_DATA_DIR: join(work, '.courier') } },
      (err, stdout, stderr) => done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function api(path: string, init: RequestInit = {}): Promise<unknown> {
  const r = await fetch(`${sandbox.apiUrl}${path}`, { ...init, headers: { Authorization: `Token ${sandbox.token}`, 'Content-Type': 'application/json' } });
  const text = await r.text();
  return text ? JSON.parse(text) : null;
}

beforeAll(async () => {
  sandbox = await startSandbox({ jobSeconds: 8, token: 'parity-token-123456' }); // long enough to stop a running job
  work = mkdtempSync(join(tmpdir(), 'courier-parity-'));
  writeFileSync(join(work, 'input data ü.txt'), 'hello from parity\n');
  writeFileSync(join(work, 'empty.bin'), '');
  mkdirSync(join(work, 'run folder'));
});
afterAll(async () => {
  await sandbox?.stop();
});

describe('rescale-cli compatible commands', () => {
  test('upload -e prints one JSON line with the seed-shaped file records', async () => {
    const r = await courier(['--quiet', 'upload', '-f', 'input data ü.txt', 'empty.bin', '-e']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!) as { success: boolean; startTime: number; endTime: number; files: Record<string, unknown>[] };
    expect(out.success).toBe(true);
    expect(out.endTime).toBeGreaterThanOrEqual(out.startTime);
    expect(out.files.map((f) => f.name).sort()).toEqual(['empty.bin', 'input data ü.txt']);
    for (const f of out.files) {
      expect(Object.keys(f)).toEqual(['name', 'storage', 'pathParts', 'isUploaded', 'decryptedSize', 'encodedEncryptionKey', 'typeId', 'fileChecksums', 'id']);
      expect(f.encodedEncryptionKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    }
    // What the platform stores decrypts to the original bytes.
    const txt = out.files.find((f) => f.name === 'input data ü.txt')!;
    const r2 = await fetch(`${sandbox.apiUrl}/api/v2/files/${String(txt.id)}/contents/`, { headers: { Authorization: `Token ${sandbox.token}` } });
    expect(await r2.text()).toBe('hello from parity\n');
    // and the native download brings it back, decrypted and verified
    const back = await courier(['download', String(txt.id), '-o', 'native']);
    expect(back.code, back.stdout).toBe(0);
    expect(readFileSync(join(work, 'native', 'input data ü.txt'), 'utf8')).toBe('hello from parity\n');
  });

  test('upload without -e prints the short envelope; "Authenticated as" unless -q', async () => {
    const r = await courier(['upload', '-f', 'empty.bin']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`${TS.source}Authenticated as sandbox-user@example.com$`));
    expect(Object.keys(JSON.parse(lines.at(-1)!) as object)).toEqual(['success', 'startTime', 'endTime']);
  });

  test('job commands: status, list-files, sync, download-file, stop', async () => {
    const created = (await api('/api/v2/jobs/', {
      method: 'POST',
      body: JSON.stringify({
        name: 'parity',
        jobanalyses: [{ command: 'echo hi', analysis: { code: 'user_included', version: '0' }, hardware: { coreType: 'emerald', coresPerSlot: 1 } }],
      }),
    })) as { id: string };
    jobId = created.id;
    await api(`/api/v2/jobs/${jobId}/submit/`, { method: 'POST' });
    await expect
      .poll(async () => ((await api(`/api/v2/jobs/${jobId}/statuses/`)) as { results: { status: string }[] }).results[0]?.status, {
        timeout: 30_000,
        interval: 500,
      })
      .toBe('Completed');

    const status = await courier(['status', '-j', jobId]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`The status of job ${jobId} is Completed`);
    const quietStatus = await courier(['-q', 'status', '-j', jobId]);
    expect(quietStatus.stdout.trim()).toBe(`The status of job ${jobId} is Completed`);

    // A finished job: its files are listed (rescale-cli refuses), with a log line saying whose.
    const noRun = await courier(['list-files', '-j', jobId]);
    expect(noRun.code).toBe(0);
    expect(noRun.stdout).toMatch(new RegExp(`${TS.source}The job \\(${jobId}\\) has no active run: listing the files of its finished runs\\.$`, 'm'));
    expect(noRun.stdout.split('\n')).toContain('process_output.log');
    const files = await courier(['-q', 'list-files', '-j', jobId, '-r', '1']);
    expect(files.stdout).toContain('process_output.log');

    const sync = await courier(['sync', '-j', jobId, '-f', '*.log']);
    expect(sync.code).toBe(0);
    expect(readFileSync(join(work, `rescale_job_${jobId}`, 'process_output.log'), 'utf8')).toContain('echo hi');
    const again = await courier(['sync', '-j', jobId, '-f', '*.log']);
    expect(again.stdout).toContain('Skipping existing: process_output.log');
    expect(readdirSync(join(work, `rescale_job_${jobId}`))).toEqual(['process_output.log']);
    // A file of the same name that is not the job's file is left alone, and said so.
    writeFileSync(join(work, `rescale_job_${jobId}`, 'process_output.log'), 'edited here\n');
    const differs = await courier(['-q', 'sync', '-j', jobId, '-f', '*.log']);
    expect(differs.code).toBe(0);
    expect(differs.stdout).toContain("Not replacing process_output.log: it differs from the job's file (size or SHA-512).");
    expect(readFileSync(join(work, `rescale_job_${jobId}`, 'process_output.log'), 'utf8')).toBe('edited here\n');

    // rescale-cli exits 0 here; Courier fails, so a script does not go on without the file.
    const noName = await courier(['download-file', '-j', jobId]);
    expect(noName.code).toBe(33);
    expect(noName.stdout).toContain(`Please provide a file name to download: -j ${jobId} -f NAME`);
    const one = await courier(['download-file', '-j', jobId, '-f', 'process_output.log', '-o', 'single']);
    expect(one.code).toBe(0);
    expect(existsSync(join(work, 'single', 'process_output.log'))).toBe(true);

    // stop: a second job, stopped while it runs, ends Completed after Stopping.
    const running = (await api('/api/v2/jobs/', {
      method: 'POST',
      body: JSON.stringify({
        name: 'to stop',
        jobanalyses: [{ command: 'sleep 1', analysis: { code: 'user_included', version: '0' }, hardware: { coreType: 'emerald', coresPerSlot: 1 } }],
      }),
    })) as { id: string };
    await api(`/api/v2/jobs/${running.id}/submit/`, { method: 'POST' });
    const stop = await courier(['-q', 'stop', '-j', running.id]);
    expect(stop.code).toBe(0);
    expect(stop.stdout.trim()).toBe(`Job ${running.id} is stopping.`);
    const history = ((await api(`/api/v2/jobs/${running.id}/statuses/`)) as { results: { status: string }[] }).results.map((r) => r.status);
    expect(history).toContain('Stopping');
  });

  test('submit -i: directives, run.sh plus a flat input.zip, created and submitted once', async () => {
    writeFileSync(join(work, 'job.sh'), '#!/bin/sh\n#RESCALE_NAME parity submit\n#RESCALE_CORES_PER_SLOT 2\n#RESCALE_WALLTIME 3\npython train.py\n');
    const r = await courier(['submit', '-i', 'job.sh', 'input data ü.txt', 'empty.bin']);
    expect(r.code, r.stdout).toBe(0);
    for (const step of ['Zipping Files', 'Uploading Files', 'Job: Saving Job']) expect(r.stdout).toContain(`- ${step}`);
    const id = /Job (\w+) submitted\./.exec(r.stdout)?.[1];
    expect(id).toBeTruthy();
    const job = (await api(`/api/v2/jobs/${id}/`)) as {
      name: string;
      jobanalyses: { hardware: { coresPerSlot: number; walltime: number }; inputFiles: { name: string }[] }[];
    };
    expect(job.name).toBe('parity submit');
    expect(job.jobanalyses[0]?.hardware).toMatchObject({ coresPerSlot: 2, walltime: 3 });
    expect(job.jobanalyses[0]?.inputFiles.map((f) => f.name)).toEqual(['run.sh', 'input.zip']);
    const statuses = ((await api(`/api/v2/jobs/${id}/statuses/`)) as { results: { status: string }[] }).results;
    expect(statuses.length).toBeGreaterThan(0);
  });

  test.each([
    ['a bad token', ['status', '-j', 'abc'], { token: 'not-a-valid-token' }, /ERROR - .*did not accept the API key/],
    ['a missing file', ['upload', '-f', 'nope.txt', '-e'], {}, /ERROR - .*nope\.txt does not exist/],
    [
      'a folder for -f',
      ['upload', '-f', 'run folder'],
      {},
      /ERROR - .*run folder is a folder; .*\(use `courier upload '.*\/run folder'` to upload a folder\)\.$/,
    ],
    ['an unknown job', ['status', '-j', 'zzzzz'], {}, /ERROR - Could not read the status of job zzzzz: not found/],
    ['no network', ['status', '-j', 'abc'], { url: 'http://127.0.0.1:9' }, /ERROR - Cannot reach 127\.0\.0\.1:9/],
  ])('%s: one ERROR line on stdout and exit code 33', async (_name, args, opts, message) => {
    const r = await courier(args as string[], opts as { token?: string; url?: string });
    expect(r.code).toBe(33);
    const errors = r.stdout.split('\n').filter((l) => l.includes(' - ERROR - '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(TS);
    expect(errors[0]).toMatch(message);
  });
});
