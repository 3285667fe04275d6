// A `courier jobs submit` keeps its run journal (run-*.db) when a failed input's multipart upload
// could not be aborted, or when it is killed mid-upload: the journal is the only record of stored
// parts the storage bills for. A later command with the same key finishes such journals in the
// background — but never one a live process still drives. Counted with ListMultipartUploads on
// the sandbox's S3, with real CLI processes.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
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
const children: ChildProcess[] = [];

beforeAll(async () => {
  sb = await startSandbox({ faults: true });
  work = mkdtempSync(join(tmpdir(), 'courier-kept-run-'));
  s3 = s3AdminClient(sb);
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  s3.destroy();
  await sb.stop();
  rmSync(work, { recursive: true, force: true });
});

const cliArgs = (args: string[], box = sb) => [resolve('cli/bin.mjs'), '-X', box.apiUrl, '-p', box.token, ...args];
const cliEnv = (dataDir: string) => ({ ...process.env, COURIER_DATA_DIR: dataDir, COURIER_PART_MIB: '5', COURIER_KEY_STORE: 'memory' });

function courier(dataDir: string, args: string[], box = sb): Promise<{ code: number; stdout: string }> {
  return new Promise((done) => {
    execFile(process.execPath, cliArgs(args, box), { cwd: work, env: cliEnv(dataDir) }, (err, stdout) =>
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout }),
    );
  });
}

async function openUploads(name: string): Promise<number> {
  const r = await s3.send(new ListMultipartUploadsCommand({ Bucket: sb.s3Admin.bucket }));
  return (r.Uploads ?? []).filter((u) => u.Key?.split('/').pop()?.startsWith(`${name}-`)).length;
}

const runJournals = (dataDir: string): string[] => {
  const dir = join(dataDir, 'cli-journals');
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith('run-') && f.endsWith('.db')) : [];
};

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('run journals kept by earlier commands', () => {
  it('are finished by the next command once the storage answers', { timeout: 180_000 }, async () => {
    const file = join(work, 'kept.bin');
    await makeFile(file, 30 * MiB);
    const dataDir = join(work, 'data-kept');
    // Part 2 is refused every time (the input fails for now, its upload kept open for a retry)
    // and the storage refuses the abort: the journal must stay.
    sb.addFault({ op: 'UploadPart', query: '*partNumber=2&*', status: 503, code: 'SlowDown' });
    sb.addFault({ op: 'AbortMultipartUpload', status: 400, code: 'InvalidRequest' });
    const first = await courier(dataDir, ['jobs', 'submit', '--template', 'chainer', '--input', file]);
    sb.clearFaults();
    expect(first.stdout).not.toMatch(/: submitted/);
    expect(runJournals(dataDir), first.stdout).toHaveLength(1);
    expect(await openUploads('kept.bin')).toBe(1);

    // Any command that connects with the key does it (here one that moves nothing).
    const second = await courier(dataDir, ['jobs', 'list']);
    expect(second.code, second.stdout).toBe(0);
    expect(await openUploads('kept.bin')).toBe(0);
    expect(runJournals(dataDir)).toEqual([]);
    expect(readdirSync(join(dataDir, 'cli-journals')).filter((f) => f.startsWith('run-'))).toEqual([]);
  });

  it('leaves the journal of a live run alone, and finishes it after that run was killed', { timeout: 180_000 }, async () => {
    const file = join(work, 'live.bin');
    await makeFile(file, 30 * MiB);
    const dataDir = join(work, 'data-live');
    // Part 2 hangs: the first run stays in its upload, multipart upload open, until killed.
    sb.addFault({ op: 'UploadPart', query: '*partNumber=2&*', latencyMs: 600_000 });
    const live = spawn(process.execPath, cliArgs(['jobs', 'submit', '--template', 'chainer', '--input', file]), {
      cwd: work,
      env: cliEnv(dataDir),
      stdio: 'ignore',
    });
    children.push(live);
    await until('the live run to open its multipart upload', async () => runJournals(dataDir).length === 1 && (await openUploads('live.bin')) === 1);
    const [liveJournal] = runJournals(dataDir);

    const meanwhile = await courier(dataDir, ['jobs', 'list']);
    expect(meanwhile.code, meanwhile.stdout).toBe(0);
    expect(live.exitCode).toBeNull(); // still running
    expect(runJournals(dataDir)).toEqual([liveJournal]);
    expect(await openUploads('live.bin')).toBe(1);

    const gone = new Promise((r) => live.once('exit', r));
    live.kill('SIGKILL');
    await gone;
    sb.clearFaults();
    const after = await courier(dataDir, ['jobs', 'list']);
    expect(after.code, after.stdout).toBe(0);
    expect(await openUploads('live.bin')).toBe(0);
    expect(runJournals(dataDir)).toEqual([]);
  });

  it('are finished when named as before they carried the key id, by the key whose work they hold', { timeout: 240_000 }, async () => {
    const file = join(work, 'old.bin');
    await makeFile(file, 30 * MiB);
    const dataDir = join(work, 'data-old');
    sb.addFault({ op: 'UploadPart', query: '*partNumber=2&*', status: 503, code: 'SlowDown' });
    sb.addFault({ op: 'AbortMultipartUpload', status: 400, code: 'InvalidRequest' });
    const first = await courier(dataDir, ['jobs', 'submit', '--template', 'chainer', '--input', file]);
    sb.clearFaults();
    const kept = runJournals(dataDir)[0] ?? '';
    expect(kept, first.stdout).toMatch(/^run-[0-9a-f]{16}-\d+-\d+\.db$/);
    expect(await openUploads('old.bin')).toBe(1);
    // What a Courier of before wrote: run-<pid>-<ts>.db, and no lock file beside it.
    const dir = join(dataDir, 'cli-journals');
    const [, pid = '', ts = ''] = /^run-[0-9a-f]{16}-(\d+)-(\d+)\.db$/.exec(kept) ?? [];
    rmSync(join(dir, kept.replace(/\.db$/, '.owner')));
    const rename = (from: string, to: string) => {
      for (const suffix of ['', '-wal', '-shm']) if (existsSync(join(dir, from + suffix))) renameSync(join(dir, from + suffix), join(dir, to + suffix));
    };
    const oldName = (p: string) => `run-${p}-${ts}.db`;
    rename(kept, oldName(String(process.pid)));
    const left = () =>
      readdirSync(dir)
        .filter((f) => f.startsWith('run-'))
        .sort();

    // Its pid alive: the run may still be going (it took no lock), so it waits.
    const whileAlive = await courier(dataDir, ['jobs', 'list']);
    expect(whileAlive.code, whileAlive.stdout).toBe(0);
    expect(left()).toEqual([oldName(String(process.pid))]);
    rename(oldName(String(process.pid)), oldName(pid)); // the pid of the run that kept it, ended

    // Another key (another platform's): not its work, left as it is (no lock file made beside it),
    // with a marker that says so, which spares that key opening it again.
    const other = await startSandbox();
    try {
      const foreign = await courier(dataDir, ['jobs', 'list'], other);
      expect(foreign.code, foreign.stdout).toBe(0);
    } finally {
      await other.stop();
    }
    expect(left()).toEqual([oldName(pid), expect.stringMatching(/^run-\d+-\d+\.not-[0-9a-f]{16}$/)]);
    expect(await openUploads('old.bin')).toBe(1);

    const mine = await courier(dataDir, ['jobs', 'list']);
    expect(mine.code, mine.stdout).toBe(0);
    expect(await openUploads('old.bin')).toBe(0);
    expect(left()).toEqual([]);
  });
});
