import { orderHistory, parseStatusDate, statusDef } from '../../../../shared/job-status';
import type { JobStatusItem } from '../../../../shared/jobs';
import { formatDate } from '../../lib/format';
import { statusLabel } from './labels';

export interface TimelineRow {
  key: string;
  /** The platform's word, as sent. */
  status: string;
  label: string;
  /** False for a word the vocabulary lacks: shown as sent, marked, never taken as an ending. */
  known: boolean;
  /** ISO for <time dateTime>, '' when the platform's date could not be read. */
  iso: string;
  date: string;
  reason: string | null;
  current: boolean;
}

/** A job's status history as the timeline shows it: newest first, whatever order it came in. */
export function timelineRows(history: readonly JobStatusItem[]): TimelineRow[] {
  return orderHistory(history).map((h, i) => {
    const at = parseStatusDate(h.statusDate);
    return {
      key: `${i}-${h.status}-${h.statusDate}`,
      status: h.status,
      label: statusLabel(h.status),
      known: statusDef(h.status) !== null,
      iso: at === null ? '' : new Date(at).toISOString(),
      // Statuses often follow each other within a minute: show seconds; an unreadable date as sent.
      date: at === null ? h.statusDate : formatDate(at, { seconds: true }),
      reason: h.statusReason,
      current: i === 0,
    };
  });
}
