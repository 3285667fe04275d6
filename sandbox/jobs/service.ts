import type { SandboxCore } from '../core';
import type { FileRec, JobRec } from '../store/state';
import { shortId } from '../util/ids';
import { endedAt, isActive, isFinished } from './clock';
import { writeOutputs } from './outputs';
import type { ValidJob } from './validate';

/** Owns job lifecycles: the clock is derived from stored timestamps; outputs appear at the final status. */
export class JobService {
  private readonly inflight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly core: SandboxCore) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), 200);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled(this.inflight.values());
  }

  get(id: string): JobRec | undefined {
    const j = this.core.store.state.jobs[id];
    return j && j.ownerId === this.core.user.id ? j : undefined;
  }

  /** Newest first. */
  list(): JobRec[] {
    return Object.values(this.core.store.state.jobs)
      .filter((j) => j.ownerId === this.core.user.id)
      .sort((a, b) => b.seq - a.seq);
  }

  async create(v: ValidJob, api: 'v2' | 'v3'): Promise<JobRec> {
    const job: JobRec = {
      id: shortId(5),
      seq: this.core.store.nextSeq(),
      api,
      ownerId: this.core.user.id,
      dateInserted: Date.now(),
      name: v.name,
      isLowPriority: v.isLowPriority,
      analyses: v.analyses,
      extra: v.extra,
      // The real platform queues through these steps; a tidy sandbox skips them unless asked.
      ...(this.core.config.realistic ? { plan: { waiting: true } } : {}),
    };
    this.core.store.state.jobs[job.id] = job;
    await this.core.store.commit();
    return this.core.store.state.jobs[job.id]!; // the tracked view, so later changes are saved
  }

  /** Submitting twice is refused, so a client can tell "already done" from "lost". */
  async submit(job: JobRec): Promise<string | null> {
    if (job.submittedAt !== undefined) return 'Job has already been submitted.';
    job.submittedAt = Date.now();
    job.runSeconds = this.core.config.jobSeconds;
    await this.core.store.commit();
    return null;
  }

  async requestStop(job: JobRec, now = Date.now()): Promise<string | null> {
    if (job.submittedAt === undefined) return 'Job has not been submitted.';
    if (isFinished(job, now)) return 'Job has already completed.';
    if (job.stopAt === undefined) {
      job.stopAt = now;
      await this.core.store.commit();
    }
    return null;
  }

  async remove(job: JobRec): Promise<string | null> {
    if (isActive(job)) return 'A running job cannot be deleted: stop it first.';
    await this.inflight.get(job.id);
    for (const f of [...this.outputs(job), ...this.snapshots(job)]) {
      delete this.core.store.state.files[f.id];
      const pp = f.record['pathParts'] as { container: string; path: string };
      await this.core.blobs.delete(pp.container, pp.path);
    }
    delete this.core.store.state.jobs[job.id];
    await this.core.store.commit();
    return null;
  }

  outputs(job: JobRec): FileRec[] {
    return Object.values(this.core.store.state.files)
      .filter((f) => f.jobId === job.id && !f.snapshot)
      .sort((a, b) => a.seq - b.seq);
  }

  /** Copies of live files taken by snapshots (the newest per path). */
  snapshots(job: JobRec): FileRec[] {
    return Object.values(this.core.store.state.files)
      .filter((f) => f.jobId === job.id && f.snapshot)
      .sort((a, b) => a.seq - b.seq);
  }

  /** Makes sure a finished job's outputs exist before anyone is told it finished. */
  async settle(job: JobRec, now = Date.now()): Promise<void> {
    const done = endedAt(job);
    if (job.outputsDone || done === undefined || done > now) return;
    let p = this.inflight.get(job.id);
    if (!p) {
      p = writeOutputs(this.core, job)
        .then(() => undefined)
        .finally(() => this.inflight.delete(job.id));
      this.inflight.set(job.id, p);
    }
    await p;
  }

  async settleAll(now = Date.now()): Promise<void> {
    await Promise.all(this.list().map((j) => this.settle(j, now)));
  }

  private async tick(): Promise<void> {
    try {
      await this.settleAll();
    } catch (err) {
      console.error('[sandbox jobs]', err);
    }
  }
}
