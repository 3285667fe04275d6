import { create } from 'zustand';

export interface Toast {
  id: number;
  level: 'info' | 'warn' | 'error' | 'ok';
  title: string;
  body?: string;
  /** Opens a job (#/jobs/<id>) when the toast is clicked. */
  jobId?: string;
  /** A local path the title names: the toast offers to copy it (a browser cannot open folders). */
  path?: string;
}

interface ToastState {
  toasts: Toast[];
  dismiss(id: number): void;
}

export const useToasts = create<ToastState>((set) => ({
  toasts: [],
  dismiss: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
}));

let nextId = 1;
const LIFETIME_MS = { info: 10_000, ok: 8_000, warn: 15_000, error: 0 } as const;

/** Shows an in-app toast; errors stay until closed, the rest fade after a while. */
export function toast(t: Omit<Toast, 'id'>): number {
  const id = nextId++;
  useToasts.setState((s) => ({ toasts: [...s.toasts.slice(-4), { ...t, id }] }));
  const life = LIFETIME_MS[t.level];
  if (life > 0) setTimeout(() => useToasts.getState().dismiss(id), life);
  return id;
}
