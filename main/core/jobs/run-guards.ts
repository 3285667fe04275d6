// Guards on running jobs: a warning N minutes before a job reaches its walltime (the platform
// stops it there), and one when it has run longer than the person's threshold (a forgotten run).
// Each warning fires once per job: claimed in jobs.db, so neither the next poll, another process
// on the data folder nor a restart repeats it. Only a process that can show the warning claims
// it (JobNotifications.deliverable): a CLI polling a job it does not follow leaves it to the app.
// Checked after every poll of a running job.
import { runWindow } from '../../../shared/cost';
import type { Settings } from '../../../shared/settings';
import type { JobNotifications } from '../notify/notifier';
import { warningMessage } from '../notify/messages';
import type { Db } from './db';
import type { TrackedJob } from './tracked-store';

export type GuardSettings = Pick<Settings['notifications'], 'walltimeWarnMinutes' | 'longRunHours'>;

export interface DueWarning {
  kind: 'walltime' | 'longRun';
  elapsedMs: number;
  /** The walltime, or the long-run threshold, in hours. */
  limitHours: number;
}

const HOUR = 3_600_000;

/** Which warnings a job has reached at `now` (whether already given or not). */
export function dueWarnings(job: Pick<TrackedJob, 'history' | 'terminal' | 'options'>, s: GuardSettings, now: number): DueWarning[] {
  if (job.terminal) return [];
  const w = runWindow(job.history);
  if (w.startedAt === null || w.endedAt !== null) return [];
  const elapsedMs = Math.max(0, now - w.startedAt);
  const out: DueWarning[] = [];
  const walltime = job.options.hardware?.walltimeHours;
  if (walltime && s.walltimeWarnMinutes > 0 && elapsedMs >= walltime * HOUR - s.walltimeWarnMinutes * 60_000)
    out.push({ kind: 'walltime', elapsedMs, limitHours: walltime });
  if (s.longRunHours > 0 && elapsedMs >= s.longRunHours * HOUR) out.push({ kind: 'longRun', elapsedMs, limitHours: s.longRunHours });
  return out;
}

export interface RunGuardDeps {
  db: Db;
  settings(): GuardSettings;
  /** Shows a warning; and whether this process can show one about the job (else it must not claim it). */
  notices: Pick<JobNotifications, 'deliverable' | 'warn'>;
  now?: () => number;
}

export class RunGuards {
  constructor(private readonly d: RunGuardDeps) {}

  check(job: TrackedJob): void {
    const now = (this.d.now ?? Date.now)();
    if (!this.d.notices.deliverable(job, 'warning')) return;
    for (const w of dueWarnings(job, this.d.settings(), now)) {
      if (this.claim(job, w.kind, now)) this.d.notices.warn(job, warningMessage(job, w));
    }
  }

  /** True exactly once per job and kind, across processes and restarts. */
  private claim(job: TrackedJob, kind: DueWarning['kind'], at: number): boolean {
    return (
      this.d.db.prepare('INSERT OR IGNORE INTO job_warnings (account_id, job_id, kind, at) VALUES (?, ?, ?, ?)').run(job.accountId, job.jobId, kind, at)
        .changes === 1
    );
  }
}
