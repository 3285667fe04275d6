// The "Sandbox" platform: a local Rescale started in-process on demand, so the app, the web host
// and the CLI do real work on a machine with no Rescale account. This is the one place main/core
// reaches into sandbox/ (lint enforces it).
import { join } from 'node:path';
import type { RunningSandbox } from '../../../sandbox';

export interface LocalSandbox {
  apiUrl: string;
  s3Endpoint: string;
  /** Azure-storage sandboxes (`COURIER_SANDBOX_STORAGE=azure`): the blob endpoint override, path-style with the account; null on S3. */
  azureBlobEndpoint: string | null;
  token: string;
}

/**
 * Returns a launcher that starts the sandbox once (data kept in <dataDir>/sandbox, so files and
 * jobs survive restarts; its token is reused for that folder) and a stop for shutdown.
 */
export function localSandboxLauncher(dataDir: string, opts: { jobSeconds?: number } = {}): { launch: () => Promise<LocalSandbox>; stop: () => Promise<void> } {
  let running: Promise<RunningSandbox> | null = null;
  return {
    async launch() {
      // Loaded on demand: the sandbox's servers are ~200 KB of code every CLI command would
      // otherwise load at start, whether or not it uses the sandbox.
      running ??= import('../../../sandbox').then(({ startSandbox }) => startSandbox({ dataDir: join(dataDir, 'sandbox'), jobSeconds: opts.jobSeconds ?? 30 }));
      try {
        const sb = await running;
        return { apiUrl: sb.apiUrl, s3Endpoint: sb.s3Endpoint, azureBlobEndpoint: sb.azureBlobEndpoint, token: sb.token };
      } catch (e) {
        running = null;
        throw e;
      }
    },
    async stop() {
      const r = running;
      running = null;
      if (r) await (await r).stop();
    },
  };
}
