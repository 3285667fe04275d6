import * as z from 'zod';
import { ApiError, detail, json, type ApiResult } from '../api/http';
import type { SandboxCore } from '../core';
import { isFinished, jobPlan, runWindow, visibleHistory } from '../jobs/clock';
import type { Json } from '../util/json';

export const jobPlanSchema = z.strictObject({
  ending: z.enum(['complete', 'fail', 'force-stop', 'until-stopped']).optional(),
  waiting: z.boolean().optional(),
});

/**
 * GET/POST /__sandbox/jobs/{id}/plan: how a job's simulated run goes, for a job whose name
 * cannot carry the plan words. A change that would rewrite statuses already shown is refused
 * (409): a client may have seen them, and the platform never rewrites history.
 */
export async function jobPlanRoute(core: SandboxCore, method: string, jobId: string, body: () => Promise<unknown>): Promise<ApiResult> {
  const job = core.store.state.jobs[jobId];
  if (!job) return detail(404, 'Not found.');
  if (method === 'GET') return json(200, jobPlan(job) as unknown as Json);
  if (method !== 'POST') return detail(405, `Method "${method}" not allowed.`);
  let raw: unknown;
  try {
    raw = await body();
  } catch (e) {
    if (e instanceof ApiError) return e.result; // unreadable JSON, wrong media type: DRF's answer, not a dropped socket
    throw e;
  }
  const parsed = jobPlanSchema.safeParse(raw);
  if (!parsed.success)
    return json(400, { detail: 'Invalid control request.', issues: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`) });
  const now = Date.now();
  const plan = { ...job.plan, ...Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) };
  const seen = JSON.stringify(visibleHistory(job, now));
  if (isFinished(job, now) || seen !== JSON.stringify(visibleHistory({ ...job, plan }, now))) {
    return detail(409, 'The job is past that point: the statuses it has already shown would change.');
  }
  job.plan = plan;
  await core.store.commit();
  return json(200, jobPlan(job) as unknown as Json);
}

/**
 * POST /__sandbox/jobs/{id}/live-restart: the running program starts over now, rewriting its
 * process_output.log from its first line (a truncated, rewritten file for followers to notice).
 */
export async function liveRestartRoute(core: SandboxCore, jobId: string): Promise<ApiResult> {
  const job = core.store.state.jobs[jobId];
  if (!job) return detail(404, 'Not found.');
  const now = Date.now();
  const run = runWindow(job, now);
  if (!run || run.completed !== null) return detail(409, 'The job is not running: only a running program can restart.');
  job.liveRestartAt = now;
  await core.store.commit();
  return json(200, { liveRestartAt: now });
}
