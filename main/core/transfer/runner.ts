// Runs one pool task to success: fresh credentials for every attempt, a forced refresh when the
// storage says they expired (not counted as a failure), and exponential backoff with full
// jitter on network errors, 5xx and SlowDown.
import { sleep } from './bandwidth';
import type { NetworkOptions } from '../net/dispatcher';
import type { CredentialCache } from './credentials';
import { TransferError, type ErrorInfo } from './errors';
import type { TransferPool, Running } from './pool';
import type { RemoteFile, StorageCredentials } from './ports';
import type { Op, StorageLoc, TaskOf, TaskResults } from './worker/protocol';
import { originOf } from './worker/s3-target';

export interface RetryPolicy {
  attempts: number;
  baseMs: number;
  capMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 10, baseMs: 200, capMs: 15_000 };
const MAX_CREDENTIAL_REFRESHES = 3;

/** Full jitter: uniform in [0, min(cap, base·2^attempt)] (AWS architecture blog, "Exponential Backoff And Jitter"). */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  return random() * Math.min(policy.capMs, policy.baseMs * 2 ** attempt);
}

export interface ExecOptions<K extends Op> {
  signal: AbortSignal;
  /** The file whose storage the credentials must cover (downloads); undefined = default storage. */
  forFile?: RemoteFile | undefined;
  /** Sees each attempt while it runs (progress, early CBC block); null once it has ended. */
  track?: (r: Running<K> | null) => void;
  onRetry?: (e: ErrorInfo, attempt: number) => void;
  /** A whole small file: its task may cross to the worker together with others (pool-batch.ts). */
  batch?: boolean;
}

/** The options for connections to one origin, refined from the general ones (see SystemProxy). */
export type NetworkRoute = (net: NetworkOptions, target: string) => Promise<NetworkOptions>;

export class TaskRunner {
  /** How workers reach the storage (proxy, CA); undefined = directly. Read at every attempt. */
  network: NetworkOptions | undefined;
  route: NetworkRoute | undefined;

  constructor(
    private readonly pool: TransferPool,
    private readonly creds: CredentialCache,
    public policy: RetryPolicy = DEFAULT_RETRY,
  ) {}

  async exec<K extends Op>(build: (creds: StorageCredentials) => Omit<TaskOf<K>, 'slot'>, o: ExecOptions<K>): Promise<TaskResults[K]> {
    let attempt = 0;
    let refreshes = 0;
    for (;;) {
      if (o.signal.aborted) throw aborted();
      const creds = await this.creds.get(o.forFile, o.signal);
      const task = build(creds);
      if (this.network && 'loc' in task) {
        const loc = task.loc as StorageLoc;
        loc.net = this.route ? await this.route(this.network, originOf(loc)) : this.network;
      }
      const running = this.pool.start<K>(task, o.signal, { batch: o.batch ?? false });
      o.track?.(running);
      const res = await running.result;
      o.track?.(null);
      if (res.ok) return res.value;
      const e = res.error;
      if (o.signal.aborted || e.code === 'aborted') throw aborted();
      if (e.credentials && refreshes < MAX_CREDENTIAL_REFRESHES) {
        refreshes++;
        this.creds.invalidate(creds);
        o.onRetry?.(e, attempt);
        continue;
      }
      if (e.retryable && attempt + 1 < this.policy.attempts) {
        o.onRetry?.(e, attempt);
        await sleep(backoffMs(this.policy, attempt), o.signal).catch(() => undefined);
        attempt++;
        continue;
      }
      throw new TransferError(e);
    }
  }

  /** Same as exec for tasks that need no credentials (hashing). */
  async local<K extends Op>(task: Omit<TaskOf<K>, 'slot'>, o: ExecOptions<K>): Promise<TaskResults[K]> {
    const running = this.pool.start<K>(task, o.signal);
    o.track?.(running);
    const res = await running.result;
    o.track?.(null);
    if (res.ok) return res.value;
    if (o.signal.aborted || res.error.code === 'aborted') throw aborted();
    throw new TransferError(res.error);
  }
}

export function aborted(): TransferError {
  return new TransferError({ code: 'aborted', message: 'cancelled', retryable: false });
}
