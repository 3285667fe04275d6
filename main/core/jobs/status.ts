// What a job's status history means (rescale-protocol.md §4), on top of the shared vocabulary.
// Histories are kept newest first.
import { isFinalStatus, orderHistory, statusDef } from '../../../shared/job-status';
import type { JobOutcome, JobStatusItem } from '../../../shared/jobs';

/** Reasons on Completed (or on Stopping) that mean the job did not do its work. */
const FAILURE_REASON = /exceeded max number of restarts|could not allocate|run failed|fail|error/i;

/** A known final word (Completed, Failed, Force Stop, …); unknown words are never final. */
export function isTerminal(status: string): boolean {
  return isFinalStatus(status);
}

/**
 * The platform's entries as Courier keeps them: only status, date and reason (ids, `notify`,
 * `preventDuplicates`, `substatus` are dropped), newest first even when the page was not.
 */
export function toHistory(raw: readonly { status: string; statusDate: string; statusReason?: string | null }[]): JobStatusItem[] {
  return orderHistory(raw.map((s) => ({ status: s.status, statusDate: s.statusDate, statusReason: s.statusReason ?? null })));
}

export function outcomeOf(history: readonly JobStatusItem[]): JobOutcome {
  const current = history[0];
  if (!current || current.status === '') return 'not_submitted';
  const final = statusDef(current.status)?.final ?? null;
  if (final === null) return 'running';
  if (final === 'failed') return final;
  // Completed is also reached after a stop; a stop (forced or not) the platform made because a run failed is a failure.
  const stopping = history.find((h) => statusDef(h.status)?.key === 'stopping');
  if (stopping) return FAILURE_REASON.test(stopping.statusReason ?? '') ? 'failed' : 'stopped';
  if (final === 'stopped') return final;
  if (FAILURE_REASON.test(current.statusReason ?? '')) return 'failed';
  return 'completed';
}

/**
 * Whether the job is really running: from Started on (machines up) until it ends. Pending, the
 * queues and the wait for a cluster are not; an unknown word counts as running (never hidden).
 */
export function isUnderWay(status: string): boolean {
  const def = statusDef(status);
  if (!def) return status !== '';
  return def.final === null && def.order >= 30;
}

/** An outcome from the jobs list's one-word status (no history there). */
export function outcomeOfStatus(status: string | null | undefined): JobOutcome {
  if (!status) return 'not_submitted';
  return outcomeOf([{ status, statusDate: '', statusReason: null }]);
}

export function sameHistory(a: readonly JobStatusItem[], b: readonly JobStatusItem[]): boolean {
  return a.length === b.length && a.every((x, i) => x.status === b[i]?.status && x.statusDate === b[i]?.statusDate && x.statusReason === b[i]?.statusReason);
}
