// Notifications of finished jobs and warnings about running ones: through the host's Notifier
// port (Electron Notification) AND as a contract event (the web host's renderer uses the
// browser's Notification API), plus an activity entry. Each notice is given once across the
// processes on a data folder (claimed in jobs.db), and only a process that can show it claims
// it: the app and the web host show every job's; a CLI only those of a job a command of it
// follows (`jobs watch`, `submit --wait`, `sweep --wait`, `tail --follow`), so a CLI that polls other jobs never takes their
// notice from the app. The process that downloads a job's outputs announces it, afterwards.
// A job that ended long before any process could announce it is old news: such jobs are given
// together, as one notice (catch-up.ts).
import type { Settings } from '../../../shared/settings';
import type { ActivityLog } from '../activity/log';
import type { EventHub } from '../events/hub';
import { CatchUp, jobKey, type CatchUpTiming } from './catch-up';
import { catchUpMessage, finishedMessage, type JobMessage, type OutputsSummary } from './messages';
import type { TrackedJob, TrackedStore } from '../jobs/tracked-store';

/** The host's way to show a notification (CourierPorts.notifier). */
export interface Notifier {
  show(n: { title: string; body: string; jobId?: string }): void;
}

/** A notice handed to a command that follows the job (a CLI prints it). */
export interface FollowedNotice extends JobMessage {
  kind: 'finished' | 'warning';
}

export interface JobNotificationDeps {
  hub: EventHub;
  activity: ActivityLog;
  tracked: TrackedStore;
  settings(): Settings['notifications'];
  notifier?: Notifier;
  /**
   * Whose notices this process shows: 'all' (the app), only those of jobs a command follows
   * ('followed': the CLI has no notification area), or all while a page shows them ('viewers':
   * the web host, whose only way to show a notice is an open page; attachViewer()).
   */
  audience?: 'all' | 'followed' | 'viewers';
  /** Longest wait for a job's outputs before announcing it anyway. */
  outputsWaitMs?: number;
  /** When a finished job is old news, given with the others in one notice (catch-up.ts). */
  catchUp?: CatchUpTiming;
}

export class JobNotifications {
  private summary = { running: -1, queued: -1 };
  private readonly followers = new Map<string, Set<(n: FollowedNotice) => void>>();
  private readonly catchUp: CatchUp;
  private viewers = 0;

  constructor(private readonly d: JobNotificationDeps) {
    this.catchUp = new CatchUp((jobs) => this.announceTogether(jobs), d.catchUp);
  }

  /** A command shows the notices of this job as they come (until the returned function is called). */
  follow(accountId: string, jobId: string, show: (n: FollowedNotice) => void): () => void {
    const k = jobKey(accountId, jobId);
    const set = this.followers.get(k) ?? new Set();
    set.add(show);
    this.followers.set(k, set);
    return () => {
      set.delete(show);
      if (set.size === 0 && this.followers.get(k) === set) this.followers.delete(k);
    };
  }

  /**
   * Whether this process may claim a job's notice: it can show it, or only the activity entry
   * (in the shared log, which any process writes) is owed. Checked before the claim, so a
   * process that would show nothing leaves the notice to one that can.
   */
  deliverable(job: TrackedJob, kind: FollowedNotice['kind']): boolean {
    const shown = kind === 'finished' ? this.wanted(job) : job.options.notify !== 'none';
    if (!shown || this.followers.has(jobKey(job.accountId, job.jobId))) return true;
    // A web host with no page open claims nothing: the app, or the next page (JobsService.attachViewer), gets it.
    return this.d.audience === 'viewers' ? this.viewers > 0 : this.d.audience !== 'followed';
  }

  /** A page that shows notices is open (the web host), until the returned function is called. */
  attachViewer(): () => void {
    this.viewers++;
    let attached = true;
    return () => {
      if (attached) this.viewers--;
      attached = false;
    };
  }

  private deliver(job: TrackedJob, m: JobMessage, kind: FollowedNotice['kind']): void {
    this.d.notifier?.show({ title: m.title, body: m.body, jobId: job.jobId });
    this.d.hub.emit('notification', { title: m.title, body: m.body, jobId: job.jobId, level: m.level });
    for (const show of this.followers.get(jobKey(job.accountId, job.jobId)) ?? []) show({ ...m, kind });
  }

  private wanted(job: TrackedJob): boolean {
    const s = this.d.settings();
    const failure = job.outcome === 'failed';
    if (job.options.notify === 'none') return false;
    if (job.options.notify === 'failures' && !failure) return false;
    return failure ? s.jobFailed : s.jobFinished;
  }

  /**
   * A job reached a terminal state. `outputs` settles when its automatic download has (null:
   * another process downloads it and announces it if it can; if it cannot, this process does
   * when it sees the row settle: JobsService.watchOthers).
   */
  async finished(job: TrackedJob, outputs: Promise<TrackedJob | null>): Promise<void> {
    if (this.deliverable(job, 'finished') && this.gathered(job)) return; // old news: its outputs are not waited for
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

  /** Shows the notification if nobody has yet (any process) and this process can. */
  announce(job: TrackedJob): void {
    if (!this.deliverable(job, 'finished') || this.gathered(job)) return;
    if (!this.d.tracked.claimNotification(job.accountId, job.jobId)) return;
    const m = this.logFinished(job);
    if (this.wanted(job)) this.deliver(job, m, 'finished');
  }

  /**
   * A job that ended long ago, not followed by a command here: gathered for one notice with the
   * others (catch-up.ts). A followed job's command is waiting for its own notice.
   */
  private gathered(job: TrackedJob): boolean {
    if (this.followers.has(jobKey(job.accountId, job.jobId)) || !this.catchUp.stale(job)) return false;
    this.catchUp.add(job);
    return true;
  }

  /** The gathered jobs nobody has announced yet: an activity entry each, one notice for those wanted. */
  private announceTogether(jobs: TrackedJob[]): void {
    // Checked again: the page that was open when they were gathered may have closed since.
    const logged = this.d.tracked.claimNotifications(jobs.filter((j) => this.deliverable(j, 'finished'))).map((job) => ({ job, m: this.logFinished(job) }));
    const shown = logged.filter(({ job }) => this.wanted(job));
    if (shown.length === 1) this.deliver(shown[0]!.job, shown[0]!.m, 'finished');
    if (shown.length < 2) return;
    const m = catchUpMessage(
      shown.map(({ job }) => job),
      Date.now(),
    );
    this.d.notifier?.show({ title: m.title, body: m.body });
    this.d.hub.emit('notification', { title: m.title, body: m.body, level: m.level });
  }

  /** The activity entry of a finished job (every process writes the shared log); its message. */
  private logFinished(job: TrackedJob): JobMessage {
    const outputs: OutputsSummary = {
      state: job.outputsState,
      files: job.outputs.files?.length ?? 0,
      ...(job.outputs.dir ? { dir: job.outputs.dir } : {}),
      ...(job.outputs.error ? { error: job.outputs.error } : {}),
    };
    const m = finishedMessage(job, outputs);
    this.d.activity.add(m.level, 'jobs', `${m.title} — ${m.body}`, { kind: 'job', id: job.jobId });
    return m;
  }

  /** The process is closing: jobs gathered for a notice are left to the next process. */
  close(): void {
    this.catchUp.close();
  }

  /**
   * A warning about a running job, claimed once by run-guards.ts (after deliverable()); a job
   * set to notify 'none' only logs it.
   */
  warn(job: TrackedJob, m: JobMessage): void {
    this.d.activity.add(m.level, 'jobs', `${m.title} — ${m.body}`, { kind: 'job', id: job.jobId });
    if (job.options.notify !== 'none') this.deliver(job, m, 'warning');
  }

  /** Running and queued counts for the tray; sent only when they change. */
  counts(running: number, queued: number): void {
    if (running === this.summary.running && queued === this.summary.queued) return;
    this.summary = { running, queued };
    this.d.hub.emit('jobsSummary', { running, queued });
  }
}
