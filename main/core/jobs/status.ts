// What a job's status history means (rescale-protocol.md §4). Histories are newest first.
import type { JobOutcome, JobStatusItem } from '../../../shared/jobs';

export const TERMINAL_STATUSES: ReadonlySet<string> = new Set(['Completed', 'Failed', 'Stopped', 'Force Stopped', 'Terminated']);

/** Reasons on Completed (or on Stopping) that mean the job did not do its work. */
const FAILURE_REASON = /exceeded max number of restarts|could not allocate|run failed|fail|error/i;

export function isTerminal(status: string): boolean {
  return TERMINAL_STATUSES.has(status);
}

export function outcomeOf(history: readonly JobStatusItem[]): JobOutcome {
  const current = history[0];
  if (!current || current.status === '') return 'not_submitted';
  if (!isTerminal(current.status)) return 'running';
  if (current.status === 'Stopped' || current.status === 'Force Stopped') return 'stopped';
  if (current.status === 'Failed' || current.status === 'Terminated') return 'failed';
  // Completed: also reached after a stop, and after some failures.
  const stopping = history.find((h) => h.status === 'Stopping');
  if (stopping) return FAILURE_REASON.test(stopping.statusReason ?? '') ? 'failed' : 'stopped';
  if (FAILURE_REASON.test(current.statusReason ?? '')) return 'failed';
  return 'completed';
}

/** An outcome from the jobs list's one-word status (no history there). */
export function outcomeOfStatus(status: string | null | undefined): JobOutcome {
  if (!status) return 'not_submitted';
  return outcomeOf([{ status, statusDate: '', statusReason: null }]);
}

export function sameHistory(a: readonly JobStatusItem[], b: readonly JobStatusItem[]): boolean {
  return a.length === b.length && a.every((x, i) => x.status === b[i]?.status && x.statusDate === b[i]?.statusDate && x.statusReason === b[i]?.statusReason);
}
