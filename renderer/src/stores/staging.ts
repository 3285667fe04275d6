import { create } from 'zustand';

/** Files dropped in a browser on their way to the web host's staging folder, before the upload. */
export interface StagingBatch {
  id: string;
  label: string;
  files: number;
  filesDone: number;
  bytesTotal: number;
  bytesDone: number;
  state: 'staging' | 'starting' | 'failed';
  error?: string;
}

interface StagingState {
  batches: StagingBatch[];
}

export const useStaging = create<StagingState>(() => ({ batches: [] }));

export function putBatch(b: StagingBatch): void {
  useStaging.setState((s) => ({ batches: [...s.batches.filter((x) => x.id !== b.id), b] }));
}

export function patchBatch(id: string, patch: Partial<StagingBatch>): void {
  useStaging.setState((s) => ({ batches: s.batches.map((b) => (b.id === id ? { ...b, ...patch } : b)) }));
}

export function dropBatch(id: string): void {
  useStaging.setState((s) => ({ batches: s.batches.filter((b) => b.id !== id) }));
}
