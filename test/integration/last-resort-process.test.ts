import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

// The policy on a real Node process: Node's own default would end it at the first of these.
const child = fileURLToPath(new URL('../support/last-resort-child.ts', import.meta.url));
const run = (mode: string) => spawnSync(process.execPath, ['--import', 'tsx', child, mode], { encoding: 'utf8', timeout: 30_000 });

describe('last-resort policy in a real process', () => {
  test('keeps running after a connection error and an unhandled rejection', () => {
    const r = run('survive');
    expect(r.stdout).toContain('warn: Courier kept running after a connection error: Error (ECONNRESET): read ECONNRESET');
    expect(r.stdout).toContain('alive after a connection error thrown');
    expect(r.stdout).toContain('error: Courier kept running after an unhandled failure: Error: lost promise');
    expect(r.stdout).toContain('alive after a rejection nobody handles');
    expect(r.status).toBe(0);
  });

  test('logs an unexpected exception and exits with 70', () => {
    const r = run('fatal');
    expect(r.stdout).toContain('error: Courier stopped after an unexpected error: TypeError: state is broken');
    expect(r.stdout).not.toContain('still running');
    expect(r.status).toBe(70);
  });
});
