import { create } from 'zustand';
import type { RemoteEntry } from '../../../shared/contract/files';
import { api } from '../api/client';
import { messageOf } from '../lib/format';

export interface Crumb {
  id: string | undefined;
  name: string;
}

interface FilesState {
  tab: 'browse' | 'recent';
  /** The folder path shown, from My Library down (id undefined = the library itself). */
  crumbs: Crumb[];
  entries: RemoteEntry[];
  loading: boolean;
  error: string | null;
  recent: { page: number; pageSize: number; count: number; hasNext: boolean; entries: RemoteEntry[] };
}

/** Where the Files view is (kept across tab switches) and what it shows. */
export const useFiles = create<FilesState>(() => ({
  tab: 'browse',
  crumbs: [{ id: undefined, name: '' }],
  entries: [],
  loading: false,
  error: null,
  recent: { page: 1, pageSize: 50, count: 0, hasNext: false, entries: [] },
}));

let generation = 0;
async function guarded(fn: () => Promise<Partial<FilesState>>): Promise<void> {
  const gen = ++generation;
  useFiles.setState({ loading: true, error: null });
  try {
    const patch = await fn();
    if (gen === generation) useFiles.setState({ ...patch, loading: false });
  } catch (e) {
    if (gen === generation) useFiles.setState({ loading: false, error: messageOf(e) });
  }
}

export function openFolder(crumbs: Crumb[]): Promise<void> {
  const here = crumbs.at(-1);
  return guarded(async () => {
    const r = await api.files.browse(here?.id ? { folderId: here.id } : {});
    const fixed = crumbs.map((c, i) => (i === crumbs.length - 1 && !c.id ? { ...c, id: r.folderId } : c));
    return { crumbs: fixed, entries: r.entries };
  });
}

export function reloadFiles(): Promise<void> {
  const s = useFiles.getState();
  return s.tab === 'browse' ? openFolder(s.crumbs) : openRecent(s.recent.page);
}

export function openRecent(page: number): Promise<void> {
  const { pageSize } = useFiles.getState().recent;
  return guarded(async () => {
    const r = await api.files.recent({ page, pageSize });
    return { recent: { page: r.page, pageSize, count: r.count, hasNext: r.hasNext, entries: r.entries } };
  });
}

export function setFilesTab(tab: FilesState['tab']): void {
  useFiles.setState({ tab });
  void reloadFiles();
}
