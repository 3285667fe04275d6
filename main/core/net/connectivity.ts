import type { EventHub } from '../events/hub';

/**
 * Whether the platform answers, as seen by real requests (no pinging). Any HTTP answer means
 * online; a network failure means offline. Changes are broadcast as `connectivity` events,
 * and waiters (the outbox, the poller) resume when the connection returns.
 */
export class Connectivity {
  private online = true;
  private reason: string | undefined;
  private waiters: (() => void)[] = [];
  private listeners = new Set<(online: boolean) => void>();

  constructor(private readonly hub?: EventHub) {}

  isOnline(): boolean {
    return this.online;
  }

  report(online: boolean, reason?: string): void {
    if (online === this.online && reason === this.reason) return;
    const changed = online !== this.online;
    this.online = online;
    this.reason = online ? undefined : reason;
    if (!changed) return;
    this.hub?.emit('connectivity', online ? { online } : { online, ...(reason ? { reason } : {}) });
    for (const l of this.listeners) l(online);
    if (online) {
      const w = this.waiters;
      this.waiters = [];
      for (const resolve of w) resolve();
    }
  }

  onChange(listener: (online: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when online (at once if already). */
  whenOnline(signal?: AbortSignal): Promise<void> {
    if (this.online) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiters.push(resolve);
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }
}
