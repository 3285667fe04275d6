import type { JobRec } from '../store/state';

/** Share of the run time at which each status appears after submit. */
const STEPS: [string, number][] = [
  ['Pending', 0],
  ['Queued', 0.1],
  ['Started', 0.25],
  ['Validated', 0.4],
  ['Executing', 0.5],
  ['Completed', 1],
];

/** Reason the platform gives on a stopped job (seen in the Nextflow executor's checks). */
export const STOP_REASON = 'User Terminated';
export const SUCCESS_REASON = 'Completed successfully';

export interface StatusEvent {
  status: string;
  at: number;
  reason: string | null;
}

/** Pause between Stopping and Completed after a stop request. */
export function stopDelayMs(job: JobRec): number {
  return Math.min(3000, Math.max(100, (job.runSeconds ?? 10) * 150));
}

/**
 * The job's whole planned history, oldest first, computed from stored timestamps only,
 * so it is the same before and after a restart.
 */
export function plannedHistory(job: JobRec): StatusEvent[] {
  if (job.submittedAt === undefined) return [];
  const dur = (job.runSeconds ?? 10) * 1000;
  const events = STEPS.map(([status, f]) => ({
    status,
    at: job.submittedAt! + Math.round(f * dur),
    reason: status === 'Completed' ? SUCCESS_REASON : null,
  }));
  if (job.stopAt === undefined) return events;
  const kept = events.filter((e) => e.at < job.stopAt! && e.status !== 'Completed');
  return [
    ...kept,
    { status: 'Stopping', at: job.stopAt, reason: STOP_REASON },
    { status: 'Completed', at: job.stopAt + stopDelayMs(job), reason: STOP_REASON },
  ];
}

export function visibleHistory(job: JobRec, now = Date.now()): StatusEvent[] {
  return plannedHistory(job).filter((e) => e.at <= now);
}

/** '' for a job never submitted (what the jobs list shows for a saved job). */
export function currentStatus(job: JobRec, now = Date.now()): string {
  return visibleHistory(job, now).at(-1)?.status ?? '';
}

export function completedAt(job: JobRec): number | undefined {
  return plannedHistory(job).find((e) => e.status === 'Completed')?.at;
}

export function isFinished(job: JobRec, now = Date.now()): boolean {
  const done = completedAt(job);
  return done !== undefined && done <= now;
}

export function isActive(job: JobRec, now = Date.now()): boolean {
  return job.submittedAt !== undefined && !isFinished(job, now);
}

/** The single run: it exists once the cluster has Started. */
export function runWindow(job: JobRec, now = Date.now()): { started: number; completed: number | null } | null {
  const h = visibleHistory(job, now);
  const started = h.find((e) => e.status === 'Started');
  if (!started) return null;
  const done = h.find((e) => e.status === 'Completed');
  return { started: started.at, completed: done ? done.at : null };
}

export function wasStopped(job: JobRec): boolean {
  return job.stopAt !== undefined;
}
