import { rm } from 'node:fs/promises';
import path from 'node:path';
import { azureAdmin, startAzureSide, type AzureAdminKeys, type AzureSide } from './azure/start';
import { FaultRegistry, type FaultRule, type FaultSpec } from './control/faults';
import { RateLimiter, type Scope, type ScopeLimit } from './control/ratelimit';
import { Stats, type SandboxStats } from './control/stats';
import { SandboxCore, storageDirOf, type SandboxConfig } from './core';
import { claimStorage, openDataDir } from './data-dir';
import { JobService } from './jobs/service';
import { parseSandboxArgs, realisticFromEnv, storageFromEnv, USAGE, type SandboxOptions } from './options';
import { CredentialRegistry } from './s3/credentials';
import { ObjectStore } from './s3/object-store';
import { UploadStore } from './s3/uploads';
import { closeServer, createServers, hashPoolFor, listenBoth, urlHost } from './servers';
import { S3Blobs, type StorageType } from './storage/blobs';
import type { StateStore } from './store/state';

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

/** The pieces of a started sandbox that its handle (RunningSandbox) reaches into. */
interface Started {
  config: SandboxConfig;
  store: StateStore;
  core: SandboxCore;
  creds: CredentialRegistry;
  faults: FaultRegistry;
  stats: Stats;
  limiter: RateLimiter;
  azure: AzureSide | null;
  apiUrl: string;
  bucketRegion: string;
  stop: () => Promise<void>;
}

function handleOf(p: Started): RunningSandbox {
  const { config, store, stats, faults, creds, azure, limiter } = p;
  const s3Endpoint = config.s3Endpoint!;
  let stopped: Promise<void> | null = null;
  return {
    apiUrl: p.apiUrl,
    s3Endpoint,
    token: store.state.token,
    dataDir: config.dataDir,
    region: config.region,
    bucket: config.bucket,
    bucketRegion: p.bucketRegion,
    realistic: config.realistic,
    userId: store.state.user.id,
    storageDir: p.core.storageDir(),
    s3Admin: { ...store.state.admin, bucket: config.bucket, region: p.bucketRegion, endpoint: s3Endpoint },
    storageType: config.storageType,
    azureBlobEndpoint: azure?.blobEndpoint ?? null,
    azureAdmin: azure ? azureAdmin(azure, config.bucket) : null,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    addFault: (spec) => faults.add(spec),
    clearFaults: () => faults.clear(),
    expireCredentials: async () => (await creds.expireAll()) + (azure?.sas.revokeAll() ?? 0),
    setRateLimits: (enabled, limits) => limiter.configure(enabled, limits),
    stop: () => (stopped ??= p.stop()),
  };
}

/** Azure mode's storage side (Azurite and the fault proxy), wired to the sandbox's faults and stats. */
function startAzure(opts: SandboxOptions, config: SandboxConfig, store: StateStore, faults: FaultRegistry, stats: Stats): Promise<AzureSide> {
  return startAzureSide({
    dataDir: config.dataDir,
    host: config.host,
    urlHost: urlHost(config.host),
    proxyPort: opts.azurePort ?? 0,
    container: config.bucket,
    storageDir: storageDirOf(store.state.user),
    sasTtlMs: config.credentialTtlSeconds * 1000,
    faults,
    faultsEnabled: config.faults,
    stats,
  });
}

/** Starts the API and S3 servers on loopback; everything persists in dataDir. */
export async function startSandbox(opts: SandboxOptions = {}): Promise<RunningSandbox> {
  const host = opts.host ?? '127.0.0.1';
  const { dataDir, removeOnStop, release, store } = await openDataDir(opts);
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
    azure = await startAzure(opts, config, store, faults, stats).catch(async (err: unknown) => {
      objects.close();
      await release();
      throw err;
    });
    config.azureBlobEndpoint = azure.blobEndpoint;
  }
  const core = new SandboxCore(config, store, objects, uploads, creds, faults, stats, limiter, azure?.blobs ?? new S3Blobs(objects), azure?.sas ?? null);
  const jobs = new JobService(core);
  const hashPool = hashPoolFor(opts);
  const s3Deps = { objects, uploads, creds, region: bucketRegion, faults, faultsEnabled: config.faults, stats, hashPool, fastEtags: opts.fastEtags ?? false };
  const servers = createServers(core, jobs, s3Deps);
  const closeStores = async () => {
    await azure?.stop();
    await hashPool?.close();
    objects.close();
  };
  // A taken port: give back what started (Azurite, the lock) so nothing outlives the failure.
  const { apiPort, s3Port } = await listenBoth(servers, { api: opts.port ?? 0, s3: opts.s3Port ?? 0 }, host, async () => {
    await closeStores();
    await release();
  });
  jobs.start();
  config.s3Endpoint = `http://${urlHost(host)}:${s3Port}`;
  const stop = async () => {
    await Promise.all([closeServer(servers.api), closeServer(servers.s3)]);
    await jobs.stop();
    await closeStores();
    await store.commit();
    await release();
    if (removeOnStop) await rm(dataDir, { recursive: true, force: true });
  };
  return handleOf({ config, store, core, creds, faults, stats, limiter, azure, apiUrl: `http://${urlHost(host)}:${apiPort}`, bucketRegion, stop });
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
