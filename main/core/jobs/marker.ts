// Exactly-once without an idempotency key. Every submission carries a unique marker in its job
// name — the only field of the platform's job list that is sure to come back — (and its full id
// in the description). After an unclear create we look for the marker among the recent jobs
// before creating again; after an unclear submit we read the job's statuses before submitting
// again (a job that was never submitted has none).
import { randomBytes } from 'node:crypto';
import { CourierError } from '../../../shared/errors';
import { parseRescaleDate } from '../rescale/models';
import type { RescaleApi } from '../rescale/api';
import { jobsPage } from './jobs-list';

const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789'; // no look-alikes (l/1, o/0)

export function newMarker(): string {
  let s = 'cr-';
  for (const b of randomBytes(8)) s += ALPHABET[b % ALPHABET.length];
  return s;
}

export function hasMarker(name: string, marker: string): boolean {
  return name.endsWith(`[${marker}]`);
}

export interface FoundJob {
  id: string;
  name: string;
  dateInserted: number | null;
  status: string;
}

const PAGE_SIZE = 50;
const MAX_PAGES = 4;
/** Clock skew we tolerate between this machine and the platform when deciding to stop looking. */
const SKEW_MS = 60 * 60_000;

/** Jobs carrying the marker, among the user's most recent jobs (newest first). */
export async function findByMarker(api: RescaleApi, marker: string, since: number | null, signal?: AbortSignal): Promise<FoundJob[]> {
  const found: FoundJob[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const r = await jobsPage(api, page, PAGE_SIZE, signal);
    // A record left out may be the very job we look for: "not found" would then create it a
    // second time (a second billed job). Looking again later is the safe answer.
    if (r.skipped > 0)
      throw new CourierError(
        'server_error',
        `${r.skipped} job record${r.skipped === 1 ? '' : 's'} in your job list could not be read, so Courier cannot tell whether this job was already created; it looks again later instead of creating it twice.`,
      );
    let older = false;
    for (const j of r.items) {
      const at = parseRescaleDate(j.dateInserted);
      if (hasMarker(j.name, marker)) found.push({ id: j.id, name: j.name, dateInserted: at, status: j.status });
      if (since !== null && at !== null && at < since - SKEW_MS) older = true;
    }
    if (!r.hasNext || older) break;
  }
  return found;
}

/** Statuses a saved, never-submitted job may show (the sandbox shows none at all). */
const UNSUBMITTED = new Set(['', 'Saved', 'Created', 'Draft']);

/** Whether a job was submitted: anything beyond a bare created job in its history. */
export async function wasSubmitted(api: RescaleApi, jobId: string, signal?: AbortSignal): Promise<boolean> {
  const statuses = await api.jobStatuses(jobId, signal);
  return statuses.some((s) => !UNSUBMITTED.has(s.status));
}

/**
 * After a create that had to be repeated, a slow first attempt may still have landed: any other
 * job with the marker that was never submitted is deleted, so the user is left with one job.
 */
export async function removeUnsubmittedTwins(api: RescaleApi, marker: string, keepId: string, since: number | null, signal?: AbortSignal): Promise<string[]> {
  const removed: string[] = [];
  for (const twin of await findByMarker(api, marker, since, signal)) {
    if (twin.id === keepId || (await wasSubmitted(api, twin.id, signal))) continue;
    await api.deleteJob(twin.id);
    removed.push(twin.id);
  }
  return removed;
}
