import { afterEach, describe, expect, test, vi } from 'vitest';

// A fresh copy of the module per test: the pool is module state.
async function pool() {
  vi.resetModules();
  return import('../../../main/core/transfer/worker/buffers');
}

describe('the worker buffer pool', () => {
  afterEach(() => vi.useRealTimers());

  test('keeps every part of a file in flight at the default settings (4 x 16 MiB) for reuse', async () => {
    const { take, give, idleBytesHeld } = await pool();
    const size = (16 << 20) + 16;
    const parts = [take(size), take(size), take(size), take(size)];
    for (const p of parts) give(p);
    expect(idleBytesHeld()).toBe(4 * size);
    const again = [take(size), take(size), take(size), take(size)];
    expect(new Set(again)).toEqual(new Set(parts)); // the same four buffers, none allocated anew
  });

  test('lets a fifth idle part go to the garbage collector', async () => {
    const { take, give, idleBytesHeld } = await pool();
    const size = (16 << 20) + 16;
    const parts = Array.from({ length: 5 }, () => take(size));
    for (const p of parts) give(p);
    expect(idleBytesHeld()).toBe(4 * size);
  });

  test('lets idle buffers go a few seconds after the last part', async () => {
    const { take, give, idleBytesHeld } = await pool();
    vi.useFakeTimers();
    const a = take(1 << 20);
    give(a);
    vi.advanceTimersByTime(4_000);
    give(take(1 << 20)); // in use again: the clock starts over
    vi.advanceTimersByTime(4_000);
    expect(idleBytesHeld()).toBe(1 << 20);
    vi.advanceTimersByTime(1_500);
    expect(idleBytesHeld()).toBe(0);
    expect(take(1 << 20)).not.toBe(a);
  });
});
