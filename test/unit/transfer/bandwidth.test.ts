import { describe, expect, it } from 'vitest';
import { SharedBandwidth, effectiveRate, validateSetting } from '../../../main/core/transfer/bandwidth';
import { planParts } from '../../../main/core/transfer/upload-plan';
import { choosePartSize } from '../../../main/core/transfer/upload-job';
import { Semaphore } from '../../../main/core/transfer/semaphore';
import { backoffMs } from '../../../main/core/transfer/runner';

const at = (hh: number, mm: number): Date => new Date(2026, 0, 5, hh, mm);

describe('bandwidth schedule', () => {
  const s = {
    bytesPerSecond: 1000,
    schedule: [
      { from: '09:00', to: '17:00', bytesPerSecond: 10 },
      { from: '22:00', to: '06:00', bytesPerSecond: 500 },
    ],
  };
  it('picks the window in force, wrapping midnight, else the base rate', () => {
    expect(effectiveRate(s, at(8, 59))).toBe(1000);
    expect(effectiveRate(s, at(9, 0))).toBe(10);
    expect(effectiveRate(s, at(16, 59))).toBe(10);
    expect(effectiveRate(s, at(17, 0))).toBe(1000);
    expect(effectiveRate(s, at(23, 30))).toBe(500);
    expect(effectiveRate(s, at(3, 0))).toBe(500);
    expect(effectiveRate({ bytesPerSecond: null }, at(3, 0))).toBeNull();
  });
  it('rejects malformed settings', () => {
    expect(() => validateSetting({ bytesPerSecond: null, schedule: [{ from: '9am', to: '17:00', bytesPerSecond: 1 }] })).toThrow();
    expect(() => validateSetting({ bytesPerSecond: -1 })).toThrow();
  });
});

describe('shared GCRA cap', () => {
  it('cannot be outrun: 3 MiB at 10 MiB/s takes at least ~0.2 s after the first grant', async () => {
    const bw = new SharedBandwidth(new SharedArrayBuffer(32));
    bw.setRate(10 << 20);
    const t0 = performance.now();
    for (let i = 0; i < 12; i++) await bw.take(256 << 10);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(250); // 11 reservations × 25 ms after the first; a lower bound only
  });
  it('is free when unlimited', async () => {
    const bw = new SharedBandwidth(new SharedArrayBuffer(32));
    bw.setRate(null);
    await bw.take(1 << 30);
    expect(bw.rate()).toBe(0);
  });
});

describe('part planning', () => {
  it('cuts block-aligned parts and pads only the last', () => {
    const p = planParts(16 * 3 + 5, 16);
    expect(p.map((x) => [x.partNo, x.offset, x.length, x.cipherLength, x.final])).toEqual([
      [1, 0, 16, 16, false],
      [2, 16, 16, 16, false],
      [3, 32, 16, 16, false],
      [4, 48, 5, 16, true],
    ]);
    expect(planParts(0, 16)).toEqual([{ partNo: 1, offset: 0, length: 0, final: true, cipherLength: 16 }]);
    expect(planParts(32, 16).at(-1)?.cipherLength).toBe(32);
  });
  it('keeps part sizes legal for S3', () => {
    expect(choosePartSize(1 << 30, 1 << 20)).toBe(5 << 20);
    expect(choosePartSize(1 << 30, (16 << 20) + 7) % 16).toBe(0);
    expect(Math.ceil((200 * 2 ** 30) / choosePartSize(200 * 2 ** 30, 16 << 20))).toBeLessThanOrEqual(10_000);
  });
});

describe('semaphore and backoff', () => {
  it('limits, queues in order, honours weights and aborts', async () => {
    const s = new Semaphore(10);
    const r1 = await s.acquire(6);
    const order: number[] = [];
    const p2 = s.acquire(6).then((r) => (order.push(2), r));
    const ac = new AbortController();
    const p3 = s.acquire(1, ac.signal);
    ac.abort();
    await expect(p3).rejects.toMatchObject({ code: 'aborted' });
    r1();
    (await p2)();
    expect(order).toEqual([2]);
    expect(s.inUse).toBe(0);
  });
  it('backs off with full jitter under a cap', () => {
    const p = { attempts: 10, baseMs: 200, capMs: 15_000 };
    expect(backoffMs(p, 0, () => 1)).toBe(200);
    expect(backoffMs(p, 3, () => 0.5)).toBe(800);
    expect(backoffMs(p, 20, () => 1)).toBe(15_000);
    expect(backoffMs(p, 5, () => 0)).toBe(0);
  });
});
