// The Jobs badge (tray, Jobs tab): how many jobs run and how many wait, every account together.
// It is asked on every job event and whenever another process changes jobs.db, so it counts in
// SQLite (two grouped statements on indexed columns) and never reads a submission or a job whole.
import type { Db } from './db';
import type { OutboxStore } from './outbox-store';
import { isUnderWay } from './status';
import type { TrackedStore } from './tracked-store';

export interface BadgeCounts {
  /** Unfinished jobs from Started on (machines up). */
  running: number;
  /** Unfinished jobs not started yet (Pending, the queues), and launches still in the outbox. */
  queued: number;
}

/**
 * Both statements read one snapshot (a read transaction): another process moves a submission to
 * submitted and records its job in one commit, so reading them apart could count that job twice
 * or not at all.
 */
export function badgeCounts(db: Db, tracked: TrackedStore, store: OutboxStore): BadgeCounts {
  return db.transaction(() => {
    let running = 0;
    let waiting = 0;
    // Per status word, not per job: the words are few, so classifying them in JS costs nothing.
    for (const g of tracked.activeByStatus()) {
      if (isUnderWay(g.status)) running += g.n;
      else waiting += g.n;
    }
    return { running, queued: waiting + store.openCount() };
  })();
}
