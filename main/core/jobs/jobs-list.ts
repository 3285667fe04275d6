// One page of the user's jobs, newest first, with the one-word status the list carries
// (`jobStatus.content`; '' for a job never submitted).
import { jobRecord } from '../rescale/models';
import type { RescaleApi } from '../rescale/api';

export interface ListedJob {
  id: string;
  name: string;
  status: string;
  dateInserted: string | null;
}

export async function jobsPage(
  api: RescaleApi,
  page: number,
  pageSize: number,
  signal?: AbortSignal,
): Promise<{ items: ListedJob[]; hasNext: boolean; count: number; skipped: number }> {
  // Item by item: a job whose record is unusable (an id that is not an id) is left out, not fatal.
  const r = await api.http.listPage('/api/v2/jobs/', jobRecord, {
    query: { page, page_size: pageSize, ordering: '-dateInserted' },
    what: 'list your jobs',
    ...(signal ? { signal } : {}),
  });
  return {
    items: r.items.map((j) => ({ id: j.id, name: j.name, status: j.jobStatus?.content ?? '', dateInserted: j.dateInserted })),
    hasNext: r.hasNext,
    count: r.count,
    skipped: r.skipped.count,
  };
}
