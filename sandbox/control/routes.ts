import * as z from 'zod';
import { detail, json, type ApiResult } from '../api/http';
import type { SandboxCore } from '../core';
import type { Json } from '../util/json';
import { faultSpecSchema } from './faults';
import { liveRestartRoute, jobPlanRoute } from './job-plan';
import type { Scope } from './ratelimit';

const limitSchema = z.strictObject({ ratePerSec: z.number().positive(), burst: z.number().min(1) });
const rateSchema = z.strictObject({
  enabled: z.boolean(),
  limits: z.partialRecord(z.enum(['user', 'job-submission', 'jobs-usage']), limitSchema).optional(),
});

function invalid(err: z.ZodError): ApiResult {
  return json(400, { detail: 'Invalid control request.', issues: err.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`) });
}

/**
 * Test controls under /__sandbox/ (only mounted with faults enabled). No auth: the sandbox
 * binds to loopback and these exist to break things on purpose.
 */
export async function controlRoute(core: SandboxCore, method: string, path: string, body: () => Promise<unknown>): Promise<ApiResult> {
  if (path === '/__sandbox/faults') {
    if (method === 'GET') return json(200, { faults: core.faults.list() as unknown as Json });
    if (method === 'DELETE') {
      core.faults.clear();
      return { status: 204, text: '' };
    }
    if (method === 'POST') {
      const parsed = faultSpecSchema.safeParse(await body());
      if (!parsed.success) return invalid(parsed.error);
      let expired = 0;
      if (parsed.data.expireCredentials) expired = (await core.creds.expireAll()) + (core.sas?.revokeAll() ?? 0);
      if (parsed.data.rateLimits !== undefined) core.limiter.configure(parsed.data.rateLimits);
      const rule = core.faults.add(parsed.data);
      return json(201, { rule: rule as unknown as Json, expiredCredentials: expired });
    }
  }
  if (path === '/__sandbox/stats') {
    if (method === 'GET') return json(200, core.stats.snapshot() as unknown as Json);
    if (method === 'DELETE') {
      core.stats.reset();
      return { status: 204, text: '' };
    }
  }
  if (path === '/__sandbox/rate-limits') {
    if (method === 'GET') return json(200, { enabled: core.limiter.enabled, limits: core.limiter.limits as unknown as Json });
    if (method === 'POST') {
      const parsed = rateSchema.safeParse(await body());
      if (!parsed.success) return invalid(parsed.error);
      core.limiter.configure(parsed.data.enabled, parsed.data.limits as Partial<Record<Scope, { ratePerSec: number; burst: number }>>);
      return json(200, { enabled: core.limiter.enabled, limits: core.limiter.limits as unknown as Json });
    }
  }
  const plan = /^\/__sandbox\/jobs\/([A-Za-z0-9]+)\/plan$/.exec(path);
  if (plan) return jobPlanRoute(core, method, plan[1]!, body);
  const restart = /^\/__sandbox\/jobs\/([A-Za-z0-9]+)\/live-restart$/.exec(path);
  if (restart && method === 'POST') return liveRestartRoute(core, restart[1]!);
  if (path === '/__sandbox/info' && method === 'GET') {
    const { bucket, region, jobSeconds, storageType } = core.config;
    const azureBlobEndpoint = core.config.azureBlobEndpoint ?? null;
    return json(200, { bucket, region, jobSeconds, userId: core.user.id, storageDir: core.storageDir(), storageType, azureBlobEndpoint });
  }
  return detail(404, 'Unknown sandbox control.');
}
