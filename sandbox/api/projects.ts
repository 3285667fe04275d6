// Projects the user can charge jobs to, and job tags. The platform assigns a project when a job
// is created with its id (`projectId`, or `project_id` as the v2 body spells it); the sandbox
// refuses an id that is not one of the user's projects (stricter: the platform's answer to an
// unknown id is not known) and shows it as `projectId` in the job's echo and detail.
import type { JobService } from '../jobs/service';
import type { ValidJob } from '../jobs/validate';
import type { JobRec } from '../store/state';
import { isObject, type Json } from '../util/json';
import { ApiError, fieldError, json, notFound, readJson } from './http';
import { paginate } from './pagination';
import type { ApiCtx, Router } from './router';

/** The user's projects: fixed, so tests and demos can name them. */
export const SANDBOX_PROJECTS = [
  { id: 'pRjCfd01', name: 'Wing CFD study', description: 'Aerodynamics runs for the wing redesign' },
  { id: 'pRjMl002', name: 'ML training', description: 'GPU training budget' },
  { id: 'pRjQa003', name: 'Quality assurance', description: '' },
] as const;

function projectView(p: (typeof SANDBOX_PROJECTS)[number]): Json {
  return { id: p.id, name: p.name, description: p.description, isActive: true, dateInserted: '2026-01-05T09:00:00.000000Z' };
}

/** Reads and checks the project of a job body; the job then carries it as `projectId`. */
export function assignProject(v: ValidJob): ValidJob {
  const raw = v.extra['projectId'] ?? v.extra['project_id'];
  if (raw === undefined || raw === null || raw === '') return v;
  const key = v.extra['projectId'] !== undefined ? 'projectId' : 'project_id';
  if (typeof raw !== 'string' || !SANDBOX_PROJECTS.some((p) => p.id === raw)) {
    throw fieldError({ [key]: [`Invalid pk "${String(raw)}" - object does not exist.`] });
  }
  return { ...v, extra: { ...v.extra, projectId: raw } };
}

/** A tag as the platform lists it: the name as given and a normalised form for matching. */
const tagView = (name: string): Json => ({ name, normalizedName: name.trim().toLowerCase() });

async function tagName(ctx: ApiCtx): Promise<string> {
  const body = await readJson(ctx.body, ctx.contentType);
  const name = isObject(body) ? body['name'] : undefined;
  if (name === undefined) throw fieldError({ name: ['This field is required.'] });
  if (typeof name !== 'string' || !name.trim()) throw fieldError({ name: ['This field may not be blank.'] });
  if (name.length > 100) throw fieldError({ name: ['Ensure this field has no more than 100 characters.'] });
  return name.trim();
}

const same = (a: string, b: string): boolean => a.trim().toLowerCase() === b.trim().toLowerCase();

export function projectRoutes(core: { store: { commit(): Promise<void> } }, jobs: JobService, r: Router): void {
  r.add('/api/v2/users/me/projects/', { GET: (ctx) => paginate(ctx, [...SANDBOX_PROJECTS], projectView) });
  const job = (ctx: ApiCtx): JobRec => {
    const j = jobs.get(ctx.params['id'] ?? '');
    if (!j) throw new ApiError(notFound());
    return j;
  };
  // Like file tags: GET is a bare array; POST {name} adds one (an existing tag is kept once);
  // DELETE with a JSON body {name} removes one (removing an absent tag is not an error).
  r.add('/api/v3/jobs/:id/tags/', {
    GET: (ctx) => json(200, (job(ctx).tags ?? []).map(tagView)),
    POST: async (ctx) => {
      const j = job(ctx);
      const name = await tagName(ctx);
      const tags = j.tags ?? [];
      if (!tags.some((t) => same(t, name))) j.tags = [...tags, name];
      await core.store.commit();
      return json(201, tagView(name));
    },
    DELETE: async (ctx) => {
      const j = job(ctx);
      const name = await tagName(ctx);
      j.tags = (j.tags ?? []).filter((t) => !same(t, name));
      await core.store.commit();
      return { status: 204, text: '' };
    },
  });
}
