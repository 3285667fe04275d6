import { create } from 'zustand';
import type { SweepSummary, SweepView } from '../../../shared/sweeps';
import { api } from '../api/client';
import { messageOf } from '../lib/format';

interface SweepsState {
  list: SweepSummary[];
  loaded: boolean;
  error: string | null;
  /** The sweep open in the batch view (by id), with its rows. */
  current: SweepView | null;
  currentError: string | null;
  /** The "New sweep…" dialog. */
  dialogOpen: boolean;
}

/** Sweeps of the active account: the list, and the one open in the batch view. */
export const useSweeps = create<SweepsState>(() => ({ list: [], loaded: false, error: null, current: null, currentError: null, dialogOpen: false }));

let listing: Promise<void> | null = null;
export function refreshSweeps(): Promise<void> {
  listing ??= api.sweeps
    .list({})
    .then((r) => useSweeps.setState({ list: [...r.sweeps].sort((a, b) => b.createdAt - a.createdAt), loaded: true, error: null }))
    .catch((e: unknown) => useSweeps.setState({ loaded: true, error: messageOf(e) }))
    .finally(() => (listing = null));
  return listing;
}

// One request at a time per sweep: events arrive in bursts while rows go out.
let getting: { id: string; p: Promise<void> } | null = null;
export function refreshSweep(id: string): Promise<void> {
  if (getting?.id === id) return getting.p;
  const p = api.sweeps
    .get({ sweep: id })
    .then((v) => useSweeps.setState({ current: v, currentError: null }))
    .catch((e: unknown) => useSweeps.setState({ currentError: messageOf(e) }))
    .finally(() => {
      if (getting?.p === p) getting = null;
    });
  getting = { id, p };
  return p;
}

export function openSweepDialog(open: boolean): void {
  useSweeps.setState({ dialogOpen: open });
}
