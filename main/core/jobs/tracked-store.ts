// Jobs Courier watches: launched here (inserted in the same transaction that records the
// submit) or followed by the user. The once-only side effects of a finished job — the
// notification and the output download — are claimed here, so two processes never both do them.
import type { JobOutcome, JobStatusItem } from '../../../shared/jobs';
import type { Db } from './db';
import { leaseFree, type LeaseColumns, type LeaseOwner } from './lease';

/** What the job runs on: for its cost and its walltime warning (absent on rows of older Courier versions). */
export interface JobHardware {
  coreType: string;
  coresPerSlot: number;
  slots: number;
  lowPriority: boolean;
  walltimeHours?: number;
}

export interface TrackOptions {
  outputFilters: string[];
  autoDownload: boolean;
  /** Parent folder of rescale_job_<id>/ ('' = Settings → Downloads). */
  outputFolder: string;
  notify: 'all' | 'failures' | 'none';
  hardware?: JobHardware;
}

export interface OutputsRecord {
  dir?: string;
  transferIds?: string[];
  files?: string[];
  error?: string;
}

export interface TrackedJob {
  jobId: string;
  accountId: string;
  name: string;
  source: 'courier' | 'followed';
  submissionId: string | null;
  templateId: string | null;
  options: TrackOptions;
  status: string;
  history: JobStatusItem[];
  outcome: JobOutcome;
  terminal: boolean;
  notified: boolean;
  outputsState: 'none' | 'pending' | 'downloading' | 'done' | 'failed';
  outputs: OutputsRecord;
  createdAt: number;
  updatedAt: number;
}

type Row = LeaseColumns & Record<string, unknown>;

function toTracked(r: Row): TrackedJob {
  return {
    jobId: String(r.job_id),
    accountId: String(r.account_id),
    name: String(r.name),
    source: r.source === 'followed' ? 'followed' : 'courier',
    submissionId: r.submission_id === null ? null : String(r.submission_id),
    templateId: r.template_id === null ? null : String(r.template_id),
    options: JSON.parse(String(r.options_json)) as TrackOptions,
    status: String(r.status),
    history: JSON.parse(String(r.history_json)) as JobStatusItem[],
    outcome: String(r.outcome) as JobOutcome,
    terminal: Number(r.terminal) === 1,
    notified: Number(r.notified) === 1,
    outputsState: String(r.outputs_state) as TrackedJob['outputsState'],
    outputs: JSON.parse(String(r.outputs_json)) as OutputsRecord,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export class TrackedStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** Starts watching (or updates how); an existing row keeps its status and claims. */
  upsert(j: Pick<TrackedJob, 'jobId' | 'accountId' | 'name' | 'source' | 'submissionId' | 'templateId' | 'options'>): TrackedJob {
    const at = this.now();
    this.db
      .prepare(
        `INSERT INTO tracked_jobs (job_id, account_id, name, source, submission_id, template_id, options_json, created_at, updated_at)
         VALUES (@jobId, @accountId, @name, @source, @submissionId, @templateId, @options, @at, @at)
         ON CONFLICT(account_id, job_id) DO UPDATE SET name = excluded.name, options_json = excluded.options_json,
           submission_id = COALESCE(tracked_jobs.submission_id, excluded.submission_id), template_id = COALESCE(tracked_jobs.template_id, excluded.template_id),
           updated_at = excluded.updated_at`,
      )
      .run({ ...j, options: JSON.stringify(j.options), at });
    return this.get(j.accountId, j.jobId) as TrackedJob;
  }

  get(accountId: string, jobId: string): TrackedJob | null {
    const r = this.db.prepare('SELECT * FROM tracked_jobs WHERE account_id = ? AND job_id = ?').get(accountId, jobId) as Row | undefined;
    return r ? toTracked(r) : null;
  }

  active(): TrackedJob[] {
    return (this.db.prepare('SELECT * FROM tracked_jobs WHERE terminal = 0 ORDER BY created_at').all() as Row[]).map(toTracked);
  }

  /** Unfinished jobs by status word, and how many of each: the Jobs badge counts these without reading a row whole. */
  activeByStatus(): { status: string; n: number }[] {
    return this.db.prepare('SELECT status, COUNT(*) AS n FROM tracked_jobs WHERE terminal = 0 GROUP BY status').all() as { status: string; n: number }[];
  }

  /** Which jobs are unfinished, by key only: a process looking for jobs another one added reads no row whole. */
  activeKeys(): { accountId: string; jobId: string }[] {
    return this.db.prepare('SELECT account_id AS accountId, job_id AS jobId FROM tracked_jobs WHERE terminal = 0').all() as {
      accountId: string;
      jobId: string;
    }[];
  }

  all(accountId?: string, limit = 500): TrackedJob[] {
    const rows = accountId
      ? this.db.prepare('SELECT * FROM tracked_jobs WHERE account_id = ? ORDER BY created_at DESC LIMIT ?').all(accountId, limit)
      : this.db.prepare('SELECT * FROM tracked_jobs ORDER BY created_at DESC LIMIT ?').all(limit);
    return (rows as Row[]).map(toTracked);
  }

  /** Rows changed since `since` (updated_at), for showing other processes' progress here. */
  changedSince(since: number): TrackedJob[] {
    return (this.db.prepare('SELECT * FROM tracked_jobs WHERE updated_at >= ? ORDER BY updated_at').all(since) as Row[]).map(toTracked);
  }

  /** Finished jobs whose notification or outputs are still owed (a crash came in between). */
  owed(): TrackedJob[] {
    return (
      this.db
        .prepare(`SELECT * FROM tracked_jobs WHERE terminal = 1 AND (notified = 0 OR outputs_state IN ('pending', 'downloading')) ORDER BY updated_at`)
        .all() as Row[]
    ).map(toTracked);
  }

  setStatus(
    accountId: string,
    jobId: string,
    s: { status: string; history: JobStatusItem[]; outcome: JobOutcome; terminal: boolean; outputsState?: TrackedJob['outputsState'] },
  ): TrackedJob | null {
    this.db
      .prepare(
        // Outputs become owed only on the step to terminal, so a late poll in another process never re-opens a done download.
        `UPDATE tracked_jobs SET status = ?, history_json = ?, outcome = ?,
           outputs_state = CASE WHEN terminal = 0 AND ? IS NOT NULL THEN ? ELSE outputs_state END, terminal = ?, updated_at = ?
         WHERE account_id = ? AND job_id = ?`,
      )
      .run(s.status, JSON.stringify(s.history), s.outcome, s.outputsState ?? null, s.outputsState ?? null, s.terminal ? 1 : 0, this.now(), accountId, jobId);
    return this.get(accountId, jobId);
  }

  /** True exactly once per job across all processes: the caller shows the notification. */
  claimNotification(accountId: string, jobId: string): boolean {
    return this.db.prepare('UPDATE tracked_jobs SET notified = 1 WHERE account_id = ? AND job_id = ? AND notified = 0').run(accountId, jobId).changes === 1;
  }

  /** Claims the notifications of several jobs in one transaction: those this call claimed. */
  claimNotifications<T extends Pick<TrackedJob, 'accountId' | 'jobId'>>(jobs: T[]): T[] {
    return this.db.transaction(() => jobs.filter((j) => this.claimNotification(j.accountId, j.jobId)))();
  }

  /** Claims the output download (lease): one process downloads, another takes over if it dies. */
  claimOutputs(accountId: string, jobId: string, me: LeaseOwner, leaseMs: number): TrackedJob | null {
    return this.db
      .transaction(() => {
        const r = this.db
          .prepare(`SELECT * FROM tracked_jobs WHERE account_id = ? AND job_id = ? AND outputs_state IN ('pending', 'downloading')`)
          .get(accountId, jobId) as Row | undefined;
        if (!r || !leaseFree(r, me, this.now())) return null;
        this.db
          .prepare(
            `UPDATE tracked_jobs SET lease_owner = ?, lease_host = ?, lease_pid = ?, lease_until = ?, outputs_state = 'downloading', updated_at = ? WHERE account_id = ? AND job_id = ?`,
          )
          .run(me.id, me.host, me.pid, this.now() + leaseMs, this.now(), accountId, jobId);
        return this.get(accountId, jobId);
      })
      .immediate();
  }

  renewOutputs(accountId: string, jobId: string, me: LeaseOwner, leaseMs: number): boolean {
    return (
      this.db
        .prepare('UPDATE tracked_jobs SET lease_until = ? WHERE account_id = ? AND job_id = ? AND lease_owner = ?')
        .run(this.now() + leaseMs, accountId, jobId, me.id).changes === 1
    );
  }

  setOutputs(accountId: string, jobId: string, me: LeaseOwner | null, state: TrackedJob['outputsState'], outputs: OutputsRecord): boolean {
    const owner = me ? ' AND lease_owner = @owner' : '';
    const release = state === 'done' || state === 'failed' ? ', lease_owner = NULL, lease_until = 0' : '';
    return (
      this.db
        .prepare(
          `UPDATE tracked_jobs SET outputs_state = @state, outputs_json = @outputs, updated_at = @at${release} WHERE account_id = @accountId AND job_id = @jobId${owner}`,
        )
        .run({ state, outputs: JSON.stringify(outputs), at: this.now(), accountId, jobId, ...(me ? { owner: me.id } : {}) }).changes === 1
    );
  }

  remove(accountId: string, jobId: string): void {
    this.db.prepare('DELETE FROM tracked_jobs WHERE account_id = ? AND job_id = ?').run(accountId, jobId);
  }
}
