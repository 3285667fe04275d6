// Words for the notifications a finished job produces (one place, so the Electron shell, the
// browser and the CLI say the same thing).
import { parseStatusDate, statusDef } from '../../../shared/job-status';
import type { JobOutcome, JobStatusItem } from '../../../shared/jobs';

export interface FinishedJob {
  jobId: string;
  name: string;
  outcome: JobOutcome;
  history: JobStatusItem[];
}

export interface OutputsSummary {
  state: 'none' | 'pending' | 'downloading' | 'done' | 'failed';
  files: number;
  dir?: string;
  error?: string;
}

export interface JobMessage {
  title: string;
  body: string;
  level: 'info' | 'warn' | 'error';
}

/** The marker Courier appends to job names is for the platform, not for people. */
export function displayName(name: string): string {
  return name.replace(/\s*\[cr-[a-z0-9]+\]$/, '');
}

function duration(history: JobStatusItem[]): string | null {
  const end = parseStatusDate(history[0]?.statusDate);
  const start = parseStatusDate(history.find((h) => h.status === 'Executing')?.statusDate ?? history.at(-1)?.statusDate);
  if (end === null || start === null || end < start) return null;
  const s = Math.round((end - start) / 1000);
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

const forced = (status: string | undefined) => ['forceStop', 'forceStopped'].includes(statusDef(status)?.key ?? '');

export function finishedMessage(job: FinishedJob, outputs?: OutputsSummary): JobMessage {
  const name = displayName(job.name);
  const took = duration(job.history);
  const reason = job.history[0]?.statusReason;
  const parts: string[] = [];
  let title: string;
  let level: JobMessage['level'] = 'info';
  switch (job.outcome) {
    case 'completed':
      title = `Job finished: ${name}`;
      parts.push(`Job ${job.jobId} completed${took ? ` in ${took}` : ''}.`);
      break;
    case 'stopped':
      title = `Job stopped: ${name}`;
      level = 'warn';
      parts.push(`Job ${job.jobId} was ${forced(job.history[0]?.status) ? 'force-stopped' : 'stopped'}${reason ? ` (${reason})` : ''}.`);
      break;
    // Only finished jobs are announced; an outcome that is not a success or a stop reads as a failure.
    case 'failed':
    case 'not_submitted':
    case 'running':
      title = `Job failed: ${name}`;
      level = 'error';
      parts.push(`Job ${job.jobId} failed${reason ? `: ${reason}` : ''}.`);
  }
  if (outputs?.state === 'done' && outputs.files > 0) parts.push(`${outputs.files} output file${outputs.files > 1 ? 's' : ''} saved to ${outputs.dir}.`);
  else if (outputs?.state === 'failed') parts.push(`Outputs could not be downloaded${outputs.error ? `: ${outputs.error}` : ''}.`);
  else if (outputs?.state === 'pending' || outputs?.state === 'downloading') parts.push('Outputs are still downloading.');
  return { title, body: parts.join(' '), level };
}

function hoursText(ms: number): string {
  const h = ms / 3_600_000;
  return h < 1 ? `${Math.round(ms / 60_000)} min` : `${h.toFixed(1).replace(/\.0$/, '')} h`;
}

/** A running job near its walltime, or running longer than the person's threshold (run-guards.ts). */
export function warningMessage(
  job: Pick<FinishedJob, 'jobId' | 'name'>,
  w: { kind: 'walltime' | 'longRun'; elapsedMs: number; limitHours: number },
): JobMessage {
  const name = displayName(job.name);
  if (w.kind === 'walltime') {
    return {
      title: `Walltime near: ${name}`,
      body: `Job ${job.jobId} has run ${hoursText(w.elapsedMs)} of its ${w.limitHours} h walltime; the platform stops it at ${w.limitHours} h.`,
      level: 'warn',
    };
  }
  return {
    title: `Still running: ${name}`,
    body: `Job ${job.jobId} has been running for ${hoursText(w.elapsedMs)}, longer than ${w.limitHours} h. Stop it if it was forgotten.`,
    level: 'warn',
  };
}

/** When a finished job ended (its final status), or null when the platform's date cannot be read. */
export function endedAt(job: Pick<FinishedJob, 'history'>): number | null {
  return parseStatusDate(job.history[0]?.statusDate);
}

/**
 * One notice for many jobs that finished while Courier was not there to say so (it was closed, or
 * only a CLI ran): how many and how they ended, rather than one OS notification each.
 */
export function catchUpMessage(jobs: FinishedJob[], now: number): JobMessage {
  const count = (o: JobOutcome[]) => jobs.filter((j) => o.includes(j.outcome)).length;
  const done = count(['completed']);
  const stopped = count(['stopped']);
  const failed = jobs.length - done - stopped;
  const parts = [done && `${done} completed`, failed && `${failed} failed`, stopped && `${stopped} stopped`].filter(Boolean);
  const last = Math.max(...jobs.map((j) => endedAt(j) ?? 0));
  const ago = last > 0 ? `; the last one ${hoursText(Math.max(0, now - last))} ago` : '';
  return {
    title: `${jobs.length} jobs finished while Courier was closed`,
    body: `${parts.join(', ')}${ago}. Each is in Jobs and in the activity log.`,
    level: failed ? 'error' : stopped ? 'warn' : 'info',
  };
}
