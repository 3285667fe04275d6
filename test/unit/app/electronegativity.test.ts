import { cpSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';

// Electronegativity always exits 0, so we call its runner and read the findings ourselves:
// any HIGH-severity finding in the shell, the preload or the renderer fails the build.
type Issue = { id: string; file: string; severity: { name: string } | string; location?: { line: number }; description?: string };
type Run = (opts: Record<string, unknown>, forCli: boolean) => Promise<{ issues: Issue[] }>;
const require = createRequire(import.meta.url);
const mod = require('@doyensec/electronegativity') as Run | { default: Run };
const run: Run = typeof mod === 'function' ? mod : mod.default;

async function highFindings(input: string): Promise<string[]> {
  const { issues } = await run({ input, electronVersionOverride: '41.7.1', output: null, isRelative: true }, false);
  return issues
    .filter((i) => (typeof i.severity === 'string' ? i.severity : i.severity.name).toUpperCase() === 'HIGH')
    .map((i) => `${i.id} ${i.file}:${i.location?.line ?? '?'}`);
}

describe('electronegativity', () => {
  test('the shell, the preload and the renderer have no high-severity finding', async () => {
    // Scanned together: its global checks (navigation limits, CSP) look across all files.
    const dir = mkdtempSync(join(tmpdir(), 'courier-en-'));
    for (const part of ['main/app', 'main/core/security', 'preload', 'renderer/src']) cpSync(part, join(dir, part), { recursive: true });
    expect(await highFindings(dir)).toEqual([]);
  }, 120_000);

  test('the gate can fail: an insecure window is flagged', async () => {
    const found = await highFindings('test/fixtures/insecure-shell');
    expect(found.length).toBeGreaterThan(0);
  }, 120_000);
});
