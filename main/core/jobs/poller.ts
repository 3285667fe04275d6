// One background poller for every watched job. Each job has its own due time (fast after a
// change, slower while it sits; backoff on errors); the poller as a whole keeps to its own small
// share of the jobs scope (Pacer), and when many jobs are due it reads the jobs list (one
// request for up to 100 statuses) and fetches full histories only for jobs that changed.
// Paused while offline (one probe now and then) and while the machine sleeps.
import { CourierError } from '../../../shared/errors';
import type { JobStatusItem } from '../../../shared/jobs';
import type { Connectivity } from '../net/connectivity';
import type { RescaleApi } from '../rescale/api';
import { jobsPage } from './jobs-list';
import { nextDelayMs, Pacer, type PollState, type PollTiming } from './poll-schedule';
import { isTerminal, outcomeOf, sameHistory, toHistory } from './status';
import type { TrackedJob, TrackedStore } from './tracked-store';

interface Entry {
  accountId: string;
  jobId: string;
  status: string;
  history: JobStatusItem[];
  dueAt: number;
  state: PollState;
  inflight: boolean;
  /** Poll this one by itself next (the list showed a new status, or does not show the job). */
  direct: boolean;
}

export interface PollerDeps {
  tracked: TrackedStore;
  apiFor(accountId: string): Promise<RescaleApi>;
  /** Accounts this process can act for; other processes' jobs in a shared data folder are theirs to poll. */
  serves?(accountId: string): boolean;
  connectivity: Connectivity;
  timing(): PollTiming;
  /** After every poll that changed something (and the row is saved). */
  onUpdate(job: TrackedJob, previous: { status: string; outcome: TrackedJob['outcome'] }): void;
  onGone?(accountId: string, jobId: string): void;
  /** After every poll of a job that is still running, changed or not (the walltime guards look then). */
  onPolled?(accountId: string, jobId: string): void;
  requestsPerSecond?: number;
  burst?: number;
  /** Due jobs of one account from which a list sweep pays off. */
  sweepThreshold?: number;
  offlineProbeMs?: number;
  now?: () => number;
}

/** apiFor failed: a problem with the account here, not with the job on the platform. */
class AccountUnavailable extends CourierError {
  constructor(cause: unknown) {
    super(cause instanceof CourierError ? cause.code : 'internal', cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

const key = (accountId: string, jobId: string) => `${accountId}\n${jobId}`;
const SWEEP_PAGE = 100;

export class StatusPoller {
  private readonly entries = new Map<string, Entry>();
  private readonly pacer: Pacer;
  private timer: NodeJS.Timeout | null = null;
  private paused = false;
  private closed = false;
  /** Sweeps and history reads under way: close() waits for them, so none lands after the database closed. */
  private readonly running = new Set<Promise<void>>();
  private holdUntil = 0;
  private lastProbe = 0;
  private readonly offConnectivity: () => void;
  /** Requests made, by kind (tests and diagnostics). */
  readonly requests = { statuses: 0, list: 0 };

  constructor(private readonly d: PollerDeps) {
    this.pacer = new Pacer(d.requestsPerSecond ?? 3, d.burst ?? 6, this.now);
    this.offConnectivity = d.connectivity.onChange((online) => online && this.dueAllNow());
  }

  private readonly now = (): number => (this.d.now ?? Date.now)();

  get size(): number {
    return this.entries.size;
  }

  start(): void {
    for (const j of this.d.tracked.active()) this.track(j);
  }

  track(j: Pick<TrackedJob, 'accountId' | 'jobId' | 'status' | 'history'>, dueAt = this.now()): void {
    if (this.closed || (this.d.serves && !this.d.serves(j.accountId))) return;
    const k = key(j.accountId, j.jobId);
    const e = this.entries.get(k);
    if (e) e.dueAt = Math.min(e.dueAt, dueAt);
    else
      this.entries.set(k, {
        accountId: j.accountId,
        jobId: j.jobId,
        status: j.status,
        history: j.history,
        dueAt,
        state: { unchanged: 0, errors: 0 },
        inflight: false,
        direct: false,
      });
    this.schedule(0);
  }

  untrack(accountId: string, jobId: string): void {
    this.entries.delete(key(accountId, jobId));
  }

  has(accountId: string, jobId: string): boolean {
    return this.entries.has(key(accountId, jobId));
  }

  /** An account was signed out: its jobs stay recorded but are not polled. */
  untrackAccount(accountId: string): void {
    for (const [k, e] of this.entries) if (e.accountId === accountId) this.entries.delete(k);
  }

  /** The machine is going to sleep (Electron powerMonitor 'suspend'). */
  pause(): void {
    this.paused = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Back from sleep: everything may have moved meanwhile. */
  resume(): void {
    this.paused = false;
    this.dueAllNow();
  }

  /** Stops polling and waits for the requests already out (their results are still saved). */
  async close(): Promise<void> {
    this.closed = true;
    this.offConnectivity();
    this.pause();
    await Promise.allSettled([...this.running]);
  }

  private keep<T>(p: Promise<T>): void {
    const done = p.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(done);
    void done.finally(() => this.running.delete(done));
  }

  private dueAllNow(): void {
    const t = this.now();
    for (const e of this.entries.values()) e.dueAt = Math.min(e.dueAt, t);
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.paused || this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.tick();
      },
      Math.max(0, ms),
    );
    this.timer.unref();
  }

  private reschedule(): void {
    const t = this.now();
    let next = Number.POSITIVE_INFINITY;
    for (const e of this.entries.values()) if (!e.inflight) next = Math.min(next, e.dueAt);
    if (next === Number.POSITIVE_INFINITY) return;
    const wait = Math.max(next - t, this.holdUntil - t, next <= t ? this.pacer.waitMs() : 0);
    this.schedule(Math.max(wait, 5));
  }

  private tick(): void {
    if (this.paused || this.closed) return;
    const t = this.now();
    if (t < this.holdUntil) return this.reschedule();
    const due = [...this.entries.values()].filter((e) => !e.inflight && e.dueAt <= t).sort((a, b) => Number(b.direct) - Number(a.direct) || a.dueAt - b.dueAt);
    if (due.length === 0) return this.reschedule();
    if (!this.d.connectivity.isOnline()) {
      // Offline: one probe now and then; a success flips Connectivity and wakes everything.
      const probeEvery = this.d.offlineProbeMs ?? 15_000;
      if (t - this.lastProbe >= probeEvery && this.pacer.tryTake()) {
        this.lastProbe = t;
        this.keep(this.pollOne(due[0] as Entry));
      }
      return this.schedule(probeEvery);
    }
    const byAccount = new Map<string, Entry[]>();
    for (const e of due) if (!e.direct) byAccount.set(e.accountId, [...(byAccount.get(e.accountId) ?? []), e]);
    const swept = new Set<Entry>();
    for (const [accountId, list] of byAccount) {
      if (list.length < (this.d.sweepThreshold ?? 4) || !this.pacer.tryTake()) continue;
      for (const e of list) swept.add(e);
      this.keep(this.sweep(accountId, list));
    }
    for (const e of due) {
      if (swept.has(e)) continue;
      if (!this.pacer.tryTake()) break;
      this.keep(this.pollOne(e));
    }
    this.reschedule();
  }

  /** Reads the newest jobs (up to a few pages) and compares their one-word status. */
  private async sweep(accountId: string, list: Entry[]): Promise<void> {
    for (const e of list) e.inflight = true;
    const waiting = new Map(list.map((e) => [e.jobId, e]));
    let ok = false;
    try {
      const api = await this.api(accountId);
      const pages = Math.min(5, Math.ceil(list.length / SWEEP_PAGE) + 1);
      for (let page = 1; page <= pages && waiting.size > 0; page++) {
        if (page > 1 && !this.pacer.tryTake()) break;
        this.requests.list++;
        const r = await jobsPage(api, page, SWEEP_PAGE);
        for (const item of r.items) {
          const e = waiting.get(item.id);
          if (!e) continue;
          waiting.delete(item.id);
          e.inflight = false;
          if (item.status === e.status) this.settle(e, false, false);
          else {
            e.direct = true; // fetch its history next, ahead of the rest
            e.dueAt = this.now();
          }
        }
        if (!r.hasNext) break;
      }
      ok = true;
    } catch (err) {
      this.onError(err, [...waiting.values()]);
    } finally {
      for (const e of waiting.values()) {
        e.inflight = false;
        if (ok) e.direct = true; // not among the newest jobs: polled one by one
      }
      this.reschedule();
    }
  }

  private async pollOne(e: Entry): Promise<void> {
    e.inflight = true;
    try {
      const api = await this.api(e.accountId);
      this.requests.statuses++;
      const raw = await api.jobStatuses(e.jobId);
      const history = toHistory(raw);
      const changed = !sameHistory(history, e.history);
      const prev = { status: e.status, outcome: outcomeOf(e.history) };
      e.history = history;
      e.status = history[0]?.status ?? '';
      e.direct = false;
      const terminal = isTerminal(e.status);
      // A final word seen again is saved too: a row an older Courier left "running" on a word it
      // did not know (Force Stop) is finished now, its outputs and notification no longer lost.
      if (changed || terminal) {
        const saved = this.d.tracked.setStatus(e.accountId, e.jobId, {
          status: e.status,
          history,
          outcome: outcomeOf(history),
          terminal,
          ...(terminal ? { outputsState: 'pending' } : {}),
        });
        if (saved) this.d.onUpdate(saved, prev);
      }
      this.settle(e, changed, terminal);
    } catch (err) {
      this.onError(err, [e]);
    } finally {
      e.inflight = false;
      this.reschedule();
    }
  }

  /**
   * The account's client. Its failures (an account this process does not know, a key missing
   * from the keychain) say nothing about the job, so they are never read as "job deleted".
   */
  private async api(accountId: string): Promise<RescaleApi> {
    try {
      return await this.d.apiFor(accountId);
    } catch (err) {
      throw new AccountUnavailable(err);
    }
  }

  private settle(e: Entry, changed: boolean, terminal: boolean): void {
    if (terminal) {
      this.entries.delete(key(e.accountId, e.jobId)); // finished jobs are never polled again
      return;
    }
    e.state = changed ? { unchanged: 0, errors: 0 } : { unchanged: e.state.unchanged + 1, errors: 0 };
    e.dueAt = this.now() + nextDelayMs(e.state, this.d.timing());
    this.d.onPolled?.(e.accountId, e.jobId);
  }

  private onError(err: unknown, list: Entry[]): void {
    const t = this.now();
    if (err instanceof CourierError && err.code === 'rate_limited') this.holdUntil = Math.max(this.holdUntil, t + (err.retryAfterMs ?? 30_000));
    for (const e of list) {
      e.inflight = false;
      if (err instanceof CourierError && err.code === 'not_found' && !(err instanceof AccountUnavailable)) {
        this.entries.delete(key(e.accountId, e.jobId)); // deleted on the platform
        this.d.onGone?.(e.accountId, e.jobId);
        continue;
      }
      e.state = { unchanged: e.state.unchanged, errors: e.state.errors + 1 };
      e.dueAt = t + nextDelayMs(e.state, this.d.timing());
    }
  }
}
