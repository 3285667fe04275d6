// When to look at a job next: soon after it changed, then less often the longer it sits in one
// state (up to slowSeconds); after errors, exponential backoff with jitter.

export interface PollTiming {
  fastMs: number;
  slowMs: number;
}

export interface PollState {
  /** Polls since the status last changed (0 = it just changed). */
  unchanged: number;
  /** Consecutive failed polls. */
  errors: number;
}

/** Multiplier per unchanged poll: 10 s → 15 → 22 → 34 → … → slow. */
const GROWTH = 1.5;
/** Errors back off up to this many times the slow interval (a down platform is not hammered). */
const ERROR_CAP_FACTOR = 4;

export function nextDelayMs(s: PollState, t: PollTiming, random: () => number = Math.random): number {
  const fast = Math.max(1, t.fastMs);
  const slow = Math.max(fast, t.slowMs);
  if (s.errors > 0) {
    const cap = slow * ERROR_CAP_FACTOR;
    const base = Math.min(cap, fast * 2 ** s.errors);
    return Math.round(base / 2 + (random() * base) / 2); // "equal jitter": never hammer, never starve
  }
  const d = Math.min(slow, fast * GROWTH ** s.unchanged);
  return Math.round(d * (0.9 + random() * 0.2)); // ±10% so 200 jobs do not fire in lock-step
}

/**
 * A token bucket for the poller's own share of the jobs scope: the shared limiter keeps us
 * under the platform's limit, this keeps background polling from using all of it.
 */
export class Pacer {
  private tokens: number;
  private at: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.at = now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((t - this.at) / 1000) * this.ratePerSecond);
    this.at = t;
  }

  /** Takes a token if there is one. */
  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until a token is there. */
  waitMs(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000);
  }
}
