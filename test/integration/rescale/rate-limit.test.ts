import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';

const run = promisify(execFile);

describe('the shared rate limiter', () => {
  test('20 concurrent callers in two processes keep to the configured rate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'courier-limits-'));
    const rate = 8; // per second, burst 1 (so every slot is paced)
    const startAt = Date.now() + 2500; // both processes start together, after tsx has loaded
    const args = (callers: number) => [
      'tsx',
      'test/support/limiter-worker.ts',
      dir,
      'https://sandbox|abc',
      String(rate),
      '1',
      String(callers),
      '3',
      String(startAt),
    ];
    const [a, b] = await Promise.all([run('npx', args(10)), run('npx', args(10))]);
    const stamps = [...(JSON.parse(a.stdout) as number[]), ...(JSON.parse(b.stdout) as number[])].sort((x, y) => x - y);
    expect(stamps).toHaveLength(60);
    // Overall: 60 slots at 8/s need at least (60-1)/8 s.
    const span = (stamps.at(-1)! - stamps[0]!) / 1000;
    const measured = (stamps.length - 1) / span;
    console.log(
      `limiter: ${stamps.length} requests from 2 processes × 10 callers in ${span.toFixed(2)} s = ${measured.toFixed(2)} req/s (configured ${rate}/s)`,
    );
    expect(measured).toBeLessThanOrEqual(rate * 1.05);
    // And locally: no 1-second window holds more than rate (+1 for the window edge).
    for (let i = 0; i < stamps.length; i++) {
      const inWindow = stamps.filter((t) => t >= stamps[i]! && t < stamps[i]! + 1000).length;
      expect(inWindow).toBeLessThanOrEqual(rate + 1);
    }
    // Not starved either: both processes got served throughout.
    expect(measured).toBeGreaterThan(rate * 0.7);
  });
});
