import { create } from 'zustand';
import type { JobChanged, JobSummary, MonthCost, OutboxEntry } from '../../../shared/jobs';
import { api, onEvent } from '../api/client';
import { messageOf } from '../lib/format';
import { useConnection } from './connection';
import { useSettings } from './settings';

export type JobRow = JobSummary & Partial<Pick<JobChanged, 'history' | 'outputs'>>;

interface JobsState {
  jobs: Record<string, JobRow>;
  /** Job ids, newest first. */
  order: string[];
  /** Submissions not yet on the platform (or that failed to get there), by id. */
  outbox: Record<string, OutboxEntry>;
  online: boolean;
  loaded: boolean;
  error: string | null;
  running: number;
  queued: number;
  /** Month to date of the jobs Courier knows, as of the last list. */
  monthCost: MonthCost | null;
}

/** Mirrors the jobs of the active account and the outbox: a list, then jobChanged/outboxChanged. */
export const useJobs = create<JobsState>(() => ({
  jobs: {},
  order: [],
  outbox: {},
  online: true,
  loaded: false,
  error: null,
  running: 0,
  queued: 0,
  monthCost: null,
}));

/** Outbox entries still worth showing, newest first (a submitted one has become a job). */
export function openOutbox(outbox: Record<string, OutboxEntry>): OutboxEntry[] {
  return Object.values(outbox)
    .filter((e) => e.state !== 'submitted')
    .sort((a, b) => b.createdAt - a.createdAt);
}

const touched = new Set<string>();
let generation = 0;
/** jobsSummary events seen: a list's counts are older than an event that came while it was asked. */
let summaries = 0;

function upsertJob(j: JobChanged): void {
  touched.add(`job:${j.jobId}`);
  useJobs.setState((s) => ({
    jobs: { ...s.jobs, [j.jobId]: { ...s.jobs[j.jobId], ...j } },
    order: s.order.includes(j.jobId) ? s.order : [j.jobId, ...s.order],
  }));
}

function upsertOutbox(e: OutboxEntry): void {
  touched.add(`outbox:${e.id}`);
  useJobs.setState((s) => {
    const old = s.outbox[e.id];
    if (old && old.updatedAt > e.updatedAt) return {};
    return { outbox: { ...s.outbox, [e.id]: e } };
  });
}

export async function refreshJobs(): Promise<void> {
  const gen = ++generation;
  touched.clear();
  const seen = summaries;
  try {
    const r = await api.jobs.list({ limit: 100 });
    if (gen !== generation) return;
    // The badge from the list: the change events only tell a page that was open when they came.
    if (seen === summaries) useJobs.setState({ running: r.summary.running, queued: r.summary.queued });
    useJobs.setState((s) => {
      const jobs: Record<string, JobRow> = {};
      for (const j of r.jobs) jobs[j.jobId] = touched.has(`job:${j.jobId}`) ? { ...j, ...s.jobs[j.jobId] } : { ...s.jobs[j.jobId], ...j };
      const order = r.jobs.map((j) => j.jobId);
      // Jobs announced by events while the list was in flight stay (newest first).
      for (const id of s.order) {
        const kept = s.jobs[id];
        if (jobs[id] || !kept || !touched.has(`job:${id}`)) continue;
        jobs[id] = kept;
        order.unshift(id);
      }
      const outbox: Record<string, OutboxEntry> = {};
      for (const e of r.outbox) {
        const mine = s.outbox[e.id];
        outbox[e.id] = mine && touched.has(`outbox:${e.id}`) && mine.updatedAt >= e.updatedAt ? mine : e;
      }
      for (const [id, e] of Object.entries(s.outbox)) if (!outbox[id] && touched.has(`outbox:${id}`)) outbox[id] = e;
      return { jobs, order, outbox, online: r.online, error: r.error ?? null, loaded: true, monthCost: r.monthCost ?? null };
    });
  } catch (e) {
    if (gen === generation) useJobs.setState({ error: messageOf(e), loaded: true });
  }
}

let started = false;
export function startJobsMirror(): void {
  if (started) return;
  started = true;
  onEvent('jobChanged', upsertJob);
  onEvent('outboxChanged', upsertOutbox);
  onEvent('jobsSummary', (c) => {
    summaries++;
    useJobs.setState({ running: c.running, queued: c.queued });
  });
  useConnection.subscribe((s, prev) => {
    const back = (s.transportUp && !prev.transportUp) || (s.platformOnline && !prev.platformOnline);
    if (back && useJobs.getState().loaded) void refreshJobs();
  });
  // A key entered again (it was missing after a restart) counts as a new account: list again.
  const activeOf = (s: ReturnType<typeof useSettings.getState>) => {
    const a = s.accounts.find((x) => x.active);
    return a ? `${a.id}${a.keyMissing ? ':nokey' : ''}` : undefined;
  };
  let active = activeOf(useSettings.getState());
  useSettings.subscribe((s) => {
    const now = activeOf(s);
    if (now === active) return;
    active = now;
    useJobs.setState({ jobs: {}, order: [], outbox: {}, loaded: false });
    if (now) void refreshJobs();
  });
  if (active) void refreshJobs();
}
