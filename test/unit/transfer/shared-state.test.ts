import { describe, expect, it } from 'vitest';
import { createSharedBuffers, SharedSlots, SlotAllocator } from '../../../main/core/transfer/shared-state';

const MiB = 1 << 20;

function setup() {
  const slots = new SharedSlots(createSharedBuffers());
  const alloc = new SlotAllocator(slots);
  return { slots, alloc };
}

describe('a hashing task following the range at its watermark', () => {
  it('reads on into the range as far as the range task has written it, never past the range', () => {
    const { slots, alloc } = setup();
    const hash = alloc.acquire();
    const range = alloc.acquire();
    slots.setWatermark(hash, 16 * MiB);
    expect(slots.readable(hash)).toBe(16 * MiB);

    slots.follow(hash, { slot: range, start: 16 * MiB, end: 32 * MiB });
    expect(slots.readable(hash)).toBe(16 * MiB); // nothing written yet
    slots.setWritten(range, 4 * MiB);
    expect(slots.readable(hash)).toBe(20 * MiB);
    slots.setWritten(range, 40 * MiB); // a count beyond the range (cannot happen) is capped at its end
    expect(slots.readable(hash)).toBe(32 * MiB);

    slots.follow(hash, null);
    expect(slots.readable(hash)).toBe(16 * MiB);
  });

  it('stops trusting the count once the range slot is handed to another task', () => {
    const { slots, alloc } = setup();
    const hash = alloc.acquire();
    const range = alloc.acquire();
    slots.follow(hash, { slot: range, start: 0, end: 16 * MiB });
    slots.setWritten(range, 8 * MiB);
    expect(slots.readable(hash)).toBe(8 * MiB);

    // The range task ended (failed half-way, say) and its slot went to another task, which writes its own bytes.
    alloc.release(range);
    const other = alloc.acquire();
    expect(other).toBe(range);
    slots.setWritten(other, 12 * MiB);
    expect(slots.readable(hash)).toBe(0);
  });

  it('wakes a waiting hash when the followed range writes on', async () => {
    const { slots, alloc } = setup();
    const hash = alloc.acquire();
    const range = alloc.acquire();
    slots.follow(hash, { slot: range, start: 0, end: 16 * MiB });
    const waiting = slots.waitWatermark(hash, 4 * MiB, new AbortController().signal);
    let woke = false;
    void waiting.then(() => (woke = true));
    await Promise.resolve();
    expect(woke).toBe(false);
    slots.setWritten(range, 4 * MiB);
    await waiting;
    expect(woke).toBe(true);
  });
});
