/**
 * Rescale's throttle scopes (rescale-protocol.md §3.1) and the client-side budgets we keep:
 * 85% of each hard limit, like Interlink, so we never trip the platform's long lock-outs.
 */
export type Scope = 'user' | 'job-submission' | 'jobs-usage';

export interface ScopeBudget {
  /** requests per second we allow ourselves */
  ratePerSecond: number;
  /** how many may go at once after a quiet spell */
  burst: number;
}

export const defaultBudgets: Record<Scope, ScopeBudget> = {
  user: { ratePerSecond: 1.7, burst: 5 }, // hard 7,200/h (2/s), all of v3
  'job-submission': { ratePerSecond: 0.236, burst: 3 }, // hard 1,000/h
  'jobs-usage': { ratePerSecond: 21.25, burst: 25 }, // hard 90,000/h (25/s), v2 job reads
};

/** Which scope a request falls in. Unknown v2 paths go to `user`, the strictest common one. */
export function scopeOf(method: string, path: string): Scope {
  const p = path.split('?')[0] ?? path;
  if (method.toUpperCase() === 'POST' && /^\/api\/v2\/jobs\/[^/]+\/submit\/$/.test(p)) return 'job-submission';
  if (p.startsWith('/api/v2/jobs/')) return 'jobs-usage';
  return 'user';
}
