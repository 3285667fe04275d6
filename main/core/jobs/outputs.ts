import { phraseText, type Phrase } from '../../../shared/activity-phrases';
// Outputs of finished jobs: the files matching the template's filters are downloaded through the
// transfer engine into <downloads>/rescale_job_<id>/ (like `rescale.jar sync -j ID -f "*.log"`),
// once per job across processes (a lease in tracked_jobs); other files on demand.
import { homedir } from 'node:os';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { CourierError } from '../../../shared/errors';
import type { RescaleApi } from '../rescale/api';
import { isPlatformId, type FileRecord } from '../rescale/models';
import { containedPath } from '../security/contained-path';
import { skippedMessage } from '../rescale/lists';
import { toRemoteFile } from '../rescale/storage';
import type { ConflictPolicy } from '../transfer/types';
import { newOwner } from './lease';
import { splitIdentical } from './identical';
import { errorInfo } from './send-errors';
import type { TrackedJob, TrackedStore } from './tracked-store';
import type { JobTransfers } from './transfers';

export interface OutputDeps {
  tracked: TrackedStore;
  apiFor(accountId: string): Promise<RescaleApi>;
  transfers: JobTransfers;
  settings(): { folder: string; conflict: ConflictPolicy };
  log: { info(p: Phrase, jobId?: string): void; warn(p: Phrase, jobId?: string): void };
  onChange(job: TrackedJob): void;
  leaseMs?: number;
}

/** rescale.jar's -f: shell-style globs over the file name; a glob with / matches the relative path. */
export function matchOutputs<T extends { name: string; relativePath?: string | null }>(files: T[], filters: string[]): T[] {
  const tests = filters.map((f) => ({ path: f.includes('/'), test: picomatch(f, { dot: true }) }));
  return files.filter((file) => tests.some((t) => t.test(t.path ? (file.relativePath ?? file.name) : file.name)));
}

export function defaultDownloadsRoot(configured: string): string {
  return configured || join(homedir(), 'Downloads', 'Courier');
}

/** `<root>/rescale_job_<id>`: refused unless the id is a platform id and the folder stays in `root`. */
export function jobFolder(root: string, jobId: string): string {
  if (!isPlatformId(jobId)) {
    throw new CourierError(
      'invalid_input',
      `${JSON.stringify(jobId).slice(0, 80)} is not a Rescale job id (letters and digits only), so no folder is made for it.`,
      { field: 'jobId' },
    );
  }
  return containedPath(root, `rescale_job_${jobId}`);
}

/**
 * Splits outputs into those whose local path (`dir` + relative path) stays inside `dir` and
 * those that would not; the transfer engine checks names too, this holds even if it did not.
 */
export function containedOutputs<T extends { name: string; relativePath?: string | null }>(files: T[], dir: string): { safe: T[]; refused: string[] } {
  const safe: T[] = [];
  const refused: string[] = [];
  for (const f of files) {
    try {
      containedPath(dir, f.relativePath || f.name);
      safe.push(f);
    } catch {
      refused.push(f.relativePath || f.name);
    }
  }
  return { safe, refused };
}

export class OutputFetcher {
  private readonly me = newOwner();
  private readonly leaseMs: number;
  private readonly running = new Map<string, Promise<TrackedJob | null>>();

  constructor(private readonly d: OutputDeps) {
    this.leaseMs = d.leaseMs ?? 60_000;
  }

  dirFor(job: Pick<TrackedJob, 'jobId' | 'options'>): string {
    return jobFolder(defaultDownloadsRoot(job.options.outputFolder || this.d.settings().folder), job.jobId);
  }

  /** The automatic download of a finished job; resolves when it has settled (or is someone else's). */
  fetchFor(job: TrackedJob): Promise<TrackedJob | null> {
    const k = `${job.accountId}\n${job.jobId}`;
    let p = this.running.get(k);
    if (!p) {
      p = this.run(job).finally(() => this.running.delete(k));
      this.running.set(k, p);
    }
    return p;
  }

  private async run(job: TrackedJob): Promise<TrackedJob | null> {
    if (job.outputsState !== 'pending' && job.outputsState !== 'downloading') return job;
    const { accountId, jobId } = job;
    if (!job.options.autoDownload || job.options.outputFilters.length === 0) {
      this.d.tracked.setOutputs(accountId, jobId, null, 'none', {});
      return this.changed(accountId, jobId);
    }
    const mine = this.d.tracked.claimOutputs(accountId, jobId, this.me, this.leaseMs);
    if (!mine) return null; // another process has it
    const beat = setInterval(
      () => {
        try {
          this.d.tracked.renewOutputs(accountId, jobId, this.me, this.leaseMs);
        } catch {
          // jobs.db closed under a download (shutting down): the lease lapses, the next start resumes it.
          clearInterval(beat);
        }
      },
      Math.max(50, this.leaseMs / 3),
    );
    beat.unref();
    try {
      const dir = mine.outputs.dir ?? this.dirFor(mine);
      let ids = mine.outputs.transferIds ?? [];
      let names = mine.outputs.files ?? [];
      let problem: string | null = null;
      if (ids.length === 0) {
        const picked = await this.pick(accountId, jobId, job.options.outputFilters, dir);
        const files = picked.files;
        problem = picked.problem;
        names = files.map((f) => f.relativePath ?? f.name);
        ids = files.length ? await this.d.transfers.enqueueDownloads(accountId, files.map(toRemoteFile), dir, this.d.settings().conflict) : [];
        this.d.tracked.setOutputs(accountId, jobId, this.me, 'downloading', { dir, transferIds: ids, files: names });
      }
      let outcomes = await this.d.transfers.settle(accountId, ids, undefined);
      if (outcomes.some((o) => o === null)) {
        // The engine forgot them (another journal): fetch again, keeping what is already on disk.
        const { files } = await this.pick(accountId, jobId, job.options.outputFilters, dir);
        ids = await this.d.transfers.enqueueDownloads(accountId, files.map(toRemoteFile), dir, 'skip');
        this.d.tracked.setOutputs(accountId, jobId, this.me, 'downloading', { dir, transferIds: ids, files: names });
        outcomes = await this.d.transfers.settle(accountId, ids, undefined);
      }
      const failed = outcomes.filter((o) => o && o.state !== 'done');
      const failures = failed.length
        ? `${failed.length} of ${ids.length} files could not be downloaded: ${failed[0]?.error?.message ?? failed[0]?.state}`
        : null;
      const error = [problem, failures].filter(Boolean).join(' ') || undefined;
      this.d.tracked.setOutputs(accountId, jobId, this.me, error ? 'failed' : 'done', { dir, transferIds: ids, files: names, ...(error ? { error } : {}) });
      // Refusals and left-out records were logged when found; this adds only what the transfers say.
      if (failures) this.d.log.warn({ key: 'outputsProblem', params: { jobId, reason: failures } }, jobId);
      else if (names.length)
        this.d.log.info({ key: names.length > 1 ? 'outputsDownloaded' : 'outputDownloaded', params: { count: String(names.length), jobId, dir } }, jobId);
    } catch (e) {
      const error = errorInfo(e).message;
      this.d.tracked.setOutputs(accountId, jobId, this.me, 'failed', { ...mine.outputs, error });
      this.d.log.warn({ key: 'outputsFailed', params: { jobId, reason: error } }, jobId);
    } finally {
      clearInterval(beat);
    }
    return this.changed(accountId, jobId);
  }

  /**
   * The job's outputs matching `filters` (all when none), minus records that could not be read
   * and files whose local path would leave `dir`; each kind of loss is logged and returned.
   */
  private async pick(
    accountId: string,
    jobId: string,
    filters: string[] | undefined,
    dir: string,
  ): Promise<{ listed: number; files: FileRecord[]; problem: string | null }> {
    const api = await this.d.apiFor(accountId);
    const listed = await api.jobFilesListed(jobId);
    const { safe, refused } = containedOutputs(filters?.length ? matchOutputs(listed.items, filters) : listed.items, dir);
    // Records left out are logged by the API client; refusals are this module's to report.
    const notes: string[] = [];
    if (listed.skipped.count) notes.push(skippedMessage(listed.skipped, `list the outputs of job ${jobId}`));
    if (refused.length) {
      const n = refused.length;
      const phrase: Phrase = {
        key: n === 1 ? 'outputOutside' : 'outputsOutside',
        params: {
          count: String(n),
          jobId,
          dir,
          names: refused
            .slice(0, 3)
            .map((r) => JSON.stringify(r))
            .join(', '),
        },
      };
      const note = phraseText(phrase);
      this.d.log.warn(phrase, jobId);
      notes.push(note);
    }
    return { listed: listed.items.length, files: safe, problem: notes.join(' ') || null };
  }

  private changed(accountId: string, jobId: string): TrackedJob | null {
    const j = this.d.tracked.get(accountId, jobId);
    if (j) this.d.onChange(j);
    return j;
  }

  /**
   * "Download outputs" from the UI: all files, or those matching `filters`; returns once enqueued.
   * A file already in the job folder with the same size and SHA-512 is skipped (no "(1)" copy).
   */
  async onDemand(
    accountId: string,
    jobId: string,
    filters: string[] | undefined,
    folder?: string,
  ): Promise<{ dir: string; files: string[]; transferIds: string[]; skipped: string[] }> {
    const dir = jobFolder(defaultDownloadsRoot(folder ?? this.d.settings().folder), jobId);
    const { listed, files, problem } = await this.pick(accountId, jobId, filters, dir);
    if (files.length === 0) {
      if (problem) throw new CourierError('server_error', problem);
      throw new CourierError(
        'not_found',
        listed ? `None of the ${listed} output files of job ${jobId} match ${filters?.join(', ')}.` : `Job ${jobId} has no output files yet.`,
        { field: 'filter' },
      );
    }
    const { fresh, same } = await splitIdentical(files, (f) => containedPath(dir, f.relativePath || f.name));
    const transferIds = fresh.length ? await this.d.transfers.enqueueDownloads(accountId, fresh.map(toRemoteFile), dir, this.d.settings().conflict) : [];
    const skipped = same.map((f) => f.relativePath ?? f.name);
    if (skipped.length)
      this.d.log.info({ key: skipped.length === 1 ? 'outputAlreadyThere' : 'outputsAlreadyThere', params: { count: String(skipped.length), dir } }, jobId);
    return { dir, files: fresh.map((f) => f.relativePath ?? f.name), transferIds, skipped };
  }
}
