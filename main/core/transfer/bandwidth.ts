// A bandwidth cap shared by every worker thread: GCRA ("virtual scheduling") on one shared
// 64-bit word. Each sender reserves n bytes by moving the theoretical-arrival-time forward by
// n/rate with a compare-and-swap, then sleeps until its reservation starts. No lock, no
// message round trip, and idle time earns no credit, so a burst after a pause stays within cap.
// Hand-written because the usual token-bucket libraries are single-thread objects.
//
// bw BigInt64: [0] rate in bytes/s (0 = unlimited)  [1] TAT in µs since the epoch

export interface BandwidthWindow {
  from: string; // "HH:MM" local time
  to: string; // "HH:MM"; a window may wrap midnight ("22:00" → "06:00")
  bytesPerSecond: number;
}

export interface BandwidthSetting {
  bytesPerSecond: number | null;
  schedule?: BandwidthWindow[];
}

function nowMicros(): bigint {
  return BigInt(Math.floor((performance.timeOrigin + performance.now()) * 1000));
}

export class SharedBandwidth {
  private readonly arr: BigInt64Array;
  constructor(buffer: SharedArrayBuffer) {
    this.arr = new BigInt64Array(buffer);
  }

  /** Main side. null or 0 = unlimited. */
  setRate(bytesPerSecond: number | null): void {
    const rate = bytesPerSecond && bytesPerSecond > 0 ? Math.max(1, Math.floor(bytesPerSecond)) : 0;
    if (Number(Atomics.load(this.arr, 0)) === rate) return;
    Atomics.store(this.arr, 1, nowMicros());
    Atomics.store(this.arr, 0, BigInt(rate));
  }

  rate(): number {
    return Number(Atomics.load(this.arr, 0));
  }

  /** Worker side: waits until `n` more bytes may be sent or received. */
  async take(n: number, signal?: AbortSignal): Promise<void> {
    const rate = Atomics.load(this.arr, 0);
    if (rate <= 0n || n <= 0) return;
    const cost = (BigInt(n) * 1_000_000n) / rate;
    let start: bigint;
    for (;;) {
      const tat = Atomics.load(this.arr, 1);
      const now = nowMicros();
      start = tat > now ? tat : now;
      if (Atomics.compareExchange(this.arr, 1, tat, start + cost) === tat) break;
    }
    const waitMs = Number(start - nowMicros()) / 1000;
    if (waitMs > 1) await sleep(waitMs, signal);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function minutesOf(hhmm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new Error(`bandwidth schedule: "${hhmm}" is not HH:MM`);
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 24 || min > 59 || (h === 24 && min !== 0)) throw new Error(`bandwidth schedule: "${hhmm}" is not a time of day`);
  return h * 60 + min;
}

export function validateSetting(s: BandwidthSetting): void {
  if (s.bytesPerSecond !== null && !(s.bytesPerSecond >= 0)) throw new Error('bandwidth: bytesPerSecond must be >= 0 or null');
  for (const w of s.schedule ?? []) {
    minutesOf(w.from);
    minutesOf(w.to);
    if (!(w.bytesPerSecond > 0)) throw new Error('bandwidth schedule: bytesPerSecond must be > 0');
  }
}

/** The cap in force at `date` (local time): the first matching window, else the base rate. */
export function effectiveRate(s: BandwidthSetting, date: Date): number | null {
  const minute = date.getHours() * 60 + date.getMinutes();
  for (const w of s.schedule ?? []) {
    const from = minutesOf(w.from);
    const to = minutesOf(w.to);
    const inside = from <= to ? minute >= from && minute < to : minute >= from || minute < to;
    if (inside) return w.bytesPerSecond;
  }
  return s.bytesPerSecond && s.bytesPerSecond > 0 ? s.bytesPerSecond : null;
}
