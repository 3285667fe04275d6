// The pure half of the transfers mirror: building the normalized state from a snapshot,
// merging progress batches (latest wins, older than the snapshot dropped) and deriving the
// rows a filter shows. No React, no transport: easy to reason about and to test.
import type { z } from 'zod';
import type { overallProgress, TransferView } from '../../../shared/contract/events';
import { percent } from '../lib/format';

export type Overall = z.infer<typeof overallProgress>;
export type TransferFilter = 'all' | 'active' | 'queued' | 'done' | 'failed';
export const filters: readonly TransferFilter[] = ['all', 'active', 'queued', 'done', 'failed'];
export type Category = Exclude<TransferFilter, 'all'> | 'other';

export function categoryOf(state: TransferView['state']): Category {
  switch (state) {
    case 'running':
    case 'verifying':
    case 'paused':
      return 'active';
    case 'queued':
      return 'queued';
    case 'done':
      return 'done';
    case 'failed':
      return 'failed';
    case 'cancelled':
      return 'other';
  }
}

export interface TransfersData {
  byId: Record<string, TransferView>;
  /** Top-level rows (single transfers and folder batches), newest first. */
  top: string[];
  /** A batch's files, in the order they were added. */
  children: Record<string, string[]>;
  /** Every file (no batches), in display order: what the filtered, flat lists draw from. */
  leaves: string[];
  counts: Record<Category, number>;
  /** Main's figures: speed and time left come from here. */
  overall: Overall;
  /** Bytes and counts summed from the rows themselves, so the header agrees with what the rows show. */
  totals: Totals;
  /** The sequence number of the newest state applied (snapshot or batch). */
  seq: number;
  /** Bumps when rows appear or change category, so lists recompute only then (not per byte). */
  structure: number;
}

export const emptyOverall: Overall = { bytesDone: 0, bytesTotal: 0, bytesPerSecond: 0, etaSeconds: null, active: 0 };

/**
 * What the overall header shows. A paused file counts with the bytes it has (not as active, not
 * as zero); a cancelled file leaves the total, and is counted apart so the header can say so.
 */
export interface Totals {
  bytesDone: number;
  bytesTotal: number;
  /** Files moving now (running or verifying); paused and queued ones are not. */
  active: number;
  paused: number;
  cancelled: number;
  cancelledBytes: number;
}

const zeroTotals = (): Totals => ({ bytesDone: 0, bytesTotal: 0, active: 0, paused: 0, cancelled: 0, cancelledBytes: 0 });

/** Adds (sign 1) or removes (sign -1) one item's share of the totals; batches add nothing (their files do). */
function account(t: Totals, it: TransferView, sign: 1 | -1): void {
  if (it.isBatch) return;
  if (it.state === 'cancelled') {
    t.cancelled += sign;
    t.cancelledBytes += sign * it.size;
    return;
  }
  t.bytesTotal += sign * it.size;
  t.bytesDone += sign * (it.state === 'done' ? it.size : Math.min(it.bytesDone, it.size));
  if (it.state === 'running' || it.state === 'verifying') t.active += sign;
  if (it.state === 'paused') t.paused += sign;
}

/** The percentage a row shows: a finished file is 100% even when it has no bytes. */
export function itemPercent(it: Pick<TransferView, 'state' | 'bytesDone' | 'size'>): number {
  return it.state === 'done' ? 100 : percent(it.bytesDone, it.size);
}

/** The header's figures: bytes from the rows, speed from main, time left from both. */
export function headerFigures(d: Pick<TransfersData, 'totals' | 'overall'>): Totals & { pct: number; bytesPerSecond: number; etaSeconds: number | null } {
  const t = d.totals;
  const bps = t.active > 0 ? d.overall.bytesPerSecond : 0;
  const etaSeconds = bps > 0 ? Math.ceil(Math.max(0, t.bytesTotal - t.bytesDone) / bps) : null;
  return { ...t, pct: percent(t.bytesDone, t.bytesTotal), bytesPerSecond: bps, etaSeconds };
}

export function emptyData(): TransfersData {
  return { byId: {}, top: [], children: {}, leaves: [], counts: zeroCounts(), overall: emptyOverall, totals: zeroTotals(), seq: -1, structure: 0 };
}

const zeroCounts = (): Record<Category, number> => ({ active: 0, queued: 0, done: 0, failed: 0, other: 0 });

/** Top rows, children and leaves from byId (used when new ids arrive; per-byte updates never rebuild). */
function index(byId: Record<string, TransferView>): Pick<TransfersData, 'top' | 'children' | 'leaves' | 'counts'> {
  const all = Object.values(byId);
  const children: Record<string, string[]> = {};
  const top: TransferView[] = [];
  const counts = zeroCounts();
  for (const it of all) {
    if (!it.isBatch) counts[categoryOf(it.state)]++;
    if (it.parentId && byId[it.parentId]) (children[it.parentId] ??= []).push(it.id);
    else top.push(it);
  }
  top.sort((a, b) => b.createdAt - a.createdAt);
  const leaves: string[] = [];
  for (const it of top) {
    if (it.isBatch) leaves.push(...(children[it.id] ?? []));
    else leaves.push(it.id);
  }
  return { top: top.map((t) => t.id), children, leaves, counts };
}

export function fromSnapshot(seq: number, items: TransferView[], overall: Overall, structure: number): TransfersData {
  const byId: Record<string, TransferView> = {};
  const totals = zeroTotals();
  for (const it of items) {
    byId[it.id] = it;
    account(totals, it, 1);
  }
  return { byId, ...index(byId), overall, totals, seq, structure: structure + 1 };
}

/** Progress waiting to be applied: the latest state of each item and the seq of its batch. */
export class PendingProgress {
  readonly items = new Map<string, { item: TransferView; seq: number }>();
  overall: Overall | null = null;
  overallSeq = -1;
  maxSeq = -1;

  add(batch: { seq: number; items: TransferView[]; overall: Overall }): void {
    for (const item of batch.items) {
      const had = this.items.get(item.id);
      if (!had || had.seq <= batch.seq) this.items.set(item.id, { item, seq: batch.seq });
    }
    if (batch.seq >= this.overallSeq) {
      this.overall = batch.overall;
      this.overallSeq = batch.seq;
    }
    this.maxSeq = Math.max(this.maxSeq, batch.seq);
  }

  get size(): number {
    return this.items.size + (this.overall ? 1 : 0);
  }

  clear(): void {
    this.items.clear();
    this.overall = null;
    this.overallSeq = -1;
    this.maxSeq = -1;
  }
}

/**
 * Applies pending progress on top of `d`: items from batches not newer than `d.seq` are already
 * in it (the snapshot was taken later) and are dropped. Returns null when nothing changes.
 */
export function merge(d: TransfersData, p: PendingProgress): TransfersData | null {
  if (p.maxSeq <= d.seq) return null;
  const byId = { ...d.byId };
  const counts = { ...d.counts };
  const totals = { ...d.totals };
  let added = false;
  let moved = false;
  for (const [id, { item, seq }] of p.items) {
    if (seq <= d.seq) continue;
    const old = byId[id];
    if (old) account(totals, old, -1);
    account(totals, item, 1);
    if (!old) added = true;
    else if (!item.isBatch && categoryOf(old.state) !== categoryOf(item.state)) {
      moved = true;
      counts[categoryOf(old.state)]--;
      counts[categoryOf(item.state)]++;
    }
    byId[id] = item;
  }
  const overall = p.overall && p.overallSeq > d.seq ? p.overall : d.overall;
  if (added) return { ...d, byId, ...index(byId), overall, totals, seq: p.maxSeq, structure: d.structure + 1 };
  return { ...d, byId, counts, overall, totals, seq: p.maxSeq, structure: moved ? d.structure + 1 : d.structure };
}

export interface Row {
  id: string;
  depth: 0 | 1;
}

/** What the list shows: the tree (batches expandable) for "all", a flat list of files otherwise. */
export function visibleRows(d: TransfersData, filter: TransferFilter, expanded: ReadonlySet<string>): Row[] {
  const rows: Row[] = [];
  if (filter === 'all') {
    for (const id of d.top) {
      rows.push({ id, depth: 0 });
      if (expanded.has(id)) for (const c of d.children[id] ?? []) rows.push({ id: c, depth: 1 });
    }
    return rows;
  }
  for (const id of d.leaves) {
    const it = d.byId[id];
    if (it && categoryOf(it.state) === filter) rows.push({ id, depth: 0 });
  }
  return rows;
}

/**
 * The ids "Clear finished" takes out of the list: finished top rows (a folder with all its files).
 * Main keeps its history; the list simply stops showing them.
 */
export function finishedIds(d: Pick<TransfersData, 'top' | 'byId' | 'children'>): string[] {
  const out: string[] = [];
  for (const id of d.top) {
    const it = d.byId[id];
    if (it?.state !== 'done') continue;
    out.push(id, ...(d.children[id] ?? []));
  }
  return out;
}

/** The snapshot without the cleared rows (a cleared folder's files go with it). */
export function withoutCleared(items: TransferView[], cleared: ReadonlySet<string>): TransferView[] {
  if (cleared.size === 0) return items;
  return items.filter((i) => !cleared.has(i.id) && !(i.parentId && cleared.has(i.parentId)));
}
