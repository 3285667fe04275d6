import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import picomatch from 'picomatch';
import { z } from 'zod';
import { delay } from '../util/time';
import { cutRequestAfter, cutResponseAfter } from './cut';

export const faultSpecSchema = z.strictObject({
  /** Which server the rule applies to; defaults to "s3" when `op` is given, else "api". */
  target: z.enum(['api', 's3', 'any']).optional(),
  method: z.string().min(1).optional(),
  /** Glob over the request path (`*` stays within a segment, `**` crosses them). */
  path: z.string().min(1).optional(),
  /** S3 operation name, e.g. UploadPart, GetObject. */
  op: z.string().min(1).optional(),
  /** Glob over the raw query string, e.g. "*partNumber=2&*". */
  query: z.string().optional(),
  status: z.number().int().min(100).max(599).optional(),
  body: z.unknown().optional(),
  /** S3 error code for `status` faults on the S3 side (default derived from the status). */
  code: z.string().optional(),
  retryAfter: z.number().int().min(0).optional(),
  applyEffect: z.boolean().optional(),
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  cutAfterBytes: z.number().int().min(0).optional(),
  cutDirection: z.enum(['request', 'response']).optional(),
  times: z.number().int().min(1).optional(),
  expireCredentials: z.boolean().optional(),
  /** Action: switch the platform rate limits on or off (same as POST /__sandbox/rate-limits). */
  rateLimits: z.boolean().optional(),
});

export type FaultSpec = z.infer<typeof faultSpecSchema>;

export interface FaultRule extends FaultSpec {
  id: number;
  target: 'api' | 's3' | 'any';
  remaining: number;
  hits: number;
}

export interface FaultRequest {
  target: 'api' | 's3';
  method: string;
  path: string;
  query: string;
  op?: string;
}

interface Compiled {
  rule: FaultRule;
  path: ((s: string) => boolean) | null;
  query: ((s: string) => boolean) | null;
}

/** Injected failures, consumed in the order they were added. */
export class FaultRegistry {
  private rules: Compiled[] = [];
  private nextId = 1;

  /** Returns the stored rule, or null for pure actions (expireCredentials / rateLimits alone). */
  add(spec: FaultSpec): FaultRule | null {
    const acts = spec.status !== undefined || spec.latencyMs !== undefined || spec.cutAfterBytes !== undefined;
    if (!acts) return null;
    const rule: FaultRule = {
      ...spec,
      id: this.nextId++,
      target: spec.target ?? (spec.op ? 's3' : 'api'),
      remaining: spec.times ?? Number.POSITIVE_INFINITY,
      hits: 0,
    };
    const glob = (g: string | undefined) => (g === undefined ? null : picomatch(g, { dot: true }));
    this.rules.push({ rule, path: glob(spec.path), query: glob(spec.query) });
    return rule;
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map((c) => c.rule);
  }

  /** The first live rule matching the request; consumes one of its `times`. */
  take(req: FaultRequest): FaultRule | undefined {
    for (const c of this.rules) {
      const r = c.rule;
      if (r.remaining <= 0) continue;
      if (r.target !== 'any' && r.target !== req.target) continue;
      if (r.method && r.method.toUpperCase() !== req.method) continue;
      if (r.op && r.op !== req.op) continue;
      if (c.path && !c.path(req.path)) continue;
      if (c.query && !c.query(req.query)) continue;
      r.remaining -= 1;
      r.hits += 1;
      return r;
    }
    return undefined;
  }

  /** Cut direction when the rule does not say: uploads are cut on the way in, the rest on the way out. */
  static cutsRequest(rule: FaultRule, method: string): boolean {
    return rule.cutDirection ? rule.cutDirection === 'request' : ['PUT', 'POST', 'PATCH'].includes(method);
  }
}

/**
 * The part of a storage fault both storage servers (S3, and the Azure proxy) apply the same way:
 * count it, wait its latency, and cut the request body or the response where the rule says.
 * Returns the body to read from; answering the rule's status is left to the server (its error
 * format differs).
 */
export async function engageStorageFault(rule: FaultRule, req: IncomingMessage, res: ServerResponse, stats: { faultsFired: number }): Promise<Readable> {
  stats.faultsFired += 1;
  if (rule.latencyMs) await delay(rule.latencyMs);
  if (rule.cutAfterBytes === undefined) return req;
  if (FaultRegistry.cutsRequest(rule, req.method ?? 'GET')) return cutRequestAfter(req, rule.cutAfterBytes, req.socket);
  cutResponseAfter(res, rule.cutAfterBytes);
  return req;
}
