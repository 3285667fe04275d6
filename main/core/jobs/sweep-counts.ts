// Where each row of a sweep stands, counted the same way for the batch view (row by row) and for
// the list of sweeps (one GROUP BY over every sweep): each row is in exactly one of waiting,
// pending, running, completed, failed, stopped and cancelled, so they add up to the total.
import type { JobOutcome, SubmissionState } from '../../../shared/jobs';
import type { SweepCounts } from '../../../shared/sweeps';
import { isUnderWay } from './status';

export function emptyCounts(): SweepCounts {
  return { waiting: 0, submitted: 0, pending: 0, running: 0, completed: 0, failed: 0, stopped: 0, cancelled: 0 };
}

/**
 * Adds `n` rows alike. Failed covers exactly what Retry failed sends again (never sent, or failed
 * on the platform); a stopped job is a person's choice, so it is counted apart and not retried.
 * A job on the platform that has not started (Pending, Queued) is pending, as the Jobs badge
 * counts it among the waiting, not the running.
 */
export function countRows(c: SweepCounts, state: SubmissionState, outcome: JobOutcome, status: string, n = 1): void {
  if (state === 'failed') c.failed += n;
  else if (state === 'cancelled') c.cancelled += n;
  else if (state !== 'submitted') c.waiting += n;
  else {
    c.submitted += n;
    if (outcome === 'completed') c.completed += n;
    else if (outcome === 'failed') c.failed += n;
    else if (outcome === 'stopped') c.stopped += n;
    else if (isUnderWay(status)) c.running += n;
    else c.pending += n;
  }
}
