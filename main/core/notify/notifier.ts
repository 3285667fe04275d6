// Notifications of finished jobs: through the host's Notifier port (Electron Notification, a
// line in the CLI) AND as a contract event (the web host's renderer uses the browser's
// Notification API), plus an activity entry. Each job is announced once across processes
// (claimed in tracked_jobs); the process that downloads its outputs announces it, afterwards.
import type { Settings } from '../../../shared/settings';
import type { ActivityLog } from '../activity/log';
import type { EventHub } from '../events/hub';
import { finishedMessage, type JobMessage, type OutputsSummary } from './messages';
import type { TrackedJob, TrackedStore } from '../jobs/tracked-store';

/** The host's way to show a notification (CourierPorts.notifier). */
export interface Notifier {
  show(n: { title: string; body: string; jobId?: string }): void;
}

export interface JobNotificationDeps {
  hub: EventHub;
  activity: ActivityLog;
  tracked: TrackedStore;
  settings(): Settings['notifications'];
  notifier?: Notifier;
  /** Longest wait for a job's outputs before announcing it anyway. */
  outputsWaitMs?: number;
}

export class JobNotifications {
  private summary = { running: -1, queued: -1 };

  constructor(private readonly d: JobNotificationDeps) {}

  private wanted(job: TrackedJob): boolean {
    const s = this.d.settings();
    const failure = job.outcome === 'failed';
    if (job.options.notify === 'none') return false;
    if (job.options.notify === 'failures' && !failure) return false;
    return failure ? s.jobFailed : s.jobFinished;
  }

  /**
   * A job reached a terminal state. `outputs` settles when its automatic download has (null:
   * another process downloads it, and will announce it).
   */
  async finished(job: TrackedJob, outputs: Promise<TrackedJob | null>): Promise<void> {
    const wait = this.d.outputsWaitMs ?? 120_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), wait);
      timer.unref();
    });
    const after = await Promise.race([outputs.catch(() => job), timeout]);
    clearTimeout(timer);
    if (after === null) return;
    const latest = after === 'timeout' ? (this.d.tracked.get(job.accountId, job.jobId) ?? job) : after;
    this.announce(latest);
  }

  /** Shows the notification if nobody has yet (any process). */
  announce(job: TrackedJob): void {
    if (!this.d.tracked.claimNotification(job.accountId, job.jobId)) return;
    const outputs: OutputsSummary = {
      state: job.outputsState,
      files: job.outputs.files?.length ?? 0,
      ...(job.outputs.dir ? { dir: job.outputs.dir } : {}),
      ...(job.outputs.error ? { error: job.outputs.error } : {}),
    };
    const m = finishedMessage(job, outputs);
    this.d.activity.add(m.level, 'jobs', `${m.title} — ${m.body}`, { kind: 'job', id: job.jobId });
    if (!this.wanted(job)) return;
    this.d.notifier?.show({ title: m.title, body: m.body, jobId: job.jobId });
    this.d.hub.emit('notification', { title: m.title, body: m.body, jobId: job.jobId, level: m.level });
  }

  /** A warning about a running job (run-guards.ts claims it once); a job set to notify 'none' only logs it. */
  warn(job: TrackedJob, m: JobMessage): void {
    this.d.activity.add(m.level, 'jobs', `${m.title} — ${m.body}`, { kind: 'job', id: job.jobId });
    if (job.options.notify === 'none') return;
    this.d.notifier?.show({ title: m.title, body: m.body, jobId: job.jobId });
    this.d.hub.emit('notification', { title: m.title, body: m.body, jobId: job.jobId, level: m.level });
  }

  /** Running and queued counts for the tray; sent only when they change. */
  counts(running: number, queued: number): void {
    if (running === this.summary.running && queued === this.summary.queued) return;
    this.summary = { running, queued };
    this.d.hub.emit('jobsSummary', { running, queued });
  }
}
