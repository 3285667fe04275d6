import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import picomatch from 'picomatch';
import * as z from 'zod';
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

/** What a storage server (S3, or the Azure proxy) supplies to apply a fault rule its own way. */
export interface StorageFaultServer {
  stats: { faultsFired: number };
  /** Carries out the real operation for an `applyEffect` rule; its answer is thrown away. */
  runEffect(body: Readable): Promise<void>;
  /** Answers the rule's status with the server's own error body (S3 XML, Azure XML). */
  answer(rule: FaultRule): void;
}

/**
 * A storage fault, applied the same way by both storage servers: count it, wait its latency,
 * cut the request body or the response where the rule says, and answer its status (after
 * carrying out the operation when `applyEffect`). Returns the body to read on for a request
 * that goes on as normal, or null when the fault has answered it.
 */
export async function applyStorageFault(
  req: IncomingMessage,
  res: ServerResponse,
  rule: FaultRule | undefined,
  server: StorageFaultServer,
): Promise<Readable | null> {
  if (!rule) return req;
  server.stats.faultsFired += 1;
  if (rule.latencyMs) await delay(rule.latencyMs);
  let body: Readable = req;
  if (rule.cutAfterBytes !== undefined) {
    if (FaultRegistry.cutsRequest(rule, req.method ?? 'GET')) body = cutRequestAfter(req, rule.cutAfterBytes, req.socket);
    else cutResponseAfter(res, rule.cutAfterBytes);
  }
  if (rule.status === undefined) return body;
  if (rule.applyEffect) await server.runEffect(body);
  else req.resume();
  server.answer(rule);
  return null;
}
