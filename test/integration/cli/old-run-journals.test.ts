// Run journals named as earlier versions did (`run-<pid>-<ts>.db`, no key id, no lock file), in
// a temp data folder, met by real CLI processes. A command opens such a journal once to learn
// whose it is, then decides from the folder's names: it never opens one it cannot use again,
// drops one with nothing left to finish once it is a day old, and reports (then, after 30 days
// untouched, removes) one that no key can finish. The commands fail on the network (nothing
// listens at -X), which is when the sweep already ran: it starts when the key is known.
import { execFile } from 'node:child_process';
import { hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { Journal } from '../../../main/core/transfer/journal';
import { createAesGcmSealer } from '../../../main/core/transfer/sealer';
import type { ItemRow } from '../../../main/core/transfer/journal-rows';

const work = mkdtempSync(join(tmpdir(), 'courier-old-run-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const KEY = 'old-journals-test-key';
/** The CLI's journal sealer for KEY (cli/context.ts keyMaterial). */
const cliSealerKey = Buffer.from(hkdfSync('sha256', KEY, 'courier-cli-journal', '', 32));
const DAY = 24 * 3600_000;
/** A pid no process has (above Linux's pid_max). */
const DEAD_PID = 4_194_400;

function courier(dataDir: string): Promise<{ code: number; stderr: string }> {
  const args = [resolve('cli/bin.mjs'), '-X', 'http://127.0.0.1:9', '-p', KEY, 'status', '-j', 'abc'];
  const env = { ...process.env, COURIER_DATA_DIR: dataDir, COURIER_KEY_STORE: 'memory' };
  return new Promise((done) => {
    execFile(process.execPath, args, { cwd: work, env }, (err, _stdout, stderr) =>
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}

const item = (state: ItemRow['state'], accountId: string | null): ItemRow => ({
  id: 'i1',
  seq: 1,
  kind: 'upload',
  isBatch: false,
  parentId: null,
  name: 'input.bin',
  localPath: '/tmp/input.bin',
  relDir: null,
  remoteFileId: null,
  folderId: null,
  size: 10 << 20,
  bytesDone: 0,
  state,
  errorCode: null,
  errorMessage: null,
  noticeCode: null,
  noticeMessage: null,
  priority: 0,
  createdAt: Date.now(),
  conflict: null,
  remoteJson: null,
  fileKey: null,
  accountId,
});

/** A journal as the engine writes it; `sealedBy` gives it a multipart upload under way, its file key sealed with that key. */
function writeJournal(path: string, o: { state: ItemRow['state']; account: string | null; sealedBy?: Buffer; ageMs?: number }): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  const j = Journal.open(path, createAesGcmSealer(o.sealedBy ?? randomBytes(32)));
  j.insertItems([item(o.state, o.account)]);
  if (o.sealedBy)
    j.putUpload({
      transferId: 'i1',
      objectKey: 'user/input.bin',
      bucket: 'bucket',
      targetJson: '{}',
      key: randomBytes(32),
      iv: randomBytes(16),
      partSize: 5 << 20,
      fileSize: 10 << 20,
      mtimeMs: 0,
      uploadId: 'upload-1',
      sha512: null,
      phase: 'planned',
    });
  j.close();
  age(path, o.ageMs ?? 2 * DAY);
}

function age(path: string, ms: number): void {
  const t = new Date(Date.now() - ms);
  utimesSync(path, t, t);
}

describe('old-named run journals', () => {
  it('are opened once per key, dropped when nothing is left to finish, reported when no key can finish them', { timeout: 60_000 }, async () => {
    const dataDir = join(work, 'data');
    const dir = join(dataDir, 'cli-journals');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const at = (name: string) => join(dir, name);
    // Another key's upload under way: never this key's to finish.
    writeJournal(at(`run-${DEAD_PID}-1.db`), { state: 'failed', account: null, sealedBy: randomBytes(32) });
    // Nothing left to finish (all settled, nothing sealed, no account), two days old: goes.
    writeJournal(at(`run-${DEAD_PID}-2.db`), { state: 'done', account: null });
    // The same, an hour old: waits (a run elsewhere may still be starting).
    writeJournal(at(`run-${DEAD_PID}-3.db`), { state: 'done', account: null, ageMs: 3600_000 });
    // Unfinished, but nothing in it says whose: reported once, kept.
    writeJournal(at(`run-${DEAD_PID}-4.db`), { state: 'queued', account: null });
    // Nothing to finish, but its process is alive: waits.
    writeJournal(at(`run-${process.pid}-5.db`), { state: 'done', account: null });
    const first = await courier(dataDir);
    expect(first.code, first.stderr).toBe(33);
    const names = () => readdirSync(dir).sort();
    const marker = names().find((n) => n.startsWith(`run-${DEAD_PID}-1.not-`));
    expect(marker).toMatch(/^run-\d+-1\.not-[0-9a-f]{16}$/);
    expect(names()).toEqual(
      [`run-${DEAD_PID}-1.db`, marker!, `run-${DEAD_PID}-3.db`, `run-${DEAD_PID}-4.db`, `run-${DEAD_PID}-4.unclaimed`, `run-${process.pid}-5.db`].sort(),
    );
    expect(first.stderr).toContain(`Note: ${at(`run-${DEAD_PID}-4.db`)} was left by an earlier Courier`);

    // The foreign journal is not opened again: had it been, this key's sealed upload now in its
    // place would be taken up to be finished (a lock file beside it, as for any journal it finishes).
    writeJournal(at(`run-${DEAD_PID}-1.db`), { state: 'failed', account: null, sealedBy: cliSealerKey });
    // (A command opens 4 at most; the others wait for the next.) Written before journals recorded accounts and sealed keys (no such columns), settled: goes.
    const legacy = new Database(at(`run-${DEAD_PID}-6.db`));
    legacy.exec(
      "CREATE TABLE transfers (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, kind TEXT NOT NULL, is_batch INTEGER NOT NULL, state TEXT NOT NULL); INSERT INTO transfers VALUES ('a', 1, 'upload', 0, 'done')",
    );
    legacy.close();
    age(at(`run-${DEAD_PID}-6.db`), 2 * DAY);

    const second = await courier(dataDir);
    expect(second.code, second.stderr).toBe(33);
    expect(second.stderr).not.toContain('Note:');
    expect(names()).toEqual(
      [`run-${DEAD_PID}-1.db`, marker!, `run-${DEAD_PID}-3.db`, `run-${DEAD_PID}-4.db`, `run-${DEAD_PID}-4.unclaimed`, `run-${process.pid}-5.db`].sort(),
    );

    // 30 days untouched, the unclaimed one goes, with its marker; a day old, the settled one goes.
    age(at(`run-${DEAD_PID}-4.db`), 31 * DAY);
    age(at(`run-${DEAD_PID}-3.db`), 2 * DAY);
    const third = await courier(dataDir);
    expect(third.code, third.stderr).toBe(33);
    expect(names()).toEqual([`run-${DEAD_PID}-1.db`, marker!, `run-${process.pid}-5.db`].sort());
    expect(existsSync(at(`run-${DEAD_PID}-1.owner`))).toBe(false);
  });
});
