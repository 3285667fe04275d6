// The platform's job status words, in one place: their display key, their place in a job's life
// and whether a job that shows one has ended. Used by the poller, notifications, the CLI and the
// UI alike. The platform adds words without notice, so a word not listed here is shown as sent,
// is never final, and sorts after the known status it followed.

/** What a final status says about the job before its history is read (Completed may still be a stop). */
export type FinalKind = 'completed' | 'failed' | 'stopped';

export interface StatusDef {
  /** The platform's word, as it sends it. */
  status: string;
  /** Stable key for translations (`jobs.status.<key>`). */
  key: string;
  /** English display name (the CLI and notifications use the platform's word; this is for people). */
  label: string;
  /** Place in a job's life; ties in a history's dates are broken by it. */
  order: number;
  final: FinalKind | null;
}

const DEFS: readonly StatusDef[] = [
  { status: 'Pending', key: 'pending', label: 'Pending', order: 10, final: null },
  { status: 'Waiting for Queue', key: 'waitingForQueue', label: 'Waiting for queue', order: 15, final: null },
  { status: 'Queued', key: 'queued', label: 'Queued', order: 20, final: null },
  { status: 'Waiting for Cluster', key: 'waitingForCluster', label: 'Waiting for cluster', order: 25, final: null },
  { status: 'Started', key: 'started', label: 'Started', order: 30, final: null },
  { status: 'Validated', key: 'validated', label: 'Validated', order: 40, final: null },
  { status: 'Executing', key: 'executing', label: 'Executing', order: 50, final: null },
  { status: 'Stopping', key: 'stopping', label: 'Stopping', order: 60, final: null },
  { status: 'Completed', key: 'completed', label: 'Completed', order: 100, final: 'completed' },
  { status: 'Failed', key: 'failed', label: 'Failed', order: 100, final: 'failed' },
  // What the platform shows after a forced stop; older clients knew only "Force Stopped".
  { status: 'Force Stop', key: 'forceStop', label: 'Force stopped', order: 100, final: 'stopped' },
  { status: 'Force Stopped', key: 'forceStopped', label: 'Force stopped', order: 100, final: 'stopped' },
  { status: 'Stopped', key: 'stopped', label: 'Stopped', order: 100, final: 'stopped' },
  { status: 'Terminated', key: 'terminated', label: 'Terminated', order: 100, final: 'failed' },
];

export const JOB_STATUSES: readonly StatusDef[] = DEFS;

// Spacing and case vary between API versions ("Force stop", "Waiting for queue"): match loosely.
const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
const BY_WORD = new Map(DEFS.map((d) => [norm(d.status), d]));

/** The vocabulary's entry for a platform word, or null for a word Courier does not know. */
export function statusDef(status: string | null | undefined): StatusDef | null {
  return typeof status === 'string' ? (BY_WORD.get(norm(status)) ?? null) : null;
}

/** True only for a known final word: an unknown one never ends a job. */
export function isFinalStatus(status: string | null | undefined): boolean {
  return statusDef(status)?.final != null;
}

/** English display name; an unknown word as sent ('' stays ''). */
export function statusDisplayName(status: string): string {
  return statusDef(status)?.label ?? status;
}

/**
 * "2024-01-02T03:04:05+00:00", "…05.123456Z", "…05-0700" → epoch ms; null when unreadable.
 * Fractions beyond milliseconds are cut (not every engine parses six digits).
 */
export function parseStatusDate(value: string | null | undefined): number | null {
  if (!value) return null;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/i.exec(value.trim());
  if (!m) return null;
  const ms = (m[3] ?? '0').padEnd(3, '0').slice(0, 3);
  const zone = (m[4] ?? 'Z').toUpperCase();
  const t = Date.parse(`${m[1]}T${m[2]}.${ms}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`);
  return Number.isNaN(t) ? null : t;
}

interface Entry {
  status: string;
  statusDate: string;
}

/**
 * A history newest first, whatever order it came in: by date, then (for equal dates, common with
 * whole-second `+00:00` stamps) by the vocabulary's order, then as the platform listed it. An
 * unknown word, or an unreadable date, takes the place of the entry it followed (oldest first in
 * the platform's list), just after it.
 */
export function orderHistory<T extends Entry>(history: readonly T[]): T[] {
  const n = history.length;
  const keyed: { item: T; at: number; rank: number; i: number }[] = new Array(n);
  let at = Number.NEGATIVE_INFINITY;
  let rank = 0;
  // The platform sends newest first: walk from the oldest so "the one before" is known.
  for (let i = n - 1; i >= 0; i--) {
    const item = history[i] as T;
    const t = parseStatusDate(item.statusDate);
    if (t !== null) at = t;
    const def = statusDef(item.status);
    rank = def ? def.order : rank + 0.01;
    keyed[i] = { item, at, rank, i };
  }
  return keyed.sort((a, b) => b.at - a.at || b.rank - a.rank || a.i - b.i).map((k) => k.item);
}
