import { once } from 'node:events';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import path from 'node:path';
import { ensureDir } from '../util/fsx';

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
export const DEV_ACCOUNT = 'devstoreaccount1';
export const DEV_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/** The parts of Azurite's BlobServer we use (it ships no types for deep imports). */
interface AzuriteBlobServer {
  httpServer: Server;
  start(): Promise<void>;
  close(): Promise<void>;
}
type BlobServerCtor = new (config: unknown) => AzuriteBlobServer;
type BlobConfigurationCtor = new (...args: unknown[]) => unknown;

export interface RunningAzurite {
  /** `http://127.0.0.1:PORT/devstoreaccount1`: Azurite itself, path-style (the proxy sits in front for clients). */
  directEndpoint: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Loads Azurite lazily, by a computed name: it is a dev dependency with heavy optional parts
 * (SQL drivers), so bundlers must not pull it into the app, and S3-mode sandboxes never pay
 * for loading it.
 */
function loadAzurite(): { BlobServer: BlobServerCtor; BlobConfiguration: BlobConfigurationCtor } {
  const req = createRequire(import.meta.url);
  const base = ['azurite', 'dist', 'src', 'blob'].join('/');
  try {
    const server = req(`${base}/BlobServer`) as { default: BlobServerCtor };
    const config = req(`${base}/BlobConfiguration`) as { default: BlobConfigurationCtor };
    return { BlobServer: server.default, BlobConfiguration: config.default };
  } catch (err) {
    throw new Error(`The Azure sandbox needs the 'azurite' package (a dev dependency: run npm install): ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Starts Azurite's blob service in this process on a loopback port, keeping its metadata and
 * blob data under `dir` (so a reused sandbox dataDir keeps its blobs). Loose mode and no API
 * version check: clients built on newer SDKs than this Azurite release must still work.
 */
export async function startAzurite(dir: string, host: string): Promise<RunningAzurite> {
  const { BlobServer, BlobConfiguration } = loadAzurite();
  await ensureDir(path.join(dir, 'data'));
  const config = new BlobConfiguration(
    // Idle keep-alive of 10 min: the proxy's pooled sockets must never be closed by Azurite
    // just as the proxy reuses them (its default of 5 s makes that race a visible 502).
    host,
    0,
    600,
    path.join(dir, '__azurite_db_blob__.json'),
    path.join(dir, '__azurite_db_blob_extent__.json'),
    [{ locationId: 'Default', locationPath: path.join(dir, 'data'), maxConcurrency: 10 }],
    false,
    undefined, // no access log (--silent)
    false,
    undefined, // no debug log
    true, // --loose
    true, // --skipApiVersionCheck
  );
  const server = new BlobServer(config);
  await server.start();
  const addr = server.httpServer.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  let stopped: Promise<void> | null = null;
  return {
    directEndpoint: `http://${hostPart}:${port}/${DEV_ACCOUNT}`,
    port,
    stop: () =>
      (stopped ??= (async () => {
        const http = server.httpServer;
        // Azurite's close() asks the listener to stop but does not wait for it to be gone.
        const closed = http.listening ? once(http, 'close') : Promise.resolve();
        http.closeAllConnections();
        await server.close();
        await closed;
      })()),
  };
}
