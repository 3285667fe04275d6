import type { Phrase } from '../../../shared/activity-phrases';
// The outbox: submissions are written to jobs.db before anything is sent, then moved one
// committed step at a time — queued → uploading → creating → created → submitting → submitted —
// by whichever Courier process holds the row's lease. A restart, a crash or a lost response
// resumes at the recorded step; "creating" and "submitting" mean "may have been sent", so they
// look first (marker.ts) and send again only when the platform has nothing.
import { CourierError } from '../../../shared/errors';
import type { Connectivity } from '../net/connectivity';
import type { RescaleApi } from '../rescale/api';
import { UnusableAnswerError } from '../rescale/errors';
import { KeyMissingError } from '../accounts/key-missing';
import { newOwner, type LeaseOwner } from './lease';
import { findByMarker, removeUnsubmittedTwins, wasSubmitted } from './marker';
import { EDITABLE_STATES, OPEN_STATES, type InputProgress, type OutboxStore, type Submission, type SubmissionPatch } from './outbox-store';
import { buildCreateBody } from './payload';
import { errorInfo, verdictOf } from './send-errors';
import type { TrackedJob, TrackedStore } from './tracked-store';
import { uploadInputs } from './outbox-uploads';
import type { JobTransfers } from './transfers';
import { sweepStaged, type ArchiveDeps } from './archive-inputs';

/** Activity entries as phrases, so the UI says them in the person's language. */
export interface OutboxLog {
  info(phrase: Phrase, jobId?: string): void;
  warn(phrase: Phrase, jobId?: string): void;
}

export interface OutboxDeps {
  store: OutboxStore;
  tracked: TrackedStore;
  apiFor(accountId: string): Promise<RescaleApi>;
  /** Accounts this process can act for (see OutboxStore.claimNext). */
  serves?(accountId: string): boolean;
  transfers: JobTransfers;
  /** Folder inputs: where their archives wait, and which were uploaded before. */
  archives: ArchiveDeps;
  /** A local file another row of the same sweep uploaded: shared, not uploaded again. */
  sharedUpload?(s: Submission, path: string): InputProgress | null;
  connectivity: Connectivity;
  log: OutboxLog;
  onChange(s: Submission): void;
  onSubmitted(s: Submission, job: TrackedJob): void;
  leaseMs?: number;
  /** Waits between attempts of one submission (ms). */
  backoff?: { baseMs: number; capMs: number };
  /** How often an idle outbox looks for work other processes added. */
  idleMs?: number;
  /** Longest wait for the reachability check before uploads. */
  probeMs?: number;
  now?: () => number;
}

/** How long a process without an account's key leaves that account's rows to others before looking again. */
const KEYLESS_PAUSE_MS = 15_000;

/** A step's result: the row as it is now, or null = stop here (waiting, finished, or not ours). */
type Step = Promise<Submission | null>;

export class Outbox {
  readonly me: LeaseOwner = newOwner();
  private readonly leaseMs: number;
  private readonly backoff: { baseMs: number; capMs: number };
  private readonly failures = new Map<string, number>();
  private closed = false;
  private wake: (() => void) | null = null;
  /** Accounts whose key this process lacks, and until when it leaves their rows alone. */
  private readonly keyless = new Map<string, number>();
  private poked = false;
  private running: Promise<void> | null = null;
  private current: AbortController | null = null;
  private readonly offConnectivity: () => void;
  private readonly probeMs: number;

  constructor(private readonly d: OutboxDeps) {
    this.probeMs = d.probeMs ?? 5_000;
    this.leaseMs = d.leaseMs ?? 60_000;
    this.backoff = d.backoff ?? { baseMs: 2_000, capMs: 60_000 };
    this.offConnectivity = d.connectivity.onChange((online) => {
      if (online && this.d.store.wakeWaitingForConnection() > 0) this.poke();
    });
  }

  private now(): number {
    return (this.d.now ?? Date.now)();
  }

  start(): void {
    if (!this.running) {
      // Archives of submissions that ended (or were edited) while no process was running.
      void sweepStaged(this.d.archives, this.d.store).catch((e: unknown) =>
        this.d.log.warn({ key: 'archiveCleanupFailed', params: { reason: errorInfo(e).message } }),
      );
    }
    this.running ??= this.loop();
  }

  /** New or changed work: look now rather than at the next idle tick. */
  poke(): void {
    this.keyless.clear(); // new work, or a key entered again: worth a fresh look
    if (this.wake) this.wake();
    else this.poked = true; // busy: look again right after
  }

  async close(): Promise<void> {
    this.closed = true;
    this.offConnectivity();
    this.current?.abort(new CourierError('cancelled', 'Courier is closing.'));
    this.poke();
    await this.running;
  }

  private async loop(): Promise<void> {
    while (!this.closed) {
      let wakeAt: number | null = null;
      try {
        const now = this.now();
        const r = this.d.store.claimNext(this.me, this.leaseMs, (id) => (this.d.serves?.(id) ?? true) && !((this.keyless.get(id) ?? 0) > now));
        if (r.claimed) {
          await this.work(r.claimed);
          continue;
        }
        wakeAt = r.wakeAt;
      } catch (e) {
        this.d.log.warn({ key: 'outboxUnreadable', params: { reason: errorInfo(e).message } });
      }
      const idle = this.d.idleMs ?? 5_000;
      await this.sleep(wakeAt === null ? idle : Math.min(idle, Math.max(0, wakeAt - this.now()) + 5));
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.poked) {
      this.poked = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.wake = null;
        resolve();
      };
      const t = setTimeout(done, ms);
      t.unref();
      this.wake = done;
    });
  }

  private async work(claimed: Submission): Promise<void> {
    const ctrl = new AbortController();
    this.current = ctrl;
    const heartbeat = setInterval(
      () => {
        if (!this.d.store.renew(claimed.id, this.me, this.leaseMs))
          ctrl.abort(new CourierError('cancelled', 'Another Courier process took this submission over.'));
      },
      Math.max(50, this.leaseMs / 3),
    );
    heartbeat.unref();
    try {
      let s: Submission | null = claimed;
      while (s && OPEN_STATES.includes(s.state) && !ctrl.signal.aborted) s = await this.step(s, ctrl.signal);
    } catch (e) {
      const v = verdictOf(e);
      const latest = this.d.store.get(claimed.id);
      if (e instanceof KeyMissingError) {
        // Not the platform's answer: the row is left as it is for a process with the key (or
        // for this one once the key is entered again), and this one looks away for a while.
        if (!this.keyless.has(e.accountId)) this.d.log.warn({ key: 'submissionWaits', params: { jobName: claimed.jobName, reason: e.message } });
        this.keyless.set(e.accountId, this.now() + KEYLESS_PAUSE_MS);
      } else if (v === 'refused' && latest)
        this.fail(latest, e); // e.g. the account was removed
      else if (v !== 'cancelled') {
        this.d.log.warn({ key: 'submissionRetry', params: { jobName: claimed.jobName, reason: errorInfo(e).message } });
        this.retryLater(claimed.id, e);
      }
    } finally {
      clearInterval(heartbeat);
      this.current = null;
      this.d.store.release(claimed.id, this.me);
    }
  }

  /** Commits a change to a row we hold; null when it is no longer ours or the user changed it. */
  private move(s: Submission, patch: SubmissionPatch, from?: readonly Submission['state'][], extra?: () => void): Submission | null {
    if (!this.d.store.update(s, this.me, patch, from, extra)) return null;
    const next = this.d.store.get(s.id);
    if (next) this.d.onChange(next);
    return next;
  }

  private retryLater(id: string, e: unknown, revertTo?: Submission['state']): null {
    const s = this.d.store.get(id);
    if (!s || !OPEN_STATES.includes(s.state)) return null;
    const n = (this.failures.get(id) ?? 0) + 1;
    this.failures.set(id, n);
    const delay = Math.min(this.backoff.capMs, this.backoff.baseMs * 2 ** (n - 1));
    const offline = !this.d.connectivity.isOnline() || (e instanceof CourierError && e.code === 'offline');
    this.move(s, {
      nextAttemptAt: this.now() + Math.round(delay * (0.75 + Math.random() * 0.5)),
      waiting: offline ? 'connection' : 'retry',
      error: errorInfo(e),
      ...(revertTo ? { state: revertTo } : {}),
    });
    return null;
  }

  private fail(s: Submission, e: unknown, message?: string): null {
    this.failures.delete(s.id);
    const info = errorInfo(e);
    this.move(s, { state: 'failed', waiting: null, error: message ? { code: info.code, message } : info });
    this.d.log.warn({ key: 'submissionFailed', params: { jobName: s.jobName, reason: message ?? info.message } }, s.jobId ?? undefined);
    return null;
  }

  private succeeded(id: string): void {
    this.failures.delete(id);
  }

  private async step(s: Submission, signal: AbortSignal): Step {
    switch (s.state) {
      case 'queued':
      case 'uploading':
        return this.prepare(s, signal);
      case 'creating':
        return this.create(s, signal);
      case 'created':
        return this.submit(s, signal);
      case 'submitting':
        return this.submit(s, signal);
      case 'submitted':
      case 'cancelled':
      case 'failed':
        return null;
    }
  }

  /** Uploads local inputs (through the transfer engine), then builds the body and enters "creating". */
  private async prepare(s: Submission, signal: AbortSignal): Step {
    // Probe before uploads (they would sit in the engine's retries) and while the connection is
    // known to be down: each failed create would take the row through "creating", where the
    // user's edit or cancel is refused, and a create over a dead keep-alive socket is "unclear"
    // (look first) rather than "not sent". Offline, the row stays queued and the user's.
    const uploads = s.launch.inputs.some((inp, i) => inp.kind !== 'file' && !s.inputs[i]?.fileId);
    const doubtful = s.waiting === 'connection' || !this.d.connectivity.isOnline();
    if ((uploads || doubtful) && !(await this.reachable(s.accountId, signal))) {
      return this.retryLater(s.id, new CourierError('offline', 'The platform cannot be reached; the job goes out when the connection is back.'));
    }
    const r = await uploadInputs(s, signal, {
      transfers: this.d.transfers,
      archives: this.d.archives,
      move: (sub, patch, from) => this.move(sub, patch, from),
      ...(this.d.sharedUpload ? { shared: this.d.sharedUpload } : {}),
    });
    if (r.kind === 'stop') return null;
    if (r.kind === 'wait') return this.retryLater(s.id, r.error);
    if (r.kind === 'fail') return this.fail(r.sub, r.error, r.message);
    const fileIds = r.sub.launch.inputs.map((inp, i) => (inp.kind === 'file' ? inp.id : (r.sub.inputs[i]?.fileId ?? '')));
    const body = buildCreateBody(r.sub.launch, fileIds, r.sub.marker, r.sub.id);
    const next = this.move(r.sub, { state: 'creating', body, waiting: null }, EDITABLE_STATES);
    return next ? this.create(next, signal) : null;
  }

  private async create(s: Submission, signal: AbortSignal): Step {
    const api = await this.d.apiFor(s.accountId);
    // Attempts count only requests that may have reached the platform: any such attempt means look first.
    if (s.createAttempts > 0) {
      try {
        const found = await findByMarker(api, s.marker, s.createStartedAt, signal);
        if (found[0]) {
          this.d.log.info({ key: 'jobFoundAfterLoss', params: { jobName: s.jobName, jobId: found[0].id } }, found[0].id);
          return this.created(s, found[0].id, api, signal);
        }
      } catch (e) {
        return this.retryLater(s.id, e);
      }
    }
    const sending = this.move(s, { createAttempts: s.createAttempts + 1, createStartedAt: s.createStartedAt ?? this.now() }, ['creating']);
    if (!sending || !sending.body) return null;
    try {
      const job = await api.createJob(sending.body, signal);
      return this.created(sending, job.id, api, signal);
    } catch (e) {
      // The platform acted but its answer is unusable (e.g. an id that is not an id): a lookup
      // could not find the job by that id either, and creating again would make a second one.
      if (e instanceof UnusableAnswerError) {
        return this.fail(
          sending,
          e,
          `The platform may have created the job, but its answer cannot be used: ${e.message} Check the job list on the platform before launching again.`,
        );
      }
      const v = verdictOf(e);
      if (v === 'refused') return this.fail(sending, e, `The platform refused the job: ${errorInfo(e).message}`);
      if (v === 'cancelled') throw e;
      // Never sent: undo the attempt so it stays editable and needs no lookup.
      if (v === 'not_sent') this.move(sending, { createAttempts: sending.createAttempts - 1 });
      return this.retryLater(s.id, e, v === 'not_sent' && sending.createAttempts === 1 ? 'queued' : undefined);
    }
  }

  /**
   * Uploads would sit in the transfer engine's retries while offline: ask the API first (a
   * cheap read), which also tells Connectivity, so the entry shows "waiting for connection".
   * Only a network failure or the probe's timeout means "not reachable"; any answer the
   * platform gives (a revoked key, a proxy refusal, a 5xx) is thrown, to be seen as itself.
   */
  private async reachable(accountId: string, signal: AbortSignal): Promise<boolean> {
    const api = await this.d.apiFor(accountId);
    try {
      await api.probe(AbortSignal.any([signal, AbortSignal.timeout(this.probeMs)]));
      return true;
    } catch (e) {
      if (signal.aborted) throw e;
      if (e instanceof CourierError && e.code !== 'offline' && e.code !== 'cancelled') throw e;
      return false;
    }
  }

  /** Records the job id at once; after a repeated create, removes any unsubmitted twin. */
  private async created(s: Submission, jobId: string, api: RescaleApi, signal: AbortSignal): Step {
    const next = this.move(s, { state: 'created', jobId, waiting: null, error: null }, ['creating']);
    if (!next) return null;
    this.succeeded(s.id);
    this.d.log.info({ key: 'jobCreated', params: { jobName: s.jobName, jobId } }, jobId);
    if (s.createAttempts > 1) {
      const removed = await removeUnsubmittedTwins(api, s.marker, jobId, s.createStartedAt, signal).catch(() => []); // best effort
      for (const twin of removed) this.d.log.warn({ key: 'duplicateDeleted', params: { twin, jobId } }, jobId);
    }
    return next;
  }

  private async submit(s: Submission, signal: AbortSignal): Step {
    if (!s.jobId) return this.fail(s, new CourierError('internal', 'The submission lost its job id.'));
    const api = await this.d.apiFor(s.accountId);
    if (s.submitAttempts > 0) {
      try {
        if (await wasSubmitted(api, s.jobId, signal)) {
          this.d.log.info({ key: 'submittedBeforeLoss', params: { jobId: s.jobId } }, s.jobId);
          return this.submitted(s);
        }
      } catch (e) {
        return this.retryLater(s.id, e);
      }
    }
    const sending = this.move(s, { state: 'submitting', submitAttempts: s.submitAttempts + 1 }, ['created', 'submitting']);
    if (!sending) return null;
    try {
      await api.submitJob(s.jobId, signal);
      return this.submitted(sending);
    } catch (e) {
      const v = verdictOf(e);
      if (v === 'cancelled') throw e;
      if (v === 'refused') {
        // "Already submitted" is a refusal we can check rather than believe.
        const done = await wasSubmitted(api, s.jobId, signal).catch(() => false);
        return done
          ? this.submitted(sending)
          : this.fail(sending, e, `Job ${s.jobId} was created but the platform refused to submit it: ${errorInfo(e).message}`);
      }
      if (v === 'not_sent') this.move(sending, { submitAttempts: sending.submitAttempts - 1 });
      return this.retryLater(s.id, e, v === 'not_sent' && sending.submitAttempts === 1 ? 'created' : undefined);
    }
  }

  private submitted(s: Submission): null {
    let job: TrackedJob | null = null;
    const next = this.move(s, { state: 'submitted', waiting: null, error: null }, ['created', 'submitting'], () => {
      job = this.d.tracked.upsert({
        jobId: s.jobId as string,
        accountId: s.accountId,
        name: s.body?.name ?? s.jobName,
        source: 'courier',
        submissionId: s.id,
        templateId: s.templateId,
        options: s.options,
      });
    });
    if (!next || !job) return null;
    this.succeeded(s.id);
    this.d.log.info({ key: 'jobSubmitted', params: { jobName: s.jobName, jobId: s.jobId ?? '' } }, s.jobId ?? undefined);
    this.d.onSubmitted(next, job);
    return null;
  }
}
