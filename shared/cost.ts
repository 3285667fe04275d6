// What a job costs: the hourly price of its hardware, the total for a number of hours, and the
// cost so far of a run from its status history. Pure (no I/O), shared by the core, the CLI and
// the renderer so every place computes the same figure. A price that is not known is null —
// never 0, which would read as "free".
import { parseStatusDate, statusDef } from './job-status';

/**
 * The platform's core type records name no currency; Rescale bills in US dollars. This is the one
 * place that assumption is made (a platform that sends a currency overrides it).
 */
export const DEFAULT_CURRENCY = 'USD';

/** Billing starts when the cluster has started (the vocabulary's order of `Started`). */
const RUNNING_ORDER = statusDef('Started')?.order ?? 30;

export interface CoreTypePrices {
  /** Per core-hour, on demand. */
  price?: number | null | undefined;
  /** Per core-hour, low priority. */
  lowPriorityPrice?: number | null | undefined;
}

export interface PricedHardware {
  coresPerSlot: number;
  slots: number;
  lowPriority?: boolean | undefined;
}

/**
 * A price field as records carry it: a number, or a numeric string (`lowPriorityPrice` is one);
 * anything else (missing, null, "", "N/A", negative) is unknown.
 */
export function parsePrice(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** Money figures keep 6 decimals: enough for a second of one core, free of float noise (0.1 × 3). */
const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** Price per hour of the whole job: per core-hour × cores per slot × slots (the low-priority price when asked for). */
export function hourlyPrice(prices: CoreTypePrices | null | undefined, hw: PricedHardware): number | null {
  const perCore = hw.lowPriority ? prices?.lowPriorityPrice : prices?.price;
  if (perCore === null || perCore === undefined || !Number.isFinite(perCore)) return null;
  return round(perCore * hw.coresPerSlot * hw.slots);
}

export function totalFor(hourly: number | null, hours: number): number | null {
  return hourly === null ? null : round(hourly * hours);
}

interface HistoryEntry {
  status: string;
  statusDate: string;
}

/**
 * When the job started running (its first Started/Validated/Executing/… status) and when it
 * ended (its first final status); null when not reached. Order of the list does not matter.
 */
export function runWindow(history: readonly HistoryEntry[]): { startedAt: number | null; endedAt: number | null } {
  let startedAt: number | null = null;
  let endedAt: number | null = null;
  for (const h of history) {
    const def = statusDef(h.status);
    const at = parseStatusDate(h.statusDate);
    if (!def || at === null) continue;
    if (def.final) endedAt = endedAt === null ? at : Math.min(endedAt, at);
    else if (def.order >= RUNNING_ORDER) startedAt = startedAt === null ? at : Math.min(startedAt, at);
  }
  // A job stopped before it ever ran costs nothing: no start, no window.
  return { startedAt, endedAt: startedAt === null ? null : endedAt };
}

/** Milliseconds the job has been (or was) running at `now`. */
export function runningMs(history: readonly HistoryEntry[], now: number): number {
  const w = runWindow(history);
  if (w.startedAt === null) return 0;
  return Math.max(0, (w.endedAt ?? now) - w.startedAt);
}

/** Hourly price × running time; null when the price is not known. Final once the job has ended. */
export function costSoFar(hourly: number | null, history: readonly HistoryEntry[], now: number): number | null {
  return hourly === null ? null : round((hourly * runningMs(history, now)) / 3_600_000);
}

/** Start of the calendar month (local time) that `now` falls in. */
export function monthStart(now: number): number {
  const d = new Date(now);
  return new Date(d.getFullYear(), d.getMonth(), 1).getTime();
}

/**
 * What part of a run falls in the month of `now` (a run that began last month counts from the 1st).
 */
export function costThisMonth(hourly: number | null, history: readonly HistoryEntry[], now: number): number | null {
  if (hourly === null) return null;
  const w = runWindow(history);
  if (w.startedAt === null) return 0;
  const from = Math.max(w.startedAt, monthStart(now));
  const to = w.endedAt ?? now;
  return round((hourly * Math.max(0, to - from)) / 3_600_000);
}

/**
 * A money figure for people: 2 decimals, or 4 below 1 when the amount needs them ($0.0004 is not
 * $0.00); `running` always keeps 4 below 1, so a running job's figure moves without changing width.
 * null (price not known) gives null: the caller says "price not available" in its own language.
 */
export function formatMoney(amount: number | null, currency: string = DEFAULT_CURRENCY, locale = 'en-US', running = false): string | null {
  if (amount === null) return null;
  const cents = Number.isInteger(Math.round(amount * 1e6) / 1e4);
  const digits = Math.abs(amount) < 1 && amount !== 0 && (running || !cents) ? 4 : 2;
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(amount);
  } catch {
    return `${amount.toFixed(digits)} ${currency}`; // a currency code Intl does not know
  }
}

export interface PricedCatalog {
  coreTypes: readonly ({ code: string } & CoreTypePrices)[];
  currency?: string | undefined;
}

export interface Estimate {
  coreType: string;
  /** Cores of the whole job: cores per slot × slots. */
  cores: number;
  lowPriority: boolean;
  /** Per hour of the whole job; null = price not available. */
  hourly: number | null;
  /** The hours asked for, else the walltime; null when neither is known. */
  hours: number | null;
  total: number | null;
  currency: string;
}

/** What a template's hardware costs per hour, and for `hours` (default: its walltime). */
export function estimate(
  t: { hardware: PricedHardware & { coreType: string; walltimeHours?: number | undefined }; lowPriority?: boolean | undefined },
  catalog: PricedCatalog | null,
  hours?: number,
): Estimate {
  const lowPriority = !!t.lowPriority;
  const prices = catalog?.coreTypes.find((c) => c.code === t.hardware.coreType);
  const hourly = hourlyPrice(prices, { ...t.hardware, lowPriority });
  const h = hours ?? t.hardware.walltimeHours ?? null;
  return {
    coreType: t.hardware.coreType,
    cores: t.hardware.coresPerSlot * t.hardware.slots,
    lowPriority,
    hourly,
    hours: h,
    total: h === null ? null : totalFor(hourly, h),
    currency: catalog?.currency ?? DEFAULT_CURRENCY,
  };
}
