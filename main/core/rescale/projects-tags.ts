// Projects a job can be charged to, and job tags. Both lists are parsed item by item: a project
// or tag record the platform got wrong costs that record, not the list.
import * as z from 'zod';
import type { RescaleApi } from './api';
import { newTally, parseItems, type SkipTally } from './lists';
import { listPage, platformId } from './models';

/** `GET /api/v2/users/me/projects/` items: only `id` and `name` are read (ids may come as numbers). */
export const projectRecord = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String).pipe(platformId),
  name: z.string().nullish(),
  isActive: z.boolean().nullish(),
});
export interface Project {
  id: string;
  name: string;
}

export async function listProjects(api: RescaleApi, signal?: AbortSignal): Promise<{ projects: Project[]; skipped: SkipTally }> {
  const skipped = newTally();
  const projects: Project[] = [];
  const opts = { what: 'list your projects', pageSize: 100, skipped, ...(signal ? { signal } : {}) };
  for await (const p of api.http.paginate('/api/v2/users/me/projects/', projectRecord, opts)) {
    if (p.isActive !== false) projects.push({ id: p.id, name: p.name?.trim() || p.id });
  }
  return { projects, skipped };
}

/** A tag as the platform lists it (`{name, normalizedName}`), like file tags. */
const tagRecord = z.union([z.looseObject({ name: z.string().min(1) }).transform((t) => t.name), z.string().min(1)]);
/** The tags answer is a bare array; a paginated object is read too, in case it ever is one. */
const tagsAnswer = z.union([z.array(z.unknown()), listPage.transform((p) => p.results)]);

const tagsPath = (jobId: string): string => `/api/v3/jobs/${encodeURIComponent(jobId)}/tags/`;

export async function jobTags(api: RescaleApi, jobId: string, signal?: AbortSignal): Promise<string[]> {
  const raw = await api.http.call('GET', tagsPath(jobId), { schema: tagsAnswer, what: `read the tags of job ${jobId}`, ...(signal ? { signal } : {}) });
  return [...new Set(parseItems(raw, tagRecord, newTally()))];
}

// Adding a tag that is there already keeps one, and removing one that is gone changes nothing,
// so both may be retried like reads.
export async function addJobTag(api: RescaleApi, jobId: string, name: string): Promise<void> {
  await api.http.call('POST', tagsPath(jobId), { schema: z.unknown(), body: { name }, retry: 'read', what: `tag job ${jobId} "${name}"` });
}

export async function removeJobTag(api: RescaleApi, jobId: string, name: string): Promise<void> {
  await api.http.call('DELETE', tagsPath(jobId), { schema: z.unknown(), body: { name }, retry: 'read', what: `remove the tag "${name}" from job ${jobId}` });
}
