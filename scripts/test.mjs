#!/usr/bin/env node
// `npm test`: everything, in the order that fails fastest — typecheck, lint, build the renderer
// (the Chromium tests load the real build) and the CLI, then vitest's unit, integration and e2e projects,
// then the platform-facing integration tests again against the sandbox's realistic mode
// (scripts/realistic-tests.mjs; skipped when test filters are given).
// The tests get a temporary folder of their own (TMPDIR), removed afterwards: they make
// hundreds of data folders, and processes they kill on purpose cannot clean up after themselves.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REALISTIC_ENV, realisticArgs } from './realistic-tests.mjs';

const testTmp = mkdtempSync(join(tmpdir(), 'courier-tests-'));
const steps = [
  ['typecheck', 'npm', ['run', '--silent', 'typecheck'], {}],
  ['lint', 'npm', ['run', '--silent', 'lint'], {}],
  ['build renderer', 'npm', ['run', '--silent', 'build:renderer'], {}],
  // The tests run `courier` as users do: from its build, which must not lag the sources.
  ['build cli', 'npm', ['run', '--silent', 'build:cli'], {}],
  ['tests', 'npx', ['vitest', 'run', ...process.argv.slice(2)], { TMPDIR: testTmp }],
];
if (process.argv.length <= 2) steps.push(['platform-facing tests, realistic sandbox', 'npx', realisticArgs(), { TMPDIR: testTmp, ...REALISTIC_ENV }]);

function removeTestTmp() {
  try {
    rmSync(testTmp, { recursive: true, force: true });
  } catch (e) {
    console.error(`(the tests' temporary folder ${testTmp} was not removed: ${e.message})`);
  }
}

for (const [name, cmd, args, env] of steps) {
  const started = Date.now();
  console.log(`\n▶ ${name}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0', ...env } });
  if (r.status !== 0) {
    console.error(`✖ ${name} failed (exit ${r.status ?? r.signal})`);
    removeTestTmp();
    process.exit(r.status ?? 1);
  }
  console.log(`✔ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
removeTestTmp();
