// `courier upload BIG` killed with SIGKILL mid-transfer, then run again at once, as a user
// would: the new run is not told "already running" (the lock died with its process), it
// resumes, and it reports the bytes it really skipped, in the JSON and in the human summary.
// A second live copy of the same command is still refused.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { ListPartsCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox';
import type { FaultRule } from '../../../sandbox/control/faults';
import { makeFile } from '../../support/transfer-env';
import { s3AdminClient } from '../../support/storage-kinds';

const MiB = 1 << 20;
const PART = 5 * MiB;
const SIZE = 8 * PART;
const HELD = 3; // parts the storage accepts before the kill
let sb: RunningSandbox;
let work: string;
let s3: S3Client;

beforeAll(async () => {
  sb = await startSandbox({ faults: true });
  work = mkdtempSync(join(tmpdir(), 'courier-crash-cli-'));
  s3 = s3AdminClient(sb);
});
afterAll(async () => {
  s3.destroy();
  await sb.stop();
  rmSync(work, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function courier(dataDir: string, args: string[]): Run {
  const child = spawn(process.execPath, [resolve('cli/bin.mjs'), '-X', sb.apiUrl, '-p', sb.token, ...args], {
    cwd: work,
    env: { ...process.env, COURIER_DATA_DIR: dataDir, COURIER_PART_MIB: '5', COURIER_KEY_STORE: 'memory' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((ok) => child.once('exit', (code) => ok({ code, stdout, stderr })));
  return { child, done };
}

interface Journaled {
  uploadId: string;
  objectKey: string;
  parts: number[];
}

function readJournal(dir: string): Journaled | null {
  const file = existsSync(dir) ? readdirSync(dir).find((f) => /^[0-9a-f]{24}\.db$/.test(f)) : undefined;
  if (!file) return null;
  const db = new Database(join(dir, file), { fileMustExist: true, timeout: 1000 });
  try {
    const up = db.prepare('SELECT upload_id, object_key FROM uploads').get() as { upload_id: string | null; object_key: string } | undefined;
    const parts = (db.prepare('SELECT part_no FROM upload_parts WHERE etag IS NOT NULL ORDER BY part_no').all() as { part_no: number }[]).map((r) => r.part_no);
    return up?.upload_id ? { uploadId: up.upload_id, objectKey: up.object_key, parts } : null;
  } catch {
    return null; // not created yet
  } finally {
    db.close();
  }
}

/**
 * Resolves once the storage holds parts 1..n of some upload and has refused part n+1 a few times
 * (so the client has long since journaled the first n). Polled: nothing crosses the process
 * boundary as an event, and reading the journal while the CLI writes it disturbs its WAL.
 */
async function storedParts(n: number, refusals: FaultRule): Promise<string> {
  for (;;) {
    const st = sb.stats();
    const hit = Object.entries(st.uploadParts).find(([, parts]) => Array.from({ length: n }, (_, i) => parts[String(i + 1)] === 1).every(Boolean));
    if (hit && refusals.hits >= 3) return hit[0];
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts `courier upload` on a new file, lets the storage take parts 1-3 only, checks a second copy is refused, then kill -9. */
async function crashMidUpload(name: string, json: boolean): Promise<{ dataDir: string; journaled: Journaled; file: string; args: string[] }> {
  const dataDir = join(work, `data-${name}`);
  const journals = join(dataDir, 'cli-journals');
  mkdirSync(journals, { recursive: true, mode: 0o700 });
  const file = join(work, name);
  await makeFile(file, SIZE);
  sb.clearFaults();
  const refusals = sb.addFault({ op: 'UploadPart', query: `*partNumber=[${HELD + 1}-8]&*`, status: 503, code: 'SlowDown' }) as FaultRule;
  const args = [...(json ? ['--json'] : []), 'upload', file];
  const first = courier(dataDir, args);
  await Promise.race([storedParts(HELD, refusals), first.done.then((r) => Promise.reject(new Error(`exited early: ${r.stdout}${r.stderr}`)))]);
  // A second live copy of the same command is refused while the first one runs.
  const second = await courier(dataDir, args).done;
  expect(second.code).toBe(33);
  expect(second.stdout).toContain('already running in another courier process');

  first.child.kill('SIGKILL');
  await first.done;
  sb.clearFaults();
  const journaled = readJournal(journals);
  if (!journaled) throw new Error('the killed run left no journal');
  return { dataDir, journaled, file, args };
}

async function heldByStorage(j: Journaled): Promise<number[]> {
  const r = await s3.send(new ListPartsCommand({ Bucket: sb.s3Admin.bucket, Key: j.objectKey, UploadId: j.uploadId }));
  return (r.Parts ?? []).map((p) => p.PartNumber as number).sort((x, y) => x - y);
}

describe('courier upload after kill -9', () => {
  it('resumes at once and reports the parts the storage already held as bytesResumed (JSON)', async () => {
    const c = await crashMidUpload('big-json.bin', true);
    expect(c.journaled.parts).toEqual([1, 2, 3]); // what the journal knows
    expect(await heldByStorage(c.journaled)).toEqual([1, 2, 3]); // what the storage holds

    const again = await courier(c.dataDir, c.args).done;
    expect(again.stdout).not.toContain('already running');
    expect(again.code, again.stdout + again.stderr).toBe(0);
    const result = JSON.parse(again.stdout.trim().split('\n').at(-1) ?? '{}') as { success: boolean; bytesResumed: number; bytesSent: number };
    expect(result).toMatchObject({ success: true, bytesResumed: HELD * PART, bytesSent: SIZE - HELD * PART });
    const perPart = sb.stats().uploadParts[c.journaled.uploadId] ?? {};
    for (const p of c.journaled.parts) expect({ part: p, sent: perPart[String(p)] }).toEqual({ part: p, sent: 1 });
  });

  it('says so in the human summary too', async () => {
    const c = await crashMidUpload('big-human.bin', false);
    const again = await courier(c.dataDir, c.args).done;
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toContain('Resuming 1 unfinished transfer(s) from an earlier run');
    expect(again.stdout).toContain(`Uploaded 1 file(s): 25.0 MiB transferred, 15.0 MiB resumed from an earlier run`);
  });
});

describe('courier upload stopped with Ctrl-C', () => {
  it('pauses: exit 130 and no ERROR line; the same command resumes it', async () => {
    const dataDir = join(work, 'data-sigint');
    const file = join(work, 'interrupted.bin');
    await makeFile(file, SIZE);
    sb.clearFaults();
    const refusals = sb.addFault({ op: 'UploadPart', query: `*partNumber=[${HELD + 1}-8]&*`, status: 503, code: 'SlowDown' }) as FaultRule;
    const first = courier(dataDir, ['upload', file]);
    await Promise.race([storedParts(HELD, refusals), first.done.then((r) => Promise.reject(new Error(`exited early: ${r.stdout}${r.stderr}`)))]);
    first.child.kill('SIGINT');
    const stopped = await first.done;
    sb.clearFaults();
    expect(stopped.code, stopped.stdout + stopped.stderr).toBe(130);
    expect(stopped.stdout).toContain('Upload paused; run the same command again to resume where it stopped.');
    expect(stopped.stdout).not.toContain('ERROR');

    const again = await courier(dataDir, ['upload', file]).done;
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(/Uploaded 1 file\(s\): [\d.]+ MiB transferred, 15\.0 MiB resumed from an earlier run/);
  });
});
