// The journal's write batching, apart from what it writes: statements cached per SQL text,
// writes queued and committed together in one transaction every 50 ms (better-sqlite3 is
// synchronous, so a commit per write of 10,000 small files would stall the main loop), and
// commit() for the few marks that must be durable before a non-idempotent step.
import type Database from 'better-sqlite3';

const BATCH_MS = 50;

export abstract class JournalBatch {
  private pending: (() => void)[] = [];
  /** Items with writes still queued: a read about one of them commits first. */
  private readonly pendingIds = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  /** When the last transaction was written (performance.now()); -Infinity before the first. */
  private lastFlushAt = -Infinity;
  private readonly stmts = new Map<string, Database.Statement>();
  /** Callers of commit() waiting for the next batched flush. */
  private waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];

  protected constructor(protected readonly db: Database.Database) {}

  /** The batch is about to be written: whatever the subclass merged into it is final now. */
  protected abstract batchClosed(): void;

  protected stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  /** Queues a write; it is committed with others within BATCH_MS (or at the next flush()). */
  protected later(id: string, fn: () => void): void {
    // A state change that lands after close() (an empty folder's item finishing as the run ends)
    // has no database to go to; a timer flushing into a closed one would end the process.
    if (!this.db.open) return;
    this.pending.push(fn);
    this.pendingIds.add(id);
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), BATCH_MS);
    }
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const waiters = this.waiters;
    this.waiters = [];
    if (this.pending.length === 0) {
      for (const w of waiters) w.resolve();
      return;
    }
    const work = this.pending;
    this.pending = [];
    this.pendingIds.clear();
    this.batchClosed();
    this.lastFlushAt = performance.now();
    try {
      this.db.transaction(() => {
        for (const w of work) w();
      })();
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      for (const w of waiters) w.reject(err);
      throw err;
    }
    for (const w of waiters) w.resolve();
  }

  /**
   * Resolves once everything queued so far is committed: by the next batched flush (at most
   * BATCH_MS away), so the marks that must precede a non-idempotent call (registrations of many
   * small files, downloads about to be renamed) share one transaction with all other writes
   * instead of costing one each. Callers do not hold a file slot or an API slot meanwhile.
   *
   * After a quiet spell (no transaction for BATCH_MS) the flush comes at the next turn instead:
   * such a commit is alone (one file's rename or registration, the last of a run), and it made
   * every single-file command wait up to 50 ms for nothing. In a stream of commits (a folder of
   * small files) the first flushes at once and the rest still share one transaction per BATCH_MS.
   */
  commit(): Promise<void> {
    if (this.pending.length === 0) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (performance.now() - this.lastFlushAt >= BATCH_MS) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.flush(), 0);
    }
    return done;
  }

  /** Commits queued writes if any concern `id` (reads of other items need not wait). */
  protected flushFor(id: string): void {
    if (this.pendingIds.has(id)) this.flush();
  }

  close(): void {
    this.flush();
    this.db.close();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
