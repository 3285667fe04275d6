// `courier jobs rerun JOB --wait` and `courier templates import-job JOB` on a job made straight
// through the sandbox's API (not by Courier): one new job, the same input file ids, no upload.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox';
import { runCourier, type CliResult } from '../../support/cli-run';

let sandbox: RunningSandbox;
let work: string;

function courier(args: string[]): Promise<CliResult> {
  return runCourier(sandbox, work, args);
}

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sandbox.apiUrl}${path}`, {
    method,
    headers: { Authorization: `Token ${sandbox.token}`, 'Content-Type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

let jobId: string;
let fileId: string;
beforeAll(async () => {
  sandbox = await startSandbox({ jobSeconds: 2, faults: true });
  work = mkdtempSync(join(tmpdir(), 'courier-rerun-'));
  const form = new FormData();
  form.append('file', new Blob(['#!/bin/sh\necho again\n']), 'again.sh');
  const up = await fetch(`${sandbox.apiUrl}/api/v2/files/contents/`, { method: 'POST', headers: { Authorization: `Token ${sandbox.token}` }, body: form });
  fileId = ((await up.json()) as { id: string }).id;
  const job = await api<{ id: string }>('POST', '/api/v3/jobs/', {
    name: 'made elsewhere',
    jobanalyses: [
      {
        analysis: { code: 'user_included', version: '0' },
        command: 'sh again.sh',
        hardware: { coreType: { code: 'emerald' }, coresPerSlot: 1 },
        inputFiles: [{ id: fileId }],
      },
    ],
  });
  jobId = job.id;
});
afterAll(async () => {
  await sandbox?.stop();
});

describe('courier jobs rerun / templates import-job', () => {
  test('rerun --wait: one new job with the same input id, followed to the end, nothing uploaded', async () => {
    const r = await courier(['jobs', 'rerun', jobId, '--name', 'made again', '--wait']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stderr + r.stdout).toContain(`inputs reused: ${fileId}`);
    const m = /^Job (\w+) reached terminal status: Completed/m.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    const again = await api<{ name: string; jobanalyses: { command: string; inputFiles: { id: string }[] }[] }>('GET', `/api/v3/jobs/${m![1]}/`);
    expect(again.name).toMatch(/^made again \[cr-/);
    expect(again.jobanalyses[0]!.command).toBe('sh again.sh');
    expect(again.jobanalyses[0]!.inputFiles.map((f) => f.id)).toEqual([fileId]);
    const stats = sandbox.stats();
    expect(stats.api['POST /api/v2/jobs/']).toBe(1);
    expect(stats.api['POST /api/v3/files/'] ?? 0).toBe(0);
    expect(stats.s3['PutObject'] ?? 0).toBe(0);
    expect(stats.s3['UploadPart'] ?? 0).toBe(0);
  });

  test('import-job saves a template that lists it', async () => {
    const r = await courier(['templates', 'import-job', jobId, '--name', 'From elsewhere']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Saved "From elsewhere" \(from-elsewhere-[0-9a-f]+\) from job \w+: user_included 0 on emerald ×1, 1 input file\(s\) by id/m);
    const list = await courier(['templates', 'list']);
    expect(list.stdout).toMatch(/^from-elsewhere-[0-9a-f]+\tFrom elsewhere\tuser_included 0\temerald ×1$/m);
  });

  test('jobs tags: add, remove and list, on the platform', async () => {
    const set = await courier(['jobs', 'tags', jobId, '--add', 'baseline', 'mesh-3']);
    expect(set.code, set.stdout + set.stderr).toBe(0);
    expect(set.stdout.trim().split('\n')).toEqual(['baseline', 'mesh-3']);
    await courier(['jobs', 'tags', jobId, '--remove', 'mesh-3']);
    expect(await api('GET', `/api/v3/jobs/${jobId}/tags/`)).toEqual([{ name: 'baseline', normalizedName: 'baseline' }]);
    expect((await courier(['jobs', 'tags', jobId])).stdout.trim()).toBe('baseline');
  });

  test('an unknown job: one ERROR line, exit 33', async () => {
    const r = await courier(['jobs', 'rerun', 'NoSuchJob']);
    expect(r.code).toBe(33);
    expect(r.stdout + r.stderr).toMatch(/ERROR .*job NoSuchJob/i);
  });
});
