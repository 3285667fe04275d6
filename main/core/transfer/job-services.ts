// What upload and download jobs work with: the worker pool behind a retrying runner, the
// journal, the platform, the shared limits (memory, API calls), where uploads land and local
// folders. Each run (upload-job.ts, download-job.ts) gets these and, beside them, the narrow
// JobReporter (state, notices, size, slot) it reports through, never the scheduler itself.
import { rm } from 'node:fs/promises';
import { effectiveRate, validateSetting } from './bandwidth';
import { CredentialCache } from './credentials';
import type { JobCtx, LiveItem } from './item';
import type { Journal } from './journal';
import { LocalDirs } from './local-dirs';
import type { TransferPool } from './pool';
import type { RescaleStorage, UploadTarget } from './ports';
import { RegistrationLookup } from './registrations';
import { TaskRunner, type NetworkRoute, type RetryPolicy } from './runner';
import { Semaphore } from './semaphore';
import type { Limits, LimitsInput } from './types';
import type { NetworkOptions } from '../net/dispatcher';
import { UploadDestinations } from './upload-destinations';
import { UploadLeftovers } from './upload-leftovers';

export class JobServices implements JobCtx {
  readonly runner: TaskRunner;
  private readonly creds: CredentialCache;
  readonly memory: Semaphore;
  readonly api: Semaphore;
  /** Open multipart uploads of uploads that ended without a file: aborted in the background. */
  readonly leftovers: UploadLeftovers;
  /** Finds registrations whose answer was lost (a crash, a dropped connection). */
  readonly lookup: RegistrationLookup;
  private readonly destinations: UploadDestinations;
  private readonly dirs = new LocalDirs();

  constructor(
    readonly journal: Journal,
    readonly pool: TransferPool,
    readonly storage: RescaleStorage,
    private lim: Limits,
    private readonly now: () => number,
    retry: RetryPolicy,
    itemOf: (id: string) => LiveItem | undefined,
  ) {
    this.creds = new CredentialCache(storage, now);
    this.runner = new TaskRunner(pool, this.creds, retry);
    this.leftovers = new UploadLeftovers(journal, this.runner);
    this.memory = new Semaphore(lim.maxBufferedBytes);
    this.api = new Semaphore(lim.apiConcurrency);
    this.lookup = new RegistrationLookup(storage);
    this.destinations = new UploadDestinations(storage, journal, this.api, itemOf);
    this.applyBandwidth();
  }

  limits(): Limits {
    return this.lim;
  }

  /** Checks and applies new limits; the caller starts what now fits. */
  setLimits(l: LimitsInput): void {
    if (l.bandwidth) validateSetting(l.bandwidth);
    const next: Limits = { ...this.lim, ...Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined)) };
    if (next.partSizeBytes % 16 !== 0 || next.partSizeBytes < 5 * 1024 * 1024) throw new Error('partSizeBytes must be a multiple of 16 and at least 5 MiB');
    if (next.parallelFiles < 1 || next.partsPerFile < 1) throw new Error('parallelFiles and partsPerFile must be at least 1');
    this.lim = next;
    this.memory.setCapacity(next.maxBufferedBytes);
    this.api.setCapacity(next.apiConcurrency);
    this.applyBandwidth();
  }

  /** The bandwidth schedule's rate for now (re-applied every 30 s by the engine). */
  applyBandwidth(): void {
    this.pool.bandwidth.setRate(effectiveRate(this.lim.bandwidth, new Date(this.now())));
  }

  /** Proxy and CA for storage traffic; the next attempt of every task uses them. */
  setNetwork(n: NetworkOptions | undefined): void {
    this.runner.network = n;
  }

  setRoute(route: NetworkRoute): void {
    this.runner.route = route;
  }

  /** Cached keys and the upload target were the previous account's. */
  forgetAccount(): void {
    this.creds.clear();
    this.destinations.reset();
  }

  uploadTarget(signal: AbortSignal): Promise<UploadTarget> {
    return this.destinations.uploadTarget(signal);
  }

  folderFor(it: LiveItem, signal: AbortSignal): Promise<string> {
    return this.destinations.folderFor(it, signal);
  }

  /** Every folder of a folder upload (empty ones too). */
  createAllFolders(batch: LiveItem): Promise<void> {
    return this.destinations.createAll(batch);
  }

  ensureDir(dir: string): Promise<void> {
    return this.dirs.ensure(dir);
  }

  syncDirSoon(dir: string): void {
    this.dirs.syncSoon(dir);
  }

  flushDirs(): Promise<void> {
    return this.dirs.flush();
  }

  sweepUploads(): void {
    void this.leftovers.sweep();
  }

  /** What a cancelled item leaves behind: its open multipart upload (aborted in the background) or its temporary file. */
  async discardWork(it: LiveItem): Promise<void> {
    if (it.row.kind === 'upload') {
      // Deleting the row lists its open multipart upload (if any) for the background abort.
      if (this.journal.getUpload(it.id)) {
        this.journal.deleteUpload(it.id);
        this.sweepUploads();
      }
      return;
    }
    const d = this.journal.getDownload(it.id);
    if (d) await rm(d.tempPath, { force: true }).catch(() => undefined);
    this.journal.deleteDownload(it.id);
  }
}
