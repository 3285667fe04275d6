// Finished jobs Courier learns of long after they ended: the app starts after hours in which only
// a CLI ran (which announces only the jobs it follows), or the machine slept. One OS notification
// per job would be a burst of old news; a person wants to hear of the jobs that just ended, and
// that the others ended. So a job that ended more than `recentMs` ago is gathered with the others
// found around the same time (within `gatherMs` of each other, at most `maxGatherMs` in all), and
// the gathered jobs are given as one notice (notifier.ts claims each, so no process repeats them).
import type { TrackedJob } from '../jobs/tracked-store';
import { endedAt } from './messages';

export interface CatchUpTiming {
  /** A job that ended within this is announced on its own. */
  recentMs?: number;
  /** Quiet time after the last stale job before the gathered ones are given. */
  gatherMs?: number;
  /** Longest a stale job waits in the gathering. */
  maxGatherMs?: number;
}

/** One job across accounts, as a map key (here and in notifier.ts). */
export const jobKey = (accountId: string, jobId: string): string => `${accountId}\n${jobId}`;

const DEFAULTS = { recentMs: 15 * 60_000, gatherMs: 3_000, maxGatherMs: 30_000 };

export class CatchUp {
  private readonly t: Required<CatchUpTiming>;
  private readonly gathered = new Map<string, TrackedJob>();
  private timer: NodeJS.Timeout | undefined;
  private firstAt = 0;

  constructor(
    private readonly give: (jobs: TrackedJob[]) => void,
    timing: CatchUpTiming = {},
    private readonly now: () => number = Date.now,
  ) {
    this.t = { ...DEFAULTS, ...timing };
  }

  /** Whether the job ended long enough ago to be old news (an unreadable end date is not). */
  stale(job: TrackedJob): boolean {
    const end = endedAt(job);
    return end !== null && this.now() - end > this.t.recentMs;
  }

  /** Takes a stale job into the next gathered notice. */
  add(job: TrackedJob): void {
    if (this.gathered.size === 0) this.firstAt = this.now();
    this.gathered.set(jobKey(job.accountId, job.jobId), job);
    if (this.timer) clearTimeout(this.timer);
    const wait = Math.min(this.t.gatherMs, Math.max(0, this.firstAt + this.t.maxGatherMs - this.now()));
    this.timer = setTimeout(() => this.flush(), wait);
    this.timer.unref();
  }

  private flush(): void {
    this.timer = undefined;
    const jobs = [...this.gathered.values()];
    this.gathered.clear();
    if (jobs.length) this.give(jobs);
  }

  /** The process is closing: gathered jobs stay unclaimed, for the next process that can show them. */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.gathered.clear();
  }
}
