import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { catalogRoutes } from './api/catalog';
import { azureAdmin, startAzureSide, type AzureAdminKeys, type AzureSide } from './azure/start';
import { fileRoutes } from './api/files';
import { folderRoutes } from './api/folders';
import { jobRoutes } from './api/jobs';
import { projectRoutes } from './api/projects';
import { liveRoutes } from './api/live';
import { Router } from './api/router';
import { createApiHandler } from './api/server';
import { userRoutes } from './api/users';
import { FaultRegistry, type FaultRule, type FaultSpec } from './control/faults';
import { RateLimiter, type Scope, type ScopeLimit } from './control/ratelimit';
import { Stats, type SandboxStats } from './control/stats';
import { SandboxCore, storageDirOf, type SandboxConfig } from './core';
import { JobService } from './jobs/service';
import { parseSandboxArgs, realisticFromEnv, storageFromEnv, USAGE, type SandboxOptions } from './options';
import { CredentialRegistry } from './s3/credentials';
import { HashPool } from './s3/hash-pool';
import { ObjectStore } from './s3/object-store';
import { createS3Handler } from './s3/server';
import { UploadStore } from './s3/uploads';
import { S3Blobs, type StorageType } from './storage/blobs';
import { StateStore, type SandboxState } from './store/state';
import { ensureDir } from './util/fsx';
import { hexToken, secretKey, shortId, staticAccessKeyId } from './util/ids';

export type { SandboxOptions } from './options';
export type { SandboxStats } from './control/stats';
export type { FaultSpec, FaultRule } from './control/faults';
export type { AzureAdminKeys } from './azure/start';

export interface S3AdminKeys {
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  region: string;
  endpoint: string;
}

export interface RunningSandbox {
  apiUrl: string;
  s3Endpoint: string;
  token: string;
  dataDir: string;
  region: string;
  bucket: string;
  /** Where S3 keeps the bucket; differs from `region` only when started with `bucketRegion`. */
  bucketRegion: string;
  /** Answers take the platform's real shapes (see api/realistic.ts). */
  realistic: boolean;
  userId: string;
  /** `user/user_<id>`: the key prefix of the user's files. */
  storageDir: string;
  /** A static full-access keypair for peer tools (aws, rclone, s3cmd) and benchmarks. */
  s3Admin: S3AdminKeys;
  /** Where the account's files live: S3Storage, or AzureStorage with `storage: 'azure'`. */
  storageType: StorageType;
  /**
   * Azure mode: the blob endpoint clients use, path-style with the account
   * (`http://127.0.0.1:PORT/devstoreaccount1`, the fault proxy in front of Azurite); null in S3 mode.
   * The platform's equivalent is `https://<accountName>.blob.core.windows.net`.
   */
  azureBlobEndpoint: string | null;
  /** Azure mode: the dev account's shared key, for tests and benchmarks; null in S3 mode. */
  azureAdmin: AzureAdminKeys | null;
  stats(): SandboxStats;
  resetStats(): void;
  /** Same as POST /__sandbox/faults, in-process (works even without `faults: true`). */
  addFault(spec: FaultSpec): FaultRule | null;
  clearFaults(): void;
  /** Expires every issued S3 key and, in Azure mode, revokes every SAS issued so far; returns how many were live. */
  expireCredentials(): Promise<number>;
  setRateLimits(enabled: boolean, limits?: Partial<Record<Scope, ScopeLimit>>): void;
  stop(): Promise<void>;
}

function initialState(token: string | undefined): SandboxState {
  const [lib, jobs] = [shortId(), shortId()];
  const userId = shortId(5);
  const now = Date.now();
  return {
    version: 1,
    token: token ?? hexToken(20),
    admin: { accessKeyId: staticAccessKeyId(), secretAccessKey: secretKey() },
    user: {
      id: userId,
      email: 'sandbox-user@example.com',
      fullName: 'Sandbox User',
      companyCode: 'sandbox',
      workspaceId: shortId(5),
      storageId: shortId(5),
      myLibrary: lib,
      myJobs: jobs,
    },
    seq: 0,
    files: {},
    folders: {
      [lib]: { id: lib, name: 'My Library', parentId: null, ownerId: userId, dateInserted: now },
      [jobs]: { id: jobs, name: 'My Jobs', parentId: null, ownerId: userId, dateInserted: now },
    },
    jobs: {},
    credentials: {},
  };
}

/**
 * A data dir keeps its account on the storage it was made with: its records and bytes live in
 * one of the two stores, so starting it on the other would serve records with no data.
 */
async function claimStorage(store: StateStore, type: StorageType, dataDir: string): Promise<void> {
  const held = store.state.storageType ?? (Object.keys(store.state.files).length > 0 ? 'S3Storage' : undefined);
  if (held && held !== type) {
    const flag = held === 'AzureStorage' ? '--storage azure' : '--storage s3';
    throw new Error(`sandbox data dir ${dataDir} holds an account on ${held}: start it with ${flag} (storage: '${flag.slice(10)}'), or use another data dir`);
  }
  if (store.state.storageType !== type) {
    store.state.storageType = type;
    await store.commit();
  }
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  server.listen(port, host);
  await once(server, 'listening');
  const addr = server.address();
  return typeof addr === 'object' && addr ? addr.port : port;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

function configOf(opts: SandboxOptions, host: string, dataDir: string): SandboxConfig {
  return {
    host,
    dataDir,
    region: opts.region ?? 'ap-northeast-1',
    bucket: opts.bucket ?? 'sandbox-rescale-platform',
    jobSeconds: opts.jobSeconds ?? 10,
    credentialTtlSeconds: opts.credentialTtlSeconds ?? 900,
    faults: opts.faults ?? false,
    realistic: opts.realistic ?? realisticFromEnv(),
    storageType: (opts.storage ?? storageFromEnv()) === 'azure' ? 'AzureStorage' : 'S3Storage',
  };
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
function hashPoolFor(opts: SandboxOptions): HashPool | null {
  const cores = os.availableParallelism();
  const hashWorkers = opts.hashWorkers ?? Number(process.env['SANDBOX_HASH_WORKERS'] ?? (cores > 2 ? 2 : 0));
  return hashWorkers > 0 ? new HashPool(hashWorkers) : null;
}

/** Starts the API and S3 servers on loopback; everything persists in dataDir. */
export async function startSandbox(opts: SandboxOptions = {}): Promise<RunningSandbox> {
  const dataDir = path.resolve(opts.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'courier-sandbox-'))));
  // A temp dir we made ourselves is removed on stop (tests start hundreds of sandboxes).
  const removeOnStop = !opts.dataDir && !opts.keepDataDir;
  await ensureDir(dataDir);
  const release = await lockfile
    .lock(dataDir, { stale: 30_000, update: 10_000, realpath: false, lockfilePath: path.join(dataDir, '.lock') })
    .catch((err: Error) => {
      throw new Error(`sandbox data dir ${dataDir} is in use by another sandbox (${err.message})`);
    });
  const host = opts.host ?? '127.0.0.1';
  const store = await StateStore.open(dataDir, () => initialState(opts.token));
  if (opts.token && store.state.token !== opts.token) {
    store.state.token = opts.token;
    await store.commit();
  }
  const config = configOf(opts, host, dataDir);
  await claimStorage(store, config.storageType, dataDir).catch(async (err: unknown) => {
    await release();
    throw err;
  });
  const bucketRegion = opts.bucketRegion ?? config.region;
  const objects = await ObjectStore.open(path.join(dataDir, 's3'));
  await objects.createBucket(config.bucket);
  const uploads = await UploadStore.open(path.join(dataDir, 's3', 'uploads'));
  const creds = new CredentialRegistry(store, config.credentialTtlSeconds * 1000);
  const [faults, stats, limiter] = [new FaultRegistry(), new Stats(), new RateLimiter(opts.rateLimits ?? false)];
  let azure: AzureSide | null = null;
  if (config.storageType === 'AzureStorage') {
    azure = await startAzureSide({
      dataDir,
      host,
      urlHost: urlHost(host),
      proxyPort: opts.azurePort ?? 0,
      container: config.bucket,
      storageDir: storageDirOf(store.state.user),
      sasTtlMs: config.credentialTtlSeconds * 1000,
      faults,
      faultsEnabled: config.faults,
      stats,
    }).catch(async (err: unknown) => {
      objects.close();
      await release();
      throw err;
    });
    config.azureBlobEndpoint = azure.blobEndpoint;
  }
  const core = new SandboxCore(config, store, objects, uploads, creds, faults, stats, limiter, azure?.blobs ?? new S3Blobs(objects), azure?.sas ?? null);
  const jobs = new JobService(core);
  const hashPool = hashPoolFor(opts);
  const api = createServer(createApiHandler(core, apiRouter(core, jobs)));
  const s3 = createServer(
    { requestTimeout: 0 },
    createS3Handler({
      objects,
      uploads,
      creds,
      region: bucketRegion,
      faults,
      faultsEnabled: config.faults,
      stats,
      hashPool,
      fastEtags: opts.fastEtags ?? false,
    }),
  );
  // Keep idle connections about as long as S3 does (~20 s) so pooled client sockets are not
  // reset under a client's feet after Node's default 5 s.
  for (const server of [api, s3]) {
    server.keepAliveTimeout = 20_000;
    server.headersTimeout = 25_000;
  }
  let apiPort: number;
  let s3Port: number;
  try {
    apiPort = await listen(api, opts.port ?? 0, host);
    s3Port = await listen(s3, opts.s3Port ?? 0, host);
  } catch (err) {
    // A taken port: give back what started (Azurite, the lock) so nothing outlives the failure.
    await Promise.all([api, s3].filter((srv) => srv.listening).map(closeServer));
    await azure?.stop();
    await hashPool?.close();
    objects.close();
    await release();
    throw err;
  }
  jobs.start();
  const s3Endpoint = `http://${urlHost(host)}:${s3Port}`;
  config.s3Endpoint = s3Endpoint;
  let stopped: Promise<void> | null = null;
  return {
    apiUrl: `http://${urlHost(host)}:${apiPort}`,
    s3Endpoint,
    token: store.state.token,
    dataDir,
    region: config.region,
    bucket: config.bucket,
    bucketRegion,
    realistic: config.realistic,
    userId: store.state.user.id,
    storageDir: core.storageDir(),
    s3Admin: { ...store.state.admin, bucket: config.bucket, region: bucketRegion, endpoint: s3Endpoint },
    storageType: config.storageType,
    azureBlobEndpoint: azure?.blobEndpoint ?? null,
    azureAdmin: azure ? azureAdmin(azure, config.bucket) : null,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    addFault: (spec) => faults.add(spec),
    clearFaults: () => faults.clear(),
    expireCredentials: async () => (await creds.expireAll()) + (azure?.sas.revokeAll() ?? 0),
    setRateLimits: (enabled, limits) => limiter.configure(enabled, limits),
    stop: () =>
      (stopped ??= (async () => {
        await Promise.all([closeServer(api), closeServer(s3)]);
        await jobs.stop();
        await azure?.stop();
        await hashPool?.close();
        objects.close();
        await store.commit();
        await release();
        if (removeOnStop) await rm(dataDir, { recursive: true, force: true });
      })()),
  };
}

/** `courier sandbox …`: prints one JSON line when ready, runs until SIGINT/SIGTERM. */
export async function runSandboxCli(argv: string[]): Promise<void> {
  let opts: ReturnType<typeof parseSandboxArgs>;
  try {
    opts = parseSandboxArgs(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const sb = await startSandbox(opts);
  const { apiUrl, s3Endpoint, token, dataDir, region, bucket, bucketRegion, realistic, s3Admin, storageType, azureBlobEndpoint, azureAdmin } = sb;
  const line = {
    apiUrl,
    s3Endpoint,
    token,
    dataDir,
    region,
    bucket,
    bucketRegion,
    realistic,
    s3Admin,
    storageType,
    azureBlobEndpoint,
    ...(azureAdmin ? { azureAdmin } : {}),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const on = (s: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(s);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
  await sb.stop();
  process.stderr.write(`sandbox stopped (${signal})\n`);
}
