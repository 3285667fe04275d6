// What a sweep looks like to the UI and the CLI: the batch view of the sweep being looked at (a
// row per job, with when each waiting row goes out), and the list of sweeps, counts only.
import type { JobOutcome } from '../../../shared/jobs';
import type { SweepRowView, SweepSummary, SweepView } from '../../../shared/sweeps';
import { jobCostView } from './cost-view';
import { OPEN_STATES, type OutboxStore } from './outbox-store';
import type { JobsService } from './service';
import { countRows, emptyCounts } from './sweep-counts';
import type { SweepRecord, SweepRow } from './sweep-store';

type ViewDeps = Pick<JobsService, 'store' | 'sweeps' | 'tracked' | 'catalog'>;

/** How far back, and over how many rows, the pace rows really went out at is measured. */
const OBSERVED_WINDOW_MS = 5 * 60_000;
const OBSERVED_ROWS = 40;

/**
 * The mean time between the account's latest submissions, when they went out back to back (at
 * least 5 in the last 5 minutes); 0 when there is no such run to measure.
 */
function observedInterval(store: OutboxStore, accountId: string, now: number): number {
  const sent = store.submittedTimes(accountId, now - OBSERVED_WINDOW_MS, OBSERVED_ROWS);
  const last = sent[0];
  const first = sent.at(-1);
  return sent.length >= 5 && first !== undefined && last !== undefined ? (last - first) / 1000 / (sent.length - 1) : 0;
}

/**
 * Seconds until each waiting submission of the account goes out: its place in the queue times
 * the time one row takes — the submission budget's interval, or the pace rows have really gone
 * out at lately when that is slower (each row is also created, and its inputs uploaded).
 */
export function etas(store: OutboxStore, accountId: string, pace: number | null, now: number): Map<string, number> {
  const out = new Map<string, number>();
  const perRow = Math.max(pace ? 1 / pace : 0, observedInterval(store, accountId, now));
  store.openQueue(accountId).forEach((s, k) => {
    out.set(s.id, Math.ceil(Math.max(k * perRow, (s.nextAttemptAt - now) / 1000, 0)));
  });
  return out;
}

type Prices = Parameters<typeof jobCostView>[1];

function rowView(jobs: ViewDeps, r: SweepRow, eta: Map<string, number>, pace: number | null, prices: Prices, now: number): SweepRowView {
  const s = r.submission;
  const t = s.jobId ? jobs.tracked.get(s.accountId, s.jobId) : null;
  const open = OPEN_STATES.includes(s.state);
  return {
    row: r.row,
    values: r.values,
    submissionId: s.id,
    jobName: s.jobName,
    state: s.state,
    jobId: s.jobId,
    status: t?.status ?? '',
    outcome: t?.outcome ?? ('not_submitted' as JobOutcome),
    etaSeconds: open && pace !== null ? (eta.get(s.id) ?? null) : null,
    error: s.state === 'submitted' || s.state === 'cancelled' ? null : s.error,
    cost: t?.options.hardware && t.history.length ? jobCostView(t.options.hardware, prices, t.history, now) : null,
  };
}

/** The sweep being looked at: every row with its job, state, cost and "goes out in". */
export function sweepView(jobs: ViewDeps, sw: SweepRecord, pace: number | null, now = Date.now()): SweepView {
  const eta = etas(jobs.store, sw.accountId, pace, now);
  const prices = jobs.catalog.cached(sw.accountId);
  const rows = jobs.sweeps.rows(sw.id).map((r) => rowView(jobs, r, eta, pace, prices, now));
  const counts = emptyCounts();
  for (const r of rows) countRows(counts, r.state, r.outcome, r.status);
  const waiting = rows.filter((r) => r.etaSeconds !== null);
  const first = waiting[0];
  return {
    id: sw.id,
    name: sw.name,
    templateName: sw.template.name,
    columns: sw.columns,
    total: rows.length,
    counts,
    next: first ? { row: first.row, etaSeconds: first.etaSeconds ?? 0 } : null,
    lastEtaSeconds: waiting.length ? Math.max(...waiting.map((r) => r.etaSeconds ?? 0)) : null,
    createdAt: sw.createdAt,
    rows,
  };
}

/**
 * The account's sweeps with their counts, from one grouped query over every row: the list is
 * asked on every job event and every few seconds, so it never reads the rows one by one.
 */
export function sweepSummaries(jobs: Pick<ViewDeps, 'sweeps'>, accountId: string): SweepSummary[] {
  const counted = new Map<string, { total: number; counts: SweepSummary['counts'] }>();
  for (const g of jobs.sweeps.rowGroups(accountId)) {
    let c = counted.get(g.sweepId);
    if (!c) counted.set(g.sweepId, (c = { total: 0, counts: emptyCounts() }));
    c.total += g.n;
    countRows(c.counts, g.state, g.outcome, g.status, g.n);
  }
  return jobs.sweeps.list(accountId).map((sw) => ({
    id: sw.id,
    name: sw.name,
    templateName: sw.template.name,
    columns: sw.columns,
    createdAt: sw.createdAt,
    ...(counted.get(sw.id) ?? { total: 0, counts: emptyCounts() }),
  }));
}
