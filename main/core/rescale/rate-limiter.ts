import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { lockFile } from '../file-lock';
import type { Scope, ScopeBudget } from './scopes';

interface BucketState {
  /** GCRA "theoretical arrival time" (epoch ms): when the bucket is next fully drained. */
  tat: number;
  /** After a 429, nobody in any process sends in this scope before this time. */
  blockedUntil: number;
}

export interface RateLimiter {
  /** Waits for a slot in the scope; rejects if the signal aborts. */
  acquire(scope: Scope, signal?: AbortSignal): Promise<void>;
  /** A 429 arrived: hold the whole scope (all processes) until `untilMs`. */
  block(scope: Scope, untilMs: number): Promise<void>;
  /** Requests a second the scope's budget allows (progress ETAs); absent: no limit. */
  pace?(scope: Scope): number;
}

/**
 * One limiter per platform+account and scope, shared by every part of the app AND by other
 * Courier processes on the machine (the desktop app, CLI runs, the web host): the bucket lives
 * in a small state file under the data folder, updated under a lock (proper-lockfile).
 * Each acquire reserves a slot with GCRA arithmetic in one locked read-modify-write, then
 * sleeps outside the lock — no polling, no thundering herd.
 */
export class SharedRateLimiter implements RateLimiter {
  private readonly dir: string;
  private readonly local = new Map<Scope, Promise<unknown>>();

  constructor(
    stateDir: string,
    partition: string,
    private readonly budgets: Record<Scope, ScopeBudget>,
    private readonly now: () => number = Date.now,
  ) {
    this.dir = join(stateDir, createHash('sha256').update(partition).digest('hex').slice(0, 24));
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  private file(scope: Scope): string {
    const f = join(this.dir, `${scope}.json`);
    if (!existsSync(f)) {
      try {
        writeFileSync(f, JSON.stringify({ tat: 0, blockedUntil: 0 }), { mode: 0o600, flag: 'wx' });
      } catch {
        // Another process created it first.
      }
    }
    return f;
  }

  private async locked<T>(scope: Scope, fn: (s: BucketState) => { next: BucketState; result: T }): Promise<T> {
    // Serialize within the process first, so the file lock only arbitrates between processes.
    const prev = this.local.get(scope) ?? Promise.resolve();
    const run = prev
      .catch(() => undefined)
      .then(async () => {
        const file = this.file(scope);
        const release = await lockFile(file);
        try {
          let state: BucketState = { tat: 0, blockedUntil: 0 };
          try {
            state = { ...state, ...(JSON.parse(readFileSync(file, 'utf8')) as Partial<BucketState>) };
          } catch {
            // A torn or empty file: start from an empty bucket.
          }
          const { next, result } = fn(state);
          const tmp = `${file}.${process.pid}.tmp`;
          writeFileSync(tmp, JSON.stringify(next), { mode: 0o600 });
          renameSync(tmp, file);
          return result;
        } finally {
          await release();
        }
      });
    this.local.set(scope, run);
    return run;
  }

  async acquire(scope: Scope, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const { ratePerSecond, burst } = this.budgets[scope];
    const interval = 1000 / ratePerSecond;
    const tolerance = (burst - 1) * interval;
    const startAt = await this.locked(scope, (s) => {
      const now = this.now();
      const earliest = Math.max(now, s.blockedUntil, s.tat - tolerance);
      const tat = Math.max(s.tat, earliest) + interval;
      return { next: { ...s, tat }, result: earliest };
    });
    const wait = startAt - this.now();
    if (wait > 0) await sleep(wait, undefined, signal ? { signal } : undefined);
  }

  pace(scope: Scope): number {
    return this.budgets[scope].ratePerSecond;
  }

  async block(scope: Scope, untilMs: number): Promise<void> {
    await this.locked(scope, (s) => ({ next: { blockedUntil: Math.max(s.blockedUntil, untilMs), tat: Math.max(s.tat, untilMs) }, result: undefined }));
  }
}
