// A `courier upload` that fails for good drops its journal at the end of the run: the
// multipart upload it had opened must be aborted first, and if the storage cannot be reached
// for that, the journal (which still knows the upload id) is kept for the next run to finish
// the job. Counted with ListMultipartUploads on the sandbox's S3.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox';
import { makeFile } from '../../support/transfer-env';
import { s3AdminClient } from '../../support/storage-kinds';

const MiB = 1 << 20;
let sb: RunningSandbox;
let work: string;
let s3: S3Client;

beforeAll(async () => {
  sb = await startSandbox({ faults: true });
  work = mkdtempSync(join(tmpdir(), 'courier-abandon-cli-'));
  s3 = s3AdminClient(sb);
});
afterAll(async () => {
  s3.destroy();
  await sb.stop();
  rmSync(work, { recursive: true, force: true });
});

function courier(dataDir: string, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [resolve('cli/bin.mjs'), '-X', sb.apiUrl, '-p', sb.token, ...args],
      { cwd: work, env: { ...process.env, COURIER_DATA_DIR: dataDir, COURIER_PART_MIB: '5', COURIER_KEY_STORE: 'memory' } },
      (err, stdout) => done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout }),
    );
  });
}

async function openUploads(name: string): Promise<number> {
  const r = await s3.send(new ListMultipartUploadsCommand({ Bucket: sb.s3Admin.bucket }));
  return (r.Uploads ?? []).filter((u) => u.Key?.split('/').pop()?.startsWith(`${name}-`)).length;
}

const journals = (dataDir: string): string[] => readdirSync(join(dataDir, 'cli-journals')).filter((f) => f.endsWith('.db') && !f.startsWith('run-'));

describe('courier upload that fails for good', () => {
  it('aborts its multipart upload before dropping its journal', async () => {
    const file = join(work, 'refused.bin');
    await makeFile(file, 30 * MiB);
    const dataDir = join(work, 'data-refused');
    sb.addFault({ op: 'UploadPart', query: '*partNumber=3&*', status: 400, code: 'InvalidRequest', times: 1 });
    const r = await courier(dataDir, ['upload', file]);
    sb.clearFaults();
    expect(r.code).toBe(33);
    expect(r.stdout).toContain('InvalidRequest');
    expect(journals(dataDir)).toEqual([]);
    expect(await openUploads('refused.bin')).toBe(0);
  });

  it('keeps the journal while the abort fails, and the next run aborts the upload', async () => {
    const file = join(work, 'stranded.bin');
    await makeFile(file, 30 * MiB);
    const dataDir = join(work, 'data-stranded');
    sb.addFault({ op: 'UploadPart', query: '*partNumber=3&*', status: 400, code: 'InvalidRequest', times: 1 });
    sb.addFault({ op: 'AbortMultipartUpload', status: 400, code: 'InvalidRequest' });
    const r = await courier(dataDir, ['upload', file]);
    sb.clearFaults();
    expect(r.code).toBe(33);
    expect(r.stdout).toContain('could not be cleaned up on the storage yet');
    expect(journals(dataDir)).toHaveLength(1);
    expect(await openUploads('stranded.bin')).toBe(1);

    const again = await courier(dataDir, ['upload', file]);
    expect(again.code, again.stdout).toBe(0);
    expect(await openUploads('stranded.bin')).toBe(0);
    expect(journals(dataDir)).toEqual([]);
  });
});

describe('courier jobs submit whose input upload fails for now', () => {
  it('releases the stored parts of the failed input before dropping its run journal', { timeout: 180_000 }, async () => {
    const file = join(work, 'input.bin');
    await makeFile(file, 30 * MiB);
    const dataDir = join(work, 'data-submit');
    // Part 2 is refused with a 503 every time: retried, then failed as retryable, which keeps
    // the multipart upload open for a Retry in the app. The run journal that knows it is dropped
    // when the command ends, so the upload must be aborted first.
    sb.addFault({ op: 'UploadPart', query: '*partNumber=2&*', status: 503, code: 'SlowDown' });
    const r = await courier(dataDir, ['jobs', 'submit', '--template', 'chainer', '--input', file]);
    sb.clearFaults();
    expect(r.stdout).not.toMatch(/: submitted/);
    expect(await openUploads('input.bin')).toBe(0);
    expect(readdirSync(join(dataDir, 'cli-journals')).filter((f) => f.startsWith('run-') && f.endsWith('.db'))).toEqual([]);
  });
});
