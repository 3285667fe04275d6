import { describe, expect, it } from 'vitest';
import { pooledRandomBytes } from '../../../main/core/transfer/random-pool';

describe('pooled random bytes', () => {
  it('hands out each byte once: thousands of draws across refills are all distinct', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) seen.add(pooledRandomBytes(16).toString('hex')); // ~12 pool refills
    expect(seen.size).toBe(3000);
  });

  it('gives buffers of their own, of the asked length, also beyond the pool size', () => {
    const a = pooledRandomBytes(32);
    const b = pooledRandomBytes(32);
    expect(a.buffer).not.toBe(b.buffer);
    expect(a.length).toBe(32);
    expect(pooledRandomBytes(10_000).length).toBe(10_000);
    expect(pooledRandomBytes(0).length).toBe(0);
  });
});
