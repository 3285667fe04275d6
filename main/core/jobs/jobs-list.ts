// One page of the user's jobs, newest first, with the one-word status the list carries
// (`jobStatus.content`; '' for a job never submitted).
import { z } from 'zod';
import { jobRecord } from '../rescale/models';
import type { RescaleApi } from '../rescale/api';

export interface ListedJob {
  id: string;
  name: string;
  status: string;
  dateInserted: string | null;
}

const schema = z.looseObject({ count: z.number().nullish(), next: z.string().nullish(), results: z.array(jobRecord) });

export async function jobsPage(api: RescaleApi, page: number, pageSize: number, signal?: AbortSignal): Promise<{ items: ListedJob[]; hasNext: boolean; count: number }> {
  const r = await api.http.call('GET', '/api/v2/jobs/', {
    schema,
    query: { page, page_size: pageSize, ordering: '-dateInserted' },
    what: 'list your jobs',
    ...(signal ? { signal } : {}),
  });
  return {
    items: r.results.map((j) => ({ id: j.id, name: j.name, status: j.jobStatus?.content ?? '', dateInserted: j.dateInserted })),
    hasNext: !!r.next,
    count: r.count ?? r.results.length,
  };
}
