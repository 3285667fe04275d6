#!/usr/bin/env node
// The integration tests that talk to the platform, run a second time against the sandbox's
// realistic mode (COURIER_SANDBOX_REALISTIC=1: string sizes, +00:00 dates, region-less file
// records, coreType objects, 201/202, … — sandbox/README.md "Realistic mode"), so Courier is
// held to the platform's real shapes as well as to the sandbox's tidy ones.
// `npm test` runs it after the main suite; `npm run test:realistic` runs it alone.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Platform-facing files whose outcome depends on the answers' shapes: accounts (users/me), the
 * job launch, catalog, submission and status paths, the CLI end to end, and the transfers that
 * read file records. Left out, as shape-blind and slow: rate limits, proxies, crash recovery,
 * the poller's pacing, CLI output parity (2.5 min alone), local transfer errors.
 */
export const REALISTIC_TESTS = [
  'test/integration/rescale/accounts.test.ts',
  'test/integration/jobs/launch.test.ts',
  'test/integration/jobs/templates-catalog.test.ts',
  'test/integration/jobs/exactly-once.test.ts',
  'test/integration/jobs/concurrency-offline.test.ts',
  'test/integration/jobs/statuses.test.ts',
  'test/integration/jobs/rerun-import.test.ts',
  'test/integration/jobs/projects-tags.test.ts',
  'test/integration/cli/seed-flow.test.ts',
  'test/integration/cli/folder-roundtrip.test.ts',
  'test/integration/transfer/roundtrip.test.ts',
  'test/integration/transfer/folders.test.ts',
  'test/integration/transfer/folder-listing.test.ts',
  'test/integration/transfer/regions.test.ts',
];

export function realisticArgs(extra = []) {
  return ['vitest', 'run', '--project', 'integration', ...REALISTIC_TESTS, ...extra];
}

export const REALISTIC_ENV = { COURIER_SANDBOX_REALISTIC: '1' };

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = spawnSync('npx', realisticArgs(process.argv.slice(2)), { stdio: 'inherit', env: { ...process.env, ...REALISTIC_ENV } });
  process.exit(r.status ?? 1);
}
