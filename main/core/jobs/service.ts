import type { Phrase } from '../../../shared/activity-phrases';
// The jobs feature, composed: templates, the catalog, the outbox, the poller, outputs and
// notifications over one jobs.db. Handlers call this; it emits the contract's events.
import { join } from 'node:path';
import type { OutboxEntry } from '../../../shared/jobs';
import type { ActivityLog } from '../activity/log';
import type { AccountService } from '../accounts/service';
import type { EventHub } from '../events/hub';
import type { Connectivity } from '../net/connectivity';
import type { CatchUpTiming } from '../notify/catch-up';
import { JobNotifications, type Notifier } from '../notify/notifier';
import type { RescaleApi } from '../rescale/api';
import type { SettingsService } from '../settings/service';
import { ArchiveUploads } from './archive-inputs';
import { badgeCounts, type BadgeCounts } from './badge-counts';
import { CatalogService } from './catalog';
import { dataVersion, openJobsDb, type Db } from './db';
import { OutboxStore, type Submission } from './outbox-store';
import { Outbox } from './outbox';
import { OutputFetcher } from './outputs';
import { StatusPoller } from './poller';
import { SweepStore } from './sweep-store';
import { RunGuards } from './run-guards';
import { TemplateStore } from './templates';
import { TrackedStore, type TrackedJob } from './tracked-store';
import type { JobTransfers } from './transfers';
import { followJob, stopJob } from './follow-job';
import { JobFiles } from './job-files';
import { jobDetail, listJobs } from './job-queries';
import type { LaunchContext } from './launch';
import { QueuedLaunches } from './queued';
import { JobRecords } from './records';
import type { CatalogOut, JobsIn, JobsOut } from './request-types';
import { TemplateEntries } from './template-entries';
import { jobChangedView, outboxView } from './views';

export interface JobsTuning {
  leaseMs?: number;
  backoff?: { baseMs: number; capMs: number };
  idleMs?: number;
  poller?: { requestsPerSecond?: number; burst?: number; sweepThreshold?: number; offlineProbeMs?: number };
  /** Overrides Settings → polling (whose floor is 5 s). */
  pollTiming?: { fastMs: number; slowMs: number };
  outputsWaitMs?: number;
  /** How often other processes' changes to jobs.db are looked for. */
  watchMs?: number;
  /** The walltime guards' clock (tests move it hours ahead instead of waiting). */
  guardClock?: () => number;
  /** When finished jobs are old news, announced together (notify/catch-up.ts). */
  catchUp?: CatchUpTiming;
}

export interface JobsDeps {
  dataDir: string;
  hub: EventHub;
  activity: ActivityLog;
  accounts: AccountService;
  connectivity: Connectivity;
  settings: SettingsService;
  transfers: JobTransfers;
  notifier?: Notifier;
  /** Whose notices this process shows (JobNotificationDeps.audience; default all). */
  noticeAudience?: 'all' | 'followed' | 'viewers';
  tuning?: JobsTuning;
}

function notificationsFor(d: JobsDeps, tracked: TrackedStore): JobNotifications {
  const t = d.tuning ?? {};
  return new JobNotifications({
    hub: d.hub,
    activity: d.activity,
    tracked,
    settings: () => d.settings.get().notifications,
    ...(d.notifier ? { notifier: d.notifier } : {}),
    ...(d.noticeAudience ? { audience: d.noticeAudience } : {}),
    ...(t.outputsWaitMs !== undefined ? { outputsWaitMs: t.outputsWaitMs } : {}),
    ...(t.catchUp ? { catchUp: t.catchUp } : {}),
  });
}

export class JobsService {
  // The parts: for the modules beside this one (sweeps, the facade's pieces), the CLI's one-shot
  // commands and tests. Request handlers use only the facade further down.
  readonly db: Db;
  readonly templates: TemplateStore;
  readonly catalog: CatalogService;
  readonly store: OutboxStore;
  readonly tracked: TrackedStore;
  readonly sweeps: SweepStore;
  readonly outbox: Outbox;
  readonly poller: StatusPoller;
  readonly outputs: OutputFetcher;
  readonly notifications: JobNotifications;
  readonly guards: RunGuards;
  /** The facade's pieces: saved templates as entries, the outbox's submissions, job records, a job's files. */
  readonly templateEntries: TemplateEntries;
  readonly queued: QueuedLaunches;
  readonly records: JobRecords;
  readonly files: JobFiles;
  private watch: NodeJS.Timeout | null = null;
  private lastVersion = 0;
  private lastWatch = 0;
  private closed = false;
  private readonly refreshing = new Set<string>();
  private offForget: (() => void) | null = null;
  private started = false;

  constructor(readonly d: JobsDeps) {
    const log = {
      info: (p: Phrase, jobId?: string) => d.activity.say('info', 'jobs', p, jobId ? { kind: 'job', id: jobId } : undefined),
      warn: (p: Phrase, jobId?: string) => d.activity.say('warn', 'jobs', p, jobId ? { kind: 'job', id: jobId } : undefined),
    };
    const apiFor = async (accountId: string): Promise<RescaleApi> => (await d.accounts.session(accountId)).api;
    // Processes share jobs.db; each acts only for the accounts it has keys for.
    const serves = (accountId: string): boolean => d.accounts.serves(accountId);
    const t = d.tuning ?? {};
    this.db = openJobsDb(join(d.dataDir, 'jobs.db'));
    this.templates = new TemplateStore(d.dataDir, Date.now, (m) => d.activity.say('warn', 'jobs', m));
    this.catalog = new CatalogService(join(d.dataDir, 'catalog'));
    this.store = new OutboxStore(this.db);
    this.tracked = new TrackedStore(this.db);
    this.sweeps = new SweepStore(this.db, this.store);
    this.templateEntries = new TemplateEntries(this);
    this.queued = new QueuedLaunches(this);
    this.records = new JobRecords(this);
    this.files = new JobFiles(this);
    this.notifications = notificationsFor(d, this.tracked);
    this.guards = new RunGuards({
      db: this.db,
      settings: () => d.settings.get().notifications,
      notices: this.notifications,
      ...(t.guardClock ? { now: t.guardClock } : {}),
    });
    this.outputs = new OutputFetcher({
      tracked: this.tracked,
      apiFor,
      transfers: d.transfers,
      settings: () => d.settings.get().downloads,
      log,
      onChange: (j) => d.hub.emit('jobChanged', jobChangedView(j)),
      ...(t.leaseMs ? { leaseMs: t.leaseMs } : {}),
    });
    this.poller = new StatusPoller({
      tracked: this.tracked,
      apiFor,
      serves,
      connectivity: d.connectivity,
      timing: () => t.pollTiming ?? { fastMs: d.settings.get().polling.fastSeconds * 1000, slowMs: d.settings.get().polling.slowSeconds * 1000 },
      onUpdate: (j) => this.jobUpdated(j),
      onPolled: (accountId, jobId) => this.checkGuards(accountId, jobId),
      onGone: (accountId, jobId) => {
        this.tracked.remove(accountId, jobId);
        log.warn({ key: 'jobGone', params: { jobId } }, jobId);
        this.counts();
      },
      ...t.poller,
    });
    this.outbox = new Outbox({
      store: this.store,
      tracked: this.tracked,
      apiFor,
      serves,
      transfers: d.transfers,
      archives: { uploads: new ArchiveUploads(this.db), stagingDir: join(d.dataDir, 'staging', 'job-inputs'), apiFor },
      sharedUpload: (s, path) => (s.source.sweep ? this.sweeps.sharedUpload(s.source.sweep.id, s.id, path) : null),
      connectivity: d.connectivity,
      log,
      onChange: (s) => this.submissionChanged(s),
      onSubmitted: (s, job) => {
        if (s.source.sweep && this.sweeps.stopped(s.source.sweep.id)) this.stopLate(job);
        this.poller.track(job);
        d.hub.emit('jobChanged', jobChangedView(job));
        this.counts();
      },
      ...(t.leaseMs ? { leaseMs: t.leaseMs } : {}),
      ...(t.backoff ? { backoff: t.backoff } : {}),
      ...(t.idleMs ? { idleMs: t.idleMs } : {}),
    });
  }

  /** The recent jobs with the outbox (offline: what Courier knows). */
  list(req: JobsIn<'list'>): Promise<JobsOut<'list'>> {
    return listJobs(this, req);
  }

  get(jobId: string): Promise<JobsOut<'get'>> {
    return jobDetail(this, jobId);
  }

  follow(req: JobsIn<'follow'>): Promise<JobsOut<'follow'>> {
    return followJob(this, req);
  }

  stop(jobId: string): Promise<JobsOut<'stop'>> {
    return stopJob(this, jobId);
  }

  launch(req: JobsIn<'launch'>): Promise<OutboxEntry> {
    return this.queued.launch(req);
  }

  /** The active account's catalog: the disk cache, fetched when missing or old (or when asked to). */
  async catalogView(refresh: boolean): Promise<CatalogOut> {
    const sess = await this.d.accounts.session();
    return this.catalog.get(sess.account.id, sess.api, { refresh });
  }

  /** A launch never waits for the network: the catalog check uses the disk cache (refreshed in the background). */
  async launchContext(): Promise<LaunchContext> {
    const sess = await this.d.accounts.session();
    const catalog = this.catalog.cached(sess.account.id);
    if (!catalog || catalog.stale) this.refreshCatalog(sess.account.id);
    return { accountId: sess.account.id, api: sess.api, catalog };
  }

  /** The walltime guards look at a job after each poll of it. */
  private checkGuards(accountId: string, jobId: string): void {
    try {
      const j = this.tracked.get(accountId, jobId);
      if (j) this.guards.check(j);
    } catch (e) {
      // A busy jobs.db: the next poll looks again; polling itself goes on.
      this.d.activity.say('warn', 'jobs', { key: 'announceFailed', params: { jobId, reason: (e as Error).message } });
    }
  }

  /** A row of a stopped sweep that was on its way when the sweep was stopped: it went out, so it is stopped now. */
  private stopLate(job: TrackedJob): void {
    void this.d.accounts
      .session(job.accountId)
      .then((sess) => sess.api.stopJob(job.jobId))
      .then(() => this.d.activity.say('info', 'jobs', { key: 'stopAsked', params: { jobId: job.jobId } }, { kind: 'job', id: job.jobId }))
      .catch((e: unknown) =>
        this.d.activity.say(
          'warn',
          'jobs',
          { key: 'sweepStopFailed', params: { jobId: job.jobId, reason: (e as Error).message } },
          { kind: 'job', id: job.jobId },
        ),
      );
  }

  /** Resumes everything the data folder says is unfinished: sends, watches, owed notifications and downloads. */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.offForget = this.d.accounts.onForget((id) => {
      this.poller.untrackAccount(id);
      this.catalog.forget(id);
    });
    this.lastVersion = dataVersion(this.db);
    this.lastWatch = Date.now();
    this.outbox.start();
    this.poller.start();
    for (const j of this.tracked.owed()) if (this.d.accounts.serves(j.accountId)) this.finish(j);
    const active = this.d.accounts.activeId();
    if (active) this.refreshCatalog(active);
    this.counts();
    const every = this.d.tuning?.watchMs ?? 2_000;
    this.watch = setInterval(() => this.watchOthers(), every);
    this.watch.unref();
  }

  /** Fetches the catalog in the background when the cache is missing or old (launches only read the cache). */
  refreshCatalog(accountId: string): void {
    if (this.refreshing.has(accountId) || this.closed) return;
    this.refreshing.add(accountId);
    void (async () => {
      try {
        const cached = this.catalog.cached(accountId);
        if (!cached || cached.stale) await this.catalog.get(accountId, (await this.d.accounts.session(accountId)).api);
      } catch {
        // Offline or signed out: the next launch or list asks again.
      } finally {
        this.refreshing.delete(accountId);
      }
    })();
  }

  /** The machine sleeps / wakes (Electron powerMonitor). */
  pause(): void {
    this.poller.pause();
  }
  resume(): void {
    this.poller.resume();
    this.outbox.poke();
  }

  submissionChanged(s: Submission): void {
    this.d.hub.emit('outboxChanged', this.entry(s));
    this.counts();
  }

  entry(s: Submission): OutboxEntry {
    return outboxView(s, { offline: !this.d.connectivity.isOnline() });
  }

  private jobUpdated(j: TrackedJob): void {
    this.d.hub.emit('jobChanged', jobChangedView(j));
    if (j.terminal) this.finish(j);
    this.counts();
  }

  /** A finished job: outputs first (if the template asks), then one notification. */
  private finish(j: TrackedJob): void {
    const outputs = this.outputs.fetchFor(j);
    void this.notifications
      .finished(j, outputs)
      .catch((e: unknown) => this.d.activity.say('warn', 'jobs', { key: 'announceFailed', params: { jobId: j.jobId, reason: (e as Error).message } }));
  }

  /**
   * A page that shows notices opened (the web host, which claims none while no page is open):
   * the notices held back meanwhile are offered now, finished jobs and due warnings alike.
   * Returns the function to call when the page closes.
   */
  attachViewer(): () => void {
    const detach = this.notifications.attachViewer();
    try {
      for (const j of this.tracked.owed()) this.announceSettled(j);
      for (const j of this.tracked.active()) if (this.d.accounts.serves(j.accountId)) this.checkGuards(j.accountId, j.jobId);
    } catch {
      // A busy jobs.db: the next poll of each job looks again.
    }
    return detach;
  }

  /**
   * A finished job nobody has announced, once its outputs have settled (while they download, the
   * process fetching them announces it afterwards): announced here if this process can show it.
   */
  announceSettled(j: TrackedJob): void {
    if (j.terminal && !j.notified && !['pending', 'downloading'].includes(j.outputsState) && this.d.accounts.serves(j.accountId))
      this.notifications.announce(j);
  }

  /** The Jobs badge's numbers; by real state: a Pending or queued job is waiting, like a launch still in the outbox. */
  badge(): BadgeCounts {
    return badgeCounts(this.db, this.tracked, this.store);
  }

  counts(): void {
    if (this.closed) return;
    const c = this.badge();
    this.notifications.counts(c.running, c.queued);
  }

  /** Another process (the CLI, the desktop app) changed jobs.db: show its work here too. */
  private watchOthers(): void {
    if (this.closed) return;
    try {
      const v = dataVersion(this.db);
      if (v === this.lastVersion) return;
      this.lastVersion = v;
      const since = this.lastWatch - 1000;
      this.lastWatch = Date.now();
      for (const s of this.store.changedSince(since)) this.d.hub.emit('outboxChanged', this.entry(s));
      // A status or an output download another process recorded (it may hold the job's lease).
      for (const j of this.tracked.changedSince(since)) {
        this.d.hub.emit('jobChanged', jobChangedView(j));
        // Outputs another process fetched have settled: announce the job if it could not.
        this.announceSettled(j);
      }
      for (const k of this.tracked.activeKeys()) {
        if (this.poller.has(k.accountId, k.jobId)) continue;
        const j = this.tracked.get(k.accountId, k.jobId); // new from elsewhere
        if (j) this.poller.track(j, Date.now() + 1000);
      }
      this.outbox.poke();
      this.counts();
    } catch {
      // The next tick tries again.
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.offForget?.();
    this.notifications.close();
    if (this.watch) clearInterval(this.watch);
    await this.poller.close();
    await this.outbox.close();
    this.db.close();
  }
}
