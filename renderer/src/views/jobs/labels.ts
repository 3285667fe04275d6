import i18next from 'i18next';
import type { JobOutcome, OutboxEntry } from '../../../../shared/jobs';

/** The platform's status words, translated where we know them (shown as sent otherwise). */
export function statusLabel(status: string): string {
  if (!status) return i18next.t('jobs.status.none');
  return i18next.t(`jobs.status.${status}`, { defaultValue: status });
}

export function outcomeLabel(o: JobOutcome): string {
  return i18next.t(`jobs.outcome.${o}`);
}

/** What a queued submission is doing or waiting for, in words. */
export function submissionLabel(e: OutboxEntry): string {
  if (e.waiting) return i18next.t(`jobs.waiting.${e.waiting}`);
  return i18next.t(`jobs.submission.${e.state}`);
}
