import i18next from 'i18next';
import { statusDef } from '../../../../shared/job-status';
import type { JobOutcome, OutboxEntry } from '../../../../shared/jobs';

/** The platform's status words, translated where the vocabulary knows them (shown as sent otherwise). */
export function statusLabel(status: string): string {
  if (!status) return i18next.t('jobs.status.none');
  const def = statusDef(status);
  // Never a translation key built from platform text: "a.b" or "ns:key" would be read as a path.
  return def ? i18next.t(`jobs.status.${def.key}`, { defaultValue: def.label }) : status;
}

export function outcomeLabel(o: JobOutcome): string {
  return i18next.t(`jobs.outcome.${o}`);
}

/** What a queued submission is doing or waiting for, in words. */
export function submissionLabel(e: OutboxEntry): string {
  if (e.waiting) return i18next.t(`jobs.waiting.${e.waiting}`);
  return i18next.t(`jobs.submission.${e.state}`);
}
