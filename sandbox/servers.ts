import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import { catalogRoutes } from './api/catalog';
import { fileRoutes } from './api/files';
import { folderRoutes } from './api/folders';
import { jobRoutes } from './api/jobs';
import { liveRoutes } from './api/live';
import { projectRoutes } from './api/projects';
import { Router } from './api/router';
import { createApiHandler } from './api/server';
import { userRoutes } from './api/users';
import type { SandboxCore } from './core';
import type { JobService } from './jobs/service';
import type { SandboxOptions } from './options';
import { HashPool } from './s3/hash-pool';
import { createS3Handler, type S3Deps } from './s3/server';

/** The sandbox's two HTTP servers (API and S3): building them, and their listen/close plumbing. */

/** The host to put in a URL for a listen address (a wildcard is reached on loopback). */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  server.listen(port, host);
  await once(server, 'listening');
  const addr = server.address();
  return typeof addr === 'object' && addr ? addr.port : port;
}

export async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

/** Every platform endpoint the sandbox serves. */
function apiRouter(core: SandboxCore, jobs: JobService): Router {
  const router = new Router();
  userRoutes(core, router);
  fileRoutes(core, router);
  folderRoutes(core, router);
  catalogRoutes(router);
  jobRoutes(core, jobs, router);
  projectRoutes(core, jobs, router);
  liveRoutes(core, jobs, router);
  return router;
}

/**
 * Upload hashing: on a 2-CPU machine the event loop does it (measured: worker threads cost
 * 1-2 CPU-s/GiB more than they save there); with more cores two workers hash in parallel.
 * SANDBOX_HASH_WORKERS overrides (0 = event loop).
 */
export function hashPoolFor(opts: SandboxOptions): HashPool | null {
  const cores = os.availableParallelism();
  const hashWorkers = opts.hashWorkers ?? Number(process.env['SANDBOX_HASH_WORKERS'] ?? (cores > 2 ? 2 : 0));
  return hashWorkers > 0 ? new HashPool(hashWorkers) : null;
}

export function createServers(core: SandboxCore, jobs: JobService, s3Deps: S3Deps): { api: Server; s3: Server } {
  const api = createServer(createApiHandler(core, apiRouter(core, jobs)));
  const s3 = createServer({ requestTimeout: 0 }, createS3Handler(s3Deps));
  // Keep idle connections about as long as S3 does (~20 s) so pooled client sockets are not
  // reset under a client's feet after Node's default 5 s.
  for (const server of [api, s3]) {
    server.keepAliveTimeout = 20_000;
    server.headersTimeout = 25_000;
  }
  return { api, s3 };
}

/**
 * Listens with both servers; on failure (a taken port) closes whichever started and runs
 * `giveBack` so nothing outlives the failure, then rethrows.
 */
export async function listenBoth(
  servers: { api: Server; s3: Server },
  ports: { api: number; s3: number },
  host: string,
  giveBack: () => Promise<void>,
): Promise<{ apiPort: number; s3Port: number }> {
  try {
    const apiPort = await listen(servers.api, ports.api, host);
    const s3Port = await listen(servers.s3, ports.s3, host);
    return { apiPort, s3Port };
  } catch (err) {
    await Promise.all([servers.api, servers.s3].filter((srv) => srv.listening).map(closeServer));
    await giveBack();
    throw err;
  }
}
