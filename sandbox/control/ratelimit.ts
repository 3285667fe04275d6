export type Scope = 'user' | 'job-submission' | 'jobs-usage';

export interface ScopeLimit {
  ratePerSec: number;
  burst: number;
}

/**
 * Hard limits from the protocol notes (user 7,200/h, submission 1,000/h, jobs-usage 90,000/h).
 * Bursts are the sandbox's choice: the platform's burst behaviour is not documented.
 */
export const PLATFORM_LIMITS: Record<Scope, ScopeLimit> = {
  user: { ratePerSec: 2, burst: 10 },
  'job-submission': { ratePerSec: 1000 / 3600, burst: 10 },
  'jobs-usage': { ratePerSec: 25, burst: 50 },
};

/** Which scope an API request counts against (everything else is "user", the strict default). */
export function scopeFor(method: string, path: string): Scope {
  if (method === 'POST' && /^\/api\/v2\/jobs\/[^/]+\/submit\/$/.test(path)) return 'job-submission';
  if (path.startsWith('/api/v2/jobs/')) return 'jobs-usage';
  return 'user';
}

/** Token buckets per (token, scope). */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  limits: Record<Scope, ScopeLimit> = { ...PLATFORM_LIMITS };

  constructor(public enabled: boolean) {}

  configure(enabled: boolean, limits?: Partial<Record<Scope, ScopeLimit>>): void {
    this.enabled = enabled;
    if (limits) this.limits = { ...this.limits, ...limits };
    this.buckets.clear();
  }

  /** 0 when allowed, else whole seconds until a token is available (for Retry-After). */
  take(scope: Scope, who: string, now = Date.now()): number {
    if (!this.enabled) return 0;
    const limit = this.limits[scope];
    const key = `${scope}\n${who}`;
    const b = this.buckets.get(key) ?? { tokens: limit.burst, at: now };
    b.tokens = Math.min(limit.burst, b.tokens + ((now - b.at) / 1000) * limit.ratePerSec);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / limit.ratePerSec));
  }
}
