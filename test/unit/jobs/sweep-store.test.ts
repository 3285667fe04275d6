// Sweeps in jobs.db as two processes see them (two connections on one database file), and the
// "goes out in" times, measured from when rows really went out.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { openJobsDb } from '../../../main/core/jobs/db';
import { OutboxStore } from '../../../main/core/jobs/outbox-store';
import { SweepStore } from '../../../main/core/jobs/sweep-store';
import { etas } from '../../../main/core/jobs/sweep-view';
import { chainer, chainerSubmission } from '../../support/chainer-submission';

function open(path: string, now: () => number = Date.now) {
  const db = openJobsDb(path);
  const outbox = new OutboxStore(db, now);
  return { db, outbox, sweeps: new SweepStore(db, outbox, now) };
}

function submission(accountId = 'acc') {
  return chainerSubmission(accountId);
}

function sweep(id: string, name: string, rows: number) {
  const record = { id, accountId: 'acc', name, template: chainer, columns: ['seed'], inputs: [], fingerprint: 'same-rows' };
  return { record, rows: Array.from({ length: rows }, (_, i) => ({ row: i + 1, values: { seed: String(i + 1) }, submission: submission() })) };
}

describe('two processes launching the same sweep at the same instant', () => {
  test("the one that writes second gets the first one's sweep back, not a UNIQUE constraint error, and queues nothing", () => {
    const path = join(mkdtempSync(join(tmpdir(), 'courier-sweeps-')), 'jobs.db');
    const app = open(path);
    const cli = open(path);
    // Both looked the name up before either wrote (both found nothing); then each writes its rows.
    expect(app.sweeps.byName('acc', 'lr-seed')).toBeNull();
    expect(cli.sweeps.byName('acc', 'lr-seed')).toBeNull();
    const a = sweep('sweep-app', 'lr-seed', 5);
    const b = sweep('sweep-cli', 'lr-seed', 5);
    const first = app.sweeps.create(a.record, a.rows);
    const second = cli.sweeps.create(b.record, b.rows);
    expect(first).toMatchObject({ created: true, sweep: { id: 'sweep-app' } });
    expect(second).toMatchObject({ created: false, sweep: { id: 'sweep-app', fingerprint: 'same-rows' } });
    // Nothing of the second launch was written: five submissions, all the first's.
    expect(
      cli.outbox
        .list()
        .map((s) => s.id)
        .sort(),
    ).toEqual(a.rows.map((r) => r.submission.id).sort());
    expect(cli.sweeps.rows('sweep-app')).toHaveLength(5);
    expect(cli.sweeps.get('sweep-cli')).toBeNull();
  });
});

describe('when waiting rows go out', () => {
  test('measured from the rows really submitted (by their submission time), not from the newest queued rows', () => {
    let now = 1_000_000;
    const { outbox } = open(join(mkdtempSync(join(tmpdir(), 'courier-sweeps-')), 'jobs.db'), () => now);
    // Six rows went out 10 s apart: slower than the budget's 5 a second (creates and uploads take time).
    for (let i = 0; i < 6; i++) {
      const s = outbox.insert(submission());
      now += 10_000;
      expect(outbox.userUpdate(s.id, { state: 'submitted', jobId: `job-${i}` }, ['queued'])).toBe(true);
    }
    // Then a large sweep's rows were queued: far more than 40, all with a higher seq.
    const queued = Array.from({ length: 100 }, () => outbox.insert(submission()));
    const eta = etas(outbox, 'acc', 5, now);
    expect(eta.get(queued[0]!.id)).toBe(0);
    expect(eta.get(queued[1]!.id)).toBe(10);
    expect(eta.get(queued[10]!.id)).toBe(100);
    expect(eta.get(queued[99]!.id)).toBe(990);
    // Another account's rows are not this account's pace, nor in its queue.
    expect(etas(outbox, 'other', 5, now).size).toBe(0);
  });

  test('with no run of recent submissions to measure, the budget sets the pace', () => {
    const now = 2_000_000;
    const { outbox } = open(join(mkdtempSync(join(tmpdir(), 'courier-sweeps-')), 'jobs.db'), () => now);
    const queued = Array.from({ length: 11 }, () => outbox.insert(submission()));
    expect(etas(outbox, 'acc', 5, now).get(queued[10]!.id)).toBe(2);
  });
});
