// A job's cost for the views: its hardware (from the job record or what Courier recorded at
// launch) priced with the cached catalog, over the running time its status history shows.
import { costSoFar, costThisMonth, DEFAULT_CURRENCY, hourlyPrice, monthStart, runWindow } from '../../../shared/cost';
import type { CatalogView, JobCost, JobStatusItem, MonthCost } from '../../../shared/jobs';
import type { JobRecord } from '../rescale/models';
import type { JobHardware, TrackedJob } from './tracked-store';

type Prices = Pick<CatalogView, 'coreTypes' | 'currency'> | null;

/** The hardware a job record names (its first analysis); null when the record does not say. */
export function hardwareOfRecord(r: Pick<JobRecord, 'jobanalyses' | 'isLowPriority'>): JobHardware | null {
  const hw = r.jobanalyses?.[0]?.hardware;
  if (!hw?.coreType || !hw.coresPerSlot) return null;
  return {
    coreType: hw.coreType,
    coresPerSlot: hw.coresPerSlot,
    slots: hw.slots ?? 1,
    lowPriority: !!r.isLowPriority,
    ...(hw.walltime ? { walltimeHours: hw.walltime } : {}),
  };
}

function hourlyOf(hw: JobHardware, catalog: Prices): number | null {
  return hourlyPrice(
    catalog?.coreTypes.find((c) => c.code === hw.coreType),
    hw,
  );
}

export function jobCostView(hw: JobHardware, catalog: Prices, history: readonly JobStatusItem[], now = Date.now()): JobCost {
  const hourly = hourlyOf(hw, catalog);
  const w = runWindow(history);
  return {
    coreType: hw.coreType,
    cores: hw.coresPerSlot * hw.slots,
    lowPriority: hw.lowPriority,
    hourly,
    currency: catalog?.currency ?? DEFAULT_CURRENCY,
    startedAt: w.startedAt,
    endedAt: w.endedAt,
    soFar: costSoFar(hourly, history, now),
    walltimeHours: hw.walltimeHours ?? null,
  };
}

/**
 * What Courier's jobs cost this month: every watched job that ran in the month, the part of its
 * run inside the month. Jobs without a known price are counted apart, never as 0.
 */
export function monthCostView(jobs: readonly TrackedJob[], catalog: Prices, now = Date.now()): MonthCost {
  const since = monthStart(now);
  let total: number | null = null;
  let count = 0;
  let unpriced = 0;
  for (const j of jobs) {
    const w = runWindow(j.history);
    if (w.startedAt === null || (w.endedAt !== null && w.endedAt < since)) continue;
    count++;
    const hw = j.options.hardware;
    const part = hw ? costThisMonth(hourlyOf(hw, catalog), j.history, now) : null;
    if (part === null) unpriced++;
    else total = Math.round(((total ?? 0) + part) * 1e6) / 1e6;
  }
  return { total, currency: catalog?.currency ?? DEFAULT_CURRENCY, since, jobs: count, unpriced };
}
