import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { stagingSlot, sweepStaged } from '../../../main/core/jobs/archive-inputs';
import { openJobsDb } from '../../../main/core/jobs/db';
import { newOwner, type LeaseOwner } from '../../../main/core/jobs/lease';
import { OutboxStore, type Submission } from '../../../main/core/jobs/outbox-store';
import { findPreset } from '../../../main/core/jobs/presets';
import { launchItems, resolveLaunch } from '../../../main/core/jobs/payload';

/**
 * A claim worker (test/support/jobs-claim-worker.ts): `ready` resolves once it has opened the
 * database, `go()` starts it, `sent` is the ids it sent.
 */
function claimWorker(dbPath: string): { ready: Promise<void>; go: () => void; sent: Promise<string[]> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/jobs-claim-worker.ts', dbPath], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (onReady = r));
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString('utf8');
    if (out.startsWith('ready\n')) onReady();
  });
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const sent = new Promise<string[]>((ok, fail) =>
    child.on('close', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code === 0 && out.startsWith('ready\n')) ok(JSON.parse(last) as string[]);
      else fail(new Error(`claim worker exited with ${code}: ${err || out}`));
    }),
  );
  sent.catch(() => onReady()); // a worker that died before "ready" fails the test through `sent`
  return { ready, go: () => child.stdin.end('go\n'), sent };
}
const chainer = findPreset('chainer')!;

function fresh(now: () => number = Date.now) {
  const path = join(mkdtempSync(join(tmpdir(), 'courier-outbox-')), 'jobs.db');
  return { path, store: new OutboxStore(openJobsDb(path), now) };
}

let n = 0;
function add(store: OutboxStore, accountId = 'acc'): Submission {
  const launch = resolveLaunch(chainer, { inputs: launchItems(chainer, [{ fileId: 'F1', name: 'run.sh' }]), values: {} });
  n++;
  return store.insert({
    id: `sub-${n}-${Math.random()}`,
    accountId,
    templateId: 'chainer',
    templateName: chainer.name,
    jobName: launch.jobName,
    marker: `cr-${n}`,
    launch,
    source: { template: chainer, inputs: [{ fileId: 'F1', name: 'run.sh' }], values: {} },
    inputs: [{}],
    options: { outputFilters: ['*.log'], autoDownload: true, outputFolder: '', notify: 'all' },
  });
}

describe('the outbox store', () => {
  test('the database file is private (0600)', () => {
    const { path } = fresh();
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  test("a process claims only the submissions of accounts it can act for (a CLI's -p key is not the app's)", () => {
    const { store } = fresh();
    const cli = add(store, 'key-from-the-command-line');
    const app = add(store, 'stored-account');
    const appServes = (id: string) => id === 'stored-account';
    // The app skips the CLI's submission (before, it claimed it and failed it: "That account no longer exists").
    expect(store.claimNext(newOwner(), 60_000, appServes).claimed?.id).toBe(app.id);
    expect(store.claimNext(newOwner(), 60_000, appServes).claimed).toBeNull();
    expect(store.claimNext(newOwner(), 60_000, (id) => id === 'key-from-the-command-line').claimed?.id).toBe(cli.id);
  });

  test('work is claimed in launch order per account; later ones wait their turn', () => {
    const { store } = fresh();
    const a1 = add(store, 'A');
    const a2 = add(store, 'A');
    const b1 = add(store, 'B');
    const me = newOwner();
    expect(store.claimNext(me, 60_000).claimed?.id).toBe(a1.id);
    const other = newOwner();
    // A's head is leased by me; A's second must not jump the queue; B's head is free.
    expect(store.claimNext(other, 60_000).claimed?.id).toBe(b1.id);
    expect(store.claimNext(newOwner(), 60_000).claimed).toBeNull();
    expect(store.update(a1, me, { state: 'submitted' })).toBe(true);
    store.release(a1.id, me);
    expect(store.claimNext(other, 60_000).claimed?.id).toBe(a2.id);
  });

  test("past list()'s page of 500: an account's oldest open row, and every open row in order", () => {
    const { store } = fresh();
    const first = add(store, 'A');
    const b = add(store, 'B'); // another account's row between: not A's
    const rest = Array.from({ length: 600 }, () => add(store, 'A'));
    store.userUpdate(first.id, { state: 'cancelled' }, ['queued']); // no longer open: the next one heads the queue
    const head = rest[0]!;
    expect(store.list({ open: true }).length).toBe(500); // the page: the newest rows only, head not among them
    expect(store.oldestOpen('A')?.id).toBe(head.id);
    expect(store.oldestOpen('B')?.id).toBe(b.id);
    expect(store.oldestOpen('nobody')).toBeNull();
    expect(store.openQueue('A').map((x) => x.id)).toEqual(rest.map((x) => x.id));
  });

  test("the jobs list's outbox: every open row of the account, and only recent failures, however many rows are newer", () => {
    let now = 1_000_000;
    const { store } = fresh(() => now);
    const open = add(store, 'A'); // still waiting, behind everything below
    const oldFailure = add(store, 'A');
    store.userUpdate(oldFailure.id, { state: 'cancelled' }, ['queued']);
    now += 2 * 86_400_000;
    const recentFailure = add(store, 'A');
    store.userUpdate(recentFailure.id, { state: 'cancelled' }, ['queued']);
    for (let i = 0; i < 550; i++) expect(store.userUpdate(add(store, 'A').id, { state: 'submitted' }, ['queued'])).toBe(true);
    for (let i = 0; i < 550; i++) add(store, 'B'); // another account's newer, open rows
    const since = now - 86_400_000;
    expect(store.forJobsList('A', since).map((x) => x.id)).toEqual([recentFailure.id, open.id]);
    expect(store.forJobsList('B', since)).toHaveLength(500);
  });

  test('a lease expires; a lease of a dead process on this machine is free at once', () => {
    let now = 1_000_000;
    const { store } = fresh(() => now);
    const s = add(store);
    const me = newOwner();
    expect(store.claimNext(me, 10_000).claimed?.id).toBe(s.id);
    const other = newOwner();
    expect(store.claimNext(other, 10_000).claimed).toBeNull();
    now += 10_001;
    expect(store.claimNext(other, 10_000).claimed?.id).toBe(s.id);
    // The previous holder lost it: its updates no longer apply.
    expect(store.update(s, me, { state: 'creating' })).toBe(false);
    expect(store.update(store.get(s.id)!, other, { state: 'submitted' })).toBe(true);
    store.release(s.id, other);

    const dead: LeaseOwner = { id: 'dead', host: other.host, pid: 2 ** 22 + 12345 };
    const t = add(store, 'other-account');
    expect(store.claimNext(dead, 60_000).claimed?.id).toBe(t.id);
    expect(store.claimNext(other, 60_000).claimed?.id).toBe(t.id);
  });

  test('a user edit invalidates the copy a worker holds; a cancel wins over a worker', () => {
    const { store } = fresh();
    const s = add(store);
    const me = newOwner();
    const held = store.claimNext(me, 60_000).claimed!;
    expect(store.userUpdate(s.id, { jobName: 'renamed' }, ['queued', 'uploading'])).toBe(true);
    expect(store.update(held, me, { state: 'creating' }, ['queued'])).toBe(false);
    const again = store.get(s.id)!;
    expect(store.update(again, me, { state: 'uploading' }, ['queued'])).toBe(true);
    expect(store.userUpdate(s.id, { state: 'cancelled' }, ['queued', 'uploading'])).toBe(true);
    expect(store.update(store.get(s.id)!, me, { state: 'creating' }, ['queued', 'uploading'])).toBe(false);
    expect(store.get(s.id)?.state).toBe('cancelled');
    // Nothing sent yet is editable; once creating, the user cannot change it.
    const u = add(store, 'x');
    const h2 = store.claimNext(me, 60_000).claimed!;
    expect(h2.id).toBe(u.id);
    expect(store.update(h2, me, { state: 'creating' })).toBe(true);
    expect(store.userUpdate(u.id, { state: 'cancelled' }, ['queued', 'uploading'])).toBe(false);
  });

  test('retry times are kept, and the connection coming back wakes what waited for it', () => {
    let now = 5_000;
    const { store } = fresh(() => now);
    const s = add(store);
    const me = newOwner();
    store.claimNext(me, 60_000);
    store.update(s, me, { waiting: 'connection', nextAttemptAt: now + 60_000 });
    store.release(s.id, me);
    const r = store.claimNext(me, 60_000);
    expect(r.claimed).toBeNull();
    expect(r.wakeAt).toBe(65_000);
    expect(store.wakeWaitingForConnection()).toBe(1);
    expect(store.claimNext(me, 60_000).claimed?.id).toBe(s.id);
    now += 1;
  });

  test('two processes claiming from one jobs.db never send the same submission', async () => {
    const { path, store } = fresh();
    const ids = Array.from({ length: 60 }, (_, i) => add(store, `acc-${i % 30}`).id);
    // Both start together once both have booted (a slow start must not let one send everything).
    const workers = [claimWorker(path), claimWorker(path)];
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.go();
    const [sentA, sentB] = (await Promise.all(workers.map((w) => w.sent))) as [string[], string[]];
    expect(sentA.filter((id) => sentB.includes(id))).toEqual([]);
    expect([...sentA, ...sentB].sort()).toEqual([...ids].sort());
    expect(sentA.length).toBeGreaterThan(0);
    expect(sentB.length).toBeGreaterThan(0);
  }, 120_000); // two Node processes boot through tsx: slow on a loaded machine
});

describe('archives staged for folder inputs', () => {
  test('with more open submissions than a list holds, the oldest (the next to go out) keeps its archive; ended ones lose theirs', async () => {
    const { store } = fresh();
    const subs = Array.from({ length: 600 }, () => add(store));
    const [oldest, cancelled, sent] = [subs[0]!, subs[1]!, subs[2]!];
    const newest = subs.at(-1)!;
    expect(store.userUpdate(cancelled.id, { state: 'cancelled' }, ['queued'])).toBe(true);
    expect(store.userUpdate(sent.id, { state: 'submitted', jobId: 'job-sent' }, ['queued'])).toBe(true);
    const stagingDir = mkdtempSync(join(tmpdir(), 'courier-staging-'));
    const kept = [stagingSlot(oldest.id, 0), stagingSlot(newest.id, 1)];
    for (const slot of [...kept, stagingSlot(cancelled.id, 0), stagingSlot(sent.id, 0), stagingSlot('gone', 0)]) {
      mkdirSync(join(stagingDir, slot, 'a1b2c3d4'), { recursive: true });
      writeFileSync(join(stagingDir, slot, 'a1b2c3d4', 'inputs.zip'), 'zip');
    }
    await sweepStaged({ stagingDir }, store);
    expect(readdirSync(stagingDir).sort()).toEqual([...kept].sort());
  });
});
