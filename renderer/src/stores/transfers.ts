import { create } from 'zustand';
import { api, onEvent } from '../api/client';
import { messageOf } from '../lib/format';
import { useConnection } from './connection';
import { useSettings } from './settings';
import { toast } from './toasts';
import { emptyData, finishedIds, fromSnapshot, merge, PendingProgress, withoutCleared, type TransferFilter, type TransfersData } from './transfers-model';

interface TransfersState extends TransfersData {
  loaded: boolean;
  error: string | null;
}

/**
 * Mirrors main's transfer queue: a snapshot with its seq (transfers.list), then the
 * transfersProgress batches. Batches are coalesced to one setState per animation frame, so a
 * burst of thousands of events costs one render, and rows select their own item by id.
 */
export const useTransfers = create<TransfersState>(() => ({ ...emptyData(), loaded: false, error: null }));

/** View state that must survive switching tabs: the filter and which folders are open. */
interface TransfersUi {
  filter: TransferFilter;
  expanded: ReadonlySet<string>;
  setFilter(f: TransferFilter): void;
  toggle(id: string): void;
}
export const useTransfersUi = create<TransfersUi>((set) => ({
  filter: 'all',
  expanded: new Set<string>(),
  setFilter: (filter) => set({ filter }),
  toggle: (id) =>
    set((s) => {
      const next = new Set(s.expanded);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return { expanded: next };
    }),
}));

const pending = new PendingProgress();
/** Rows taken out by "Clear finished" (this window only; main keeps the history). */
const cleared = new Set<string>();
let frame: number | null = null;
let timer: ReturnType<typeof setTimeout> | null = null;
let generation = 0;

function flush(): void {
  if (frame !== null) cancelAnimationFrame(frame);
  if (timer !== null) clearTimeout(timer);
  frame = null;
  timer = null;
  const s = useTransfers.getState();
  if (!s.loaded || pending.size === 0) return; // the snapshot applies what is pending
  const next = merge(s, pending);
  pending.clear();
  if (next) useTransfers.setState(next);
}

function schedule(): void {
  if (frame !== null || timer !== null) return;
  // A frame when the page paints; the timer when it does not (a hidden tab) so work never piles up.
  frame = requestAnimationFrame(flush);
  timer = setTimeout(flush, 150);
}

async function snapshot(): Promise<void> {
  const gen = ++generation;
  try {
    const r = await api.transfers.list({});
    if (gen !== generation) return;
    const base = fromSnapshot(r.seq, withoutCleared(r.items, cleared), r.overall, useTransfers.getState().structure);
    const next = merge(base, pending) ?? base;
    pending.clear();
    useTransfers.setState({ ...next, loaded: true, error: null });
  } catch (e) {
    if (gen === generation) useTransfers.setState({ error: messageOf(e), loaded: true });
  }
}

let started = false;
/** Subscribes first, then asks for the snapshot; again after the transport comes back. */
export function startTransfersMirror(): void {
  if (started) return;
  started = true;
  onEvent('transfersProgress', (batch) => {
    pending.add(cleared.size ? { ...batch, items: withoutCleared(batch.items, cleared) } : batch);
    schedule();
  });
  useConnection.subscribe((s, prev) => {
    if (s.transportUp && !prev.transportUp && useTransfers.getState().loaded) void snapshot();
  });
  // Signing in (or switching accounts) changes what the queue can reach: ask again.
  let active = useSettings.getState().accounts.find((a) => a.active)?.id;
  useSettings.subscribe((s) => {
    const now = s.accounts.find((a) => a.active)?.id;
    if (now === active) return;
    active = now;
    if (useTransfers.getState().loaded) void snapshot();
  });
  void snapshot();
}

/** Requests that change the queue; a refusal becomes a toast (the queue itself reports per item). */
async function act(what: () => Promise<unknown>): Promise<boolean> {
  try {
    await what();
    return true;
  } catch (e) {
    toast({ level: 'error', title: messageOf(e) });
    return false;
  }
}

export const transferActions = {
  pause: (id?: string) => act(() => api.transfers.pause(id ? { id } : {})),
  resume: (id?: string) => act(() => api.transfers.resume(id ? { id } : {})),
  cancel: (id?: string) => act(() => api.transfers.cancel(id ? { id } : {})),
  retry: (id: string) => act(() => api.transfers.retry({ id })),
  /** The contract retries one id at a time: every failed file (batches retry their failed files). */
  retryFailed: () =>
    act(async () => {
      const s = useTransfers.getState();
      const failed = s.top.filter(
        (id) => s.byId[id]?.state === 'failed' || (s.byId[id]?.isBatch && (s.children[id] ?? []).some((c) => s.byId[c]?.state === 'failed')),
      );
      for (const id of failed) await api.transfers.retry({ id });
    }),
  upload: (paths: string[], o: { asArchive?: boolean } = {}) => act(() => api.transfers.upload({ paths, ...(o.asArchive ? { asArchive: true } : {}) })),
  /** Takes finished rows out of the list; returns how many rows went. */
  clearFinished: (): number => {
    flush();
    const s = useTransfers.getState();
    const ids = finishedIds(s);
    if (ids.length === 0) return 0;
    for (const id of ids) cleared.add(id);
    const keep = withoutCleared(Object.values(s.byId), cleared);
    useTransfers.setState(fromSnapshot(s.seq, keep, s.overall, s.structure));
    return s.top.length - useTransfers.getState().top.length;
  },
};
