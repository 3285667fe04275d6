import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// One runner for every tier: unit (pure Node), integration (against the in-process sandbox),
// e2e (Chromium via playwright-core against the web host), e2e-electron (skips without a binary),
// shell (main/app's real modules under Node, with 'electron' resolved to test/electron-standin).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node', testTimeout: 20_000 } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        resolve: { alias: { electron: fileURLToPath(new URL('test/electron-standin/index.ts', import.meta.url)) } },
        test: {
          name: 'shell',
          include: ['test/shell/**/*.test.ts'],
          // electron-store imports 'electron' too: run it through the alias as well.
          server: { deps: { inline: ['electron-store'] } },
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/e2e-electron/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
