import { describe, expect, it } from 'vitest';
import { Coalescer, SpeedMeter, eta } from '../../../main/core/transfer/progress';

describe('SpeedMeter', () => {
  it('averages steps into a steady rate and holds it across a short stall', () => {
    const m = new SpeedMeter(2000, 3000);
    let bytes = 0;
    m.sample(0, 0);
    // 16 MiB every 160 ms = 100 MiB/s, sampled at 10 Hz (most samples see no change)
    for (let t = 100; t <= 10_000; t += 100) {
      if (t % 160 < 100) bytes += 16 << 20;
      m.sample(bytes, t);
    }
    const v = m.value(10_000) / (1 << 20);
    expect(v).toBeGreaterThan(80);
    expect(v).toBeLessThan(125);
    // a 2 s stall: still shown (hold), not 0
    expect(m.value(12_000)).toBeGreaterThan(50 << 20);
    // a long stall: decays toward 0
    expect(m.value(30_000)).toBeLessThan(1 << 20);
  });

  it('ignores a rollback of bytes (a failed attempt) instead of going negative', () => {
    const m = new SpeedMeter();
    m.sample(0, 0);
    m.sample(1000, 1000);
    m.sample(500, 1100);
    m.sample(1500, 2100);
    expect(m.value(2100)).toBeGreaterThan(0);
  });

  it('eta', () => {
    expect(eta(100, 0)).toBeNull();
    expect(eta(0, 0)).toBe(0);
    expect(eta(1000, 300)).toBe(4);
  });
});

describe('Coalescer', () => {
  it('emits at most ~10 batches/s under a flood of changes, and a terminal change promptly', async () => {
    let emits = 0;
    const c = new Coalescer(
      () => emits++,
      () => performance.now(),
      100,
      20,
    );
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      const iv = setInterval(() => {
        for (let i = 0; i < 200; i++) c.poke(false);
        if (performance.now() - t0 > 1000) {
          clearInterval(iv);
          resolve();
        }
      }, 1);
    });
    const elapsed = (performance.now() - t0) / 1000;
    expect(emits).toBeLessThanOrEqual(Math.ceil(elapsed * 10) + 1);
    expect(emits).toBeGreaterThanOrEqual(3);
    c.close();
    // terminal: delivered without waiting for the (here 10 s) interval
    const delivered = new Promise<number>((resolve) => {
      const c2 = new Coalescer(
        () => resolve(performance.now()),
        () => performance.now(),
        10_000,
        20,
      );
      c2.poke(true);
    });
    const start = performance.now();
    expect((await delivered) - start).toBeLessThan(1000);
  });
});
