// The outbox's rows. Every state change is one committed transaction, conditioned on the
// caller still holding the lease, so a process that lost its lease cannot move a row.
import type { JobTemplate, LaunchInput, OutboxEntry, SubmissionState } from '../../../shared/jobs';
import type { Db } from './db';
import { leaseFree, type LeaseColumns, type LeaseOwner } from './lease';
import type { JobHardware } from './tracked-store';
import type { ResolvedLaunch } from './payload';
import type { V2JobBody } from './payload';

/** Per input, in launch order: how far its upload got. */
export interface InputProgress {
  transferId?: string;
  fileId?: string;
  /** A folder input: its archive waiting for upload, and the manifest keys to remember the upload by. */
  staged?: string;
  keys?: { quick: string; content: string };
  /** A folder input whose archive was uploaded before (by an earlier launch): nothing went up. */
  reused?: boolean;
}

export interface SubmissionOptions {
  outputFilters: string[];
  autoDownload: boolean;
  outputFolder: string;
  notify: 'all' | 'failures' | 'none';
  /** Carried to the watched job: its cost and walltime warning. */
  hardware?: JobHardware;
}

/** What the user asked for, kept so a queued submission can be edited and resolved again. */
export interface SubmissionSource {
  template: JobTemplate;
  inputs: LaunchInput[];
  values: Record<string, string>;
  name?: string;
  /** A row of a parameter sweep (sweeps.ts): which sweep, and its row number (from 1). */
  sweep?: { id: string; name: string; row: number };
}

export interface Submission {
  id: string;
  seq: number;
  /** Bumped by every user edit: a worker holding an older copy can no longer move the row. */
  rev: number;
  source: SubmissionSource;
  accountId: string;
  templateId: string;
  templateName: string;
  jobName: string;
  marker: string;
  launch: ResolvedLaunch;
  inputs: InputProgress[];
  body: V2JobBody | null;
  options: SubmissionOptions;
  state: SubmissionState;
  waiting: OutboxEntry['waiting'];
  jobId: string | null;
  error: { code: string; message: string } | null;
  createAttempts: number;
  createStartedAt: number | null;
  submitAttempts: number;
  nextAttemptAt: number;
  createdAt: number;
  updatedAt: number;
}

type Row = LeaseColumns & Record<string, unknown>;

/** Not yet out of the outbox's hands. */
export const OPEN_STATES: readonly SubmissionState[] = ['queued', 'uploading', 'creating', 'created', 'submitting'];
/** `state IN (?, …)` for the open states, bound to `...OPEN_STATES`. */
const OPEN_IN = `state IN (${OPEN_STATES.map(() => '?').join(',')})`;
/** The user may still edit or cancel: nothing has reached the platform. */
export const EDITABLE_STATES: readonly SubmissionState[] = ['queued', 'uploading'];

function toSubmission(r: Row): Submission {
  return {
    id: String(r.id),
    seq: Number(r.seq),
    rev: Number(r.rev),
    source: JSON.parse(String(r.source_json)) as SubmissionSource,
    accountId: String(r.account_id),
    templateId: String(r.template_id),
    templateName: String(r.template_name),
    jobName: String(r.job_name),
    marker: String(r.marker),
    launch: JSON.parse(String(r.launch_json)) as ResolvedLaunch,
    inputs: JSON.parse(String(r.inputs_json)) as InputProgress[],
    body: r.body_json ? (JSON.parse(String(r.body_json)) as V2JobBody) : null,
    options: JSON.parse(String(r.options_json)) as SubmissionOptions,
    state: String(r.state) as SubmissionState,
    waiting: (r.waiting ?? null) as OutboxEntry['waiting'],
    jobId: r.job_id === null ? null : String(r.job_id),
    error: r.error_code ? { code: String(r.error_code), message: String(r.error_message ?? '') } : null,
    createAttempts: Number(r.create_attempts),
    createStartedAt: r.create_started_at === null ? null : Number(r.create_started_at),
    submitAttempts: Number(r.submit_attempts),
    nextAttemptAt: Number(r.next_attempt_at),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export type SubmissionPatch = Partial<
  Pick<
    Submission,
    | 'state'
    | 'waiting'
    | 'jobId'
    | 'error'
    | 'inputs'
    | 'body'
    | 'createAttempts'
    | 'createStartedAt'
    | 'submitAttempts'
    | 'nextAttemptAt'
    | 'launch'
    | 'jobName'
    | 'source'
  >
>;

function columns(p: SubmissionPatch): Record<string, unknown> {
  const c: Record<string, unknown> = {};
  if (p.state !== undefined) c.state = p.state;
  if (p.waiting !== undefined) c.waiting = p.waiting;
  if (p.jobId !== undefined) c.job_id = p.jobId;
  if (p.error !== undefined) {
    c.error_code = p.error?.code ?? null;
    c.error_message = p.error?.message ?? null;
  }
  if (p.inputs !== undefined) c.inputs_json = JSON.stringify(p.inputs);
  if (p.body !== undefined) c.body_json = p.body === null ? null : JSON.stringify(p.body);
  if (p.createAttempts !== undefined) c.create_attempts = p.createAttempts;
  if (p.createStartedAt !== undefined) c.create_started_at = p.createStartedAt;
  if (p.submitAttempts !== undefined) c.submit_attempts = p.submitAttempts;
  if (p.nextAttemptAt !== undefined) c.next_attempt_at = p.nextAttemptAt;
  if (p.launch !== undefined) c.launch_json = JSON.stringify(p.launch);
  if (p.jobName !== undefined) c.job_name = p.jobName;
  if (p.source !== undefined) c.source_json = JSON.stringify(p.source);
  return c;
}

export class OutboxStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  insert(
    s: Omit<
      Submission,
      | 'seq'
      | 'rev'
      | 'createdAt'
      | 'updatedAt'
      | 'state'
      | 'waiting'
      | 'jobId'
      | 'error'
      | 'createAttempts'
      | 'createStartedAt'
      | 'submitAttempts'
      | 'nextAttemptAt'
      | 'body'
    >,
  ): Submission {
    const at = this.now();
    return this.db
      .transaction(() => {
        const seq = Number((this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM submissions').get() as { n: number }).n);
        this.db
          .prepare(
            `INSERT INTO submissions (id, seq, account_id, template_id, template_name, job_name, marker, launch_json, source_json, inputs_json, options_json, state, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)`,
          )
          .run(
            s.id,
            seq,
            s.accountId,
            s.templateId,
            s.templateName,
            s.jobName,
            s.marker,
            JSON.stringify(s.launch),
            JSON.stringify(s.source),
            JSON.stringify(s.inputs),
            JSON.stringify(s.options),
            at,
            at,
          );
        return this.get(s.id) as Submission;
      })
      .immediate();
  }

  get(id: string): Submission | null {
    const r = this.db.prepare('SELECT * FROM submissions WHERE id = ?').get(id) as Row | undefined;
    return r ? toSubmission(r) : null;
  }

  byJob(jobId: string): Submission | null {
    const r = this.db.prepare('SELECT * FROM submissions WHERE job_id = ? ORDER BY seq DESC LIMIT 1').get(jobId) as Row | undefined;
    return r ? toSubmission(r) : null;
  }

  /** The newest rows, a page for display (500 unless told): not every open row (see oldestOpen, openQueue). */
  list(filter: { open?: boolean; limit?: number } = {}): Submission[] {
    const where = filter.open ? `WHERE ${OPEN_IN}` : '';
    const rows = this.db
      .prepare(`SELECT * FROM submissions ${where} ORDER BY seq DESC LIMIT ?`)
      .all(...(filter.open ? OPEN_STATES : []), filter.limit ?? 500) as Row[];
    return rows.map(toSubmission);
  }

  /** How many submissions are still open (every account): counted by the state index, no row read. */
  openCount(): number {
    const sql = `SELECT COUNT(*) AS n FROM submissions WHERE ${OPEN_IN}`;
    return Number((this.db.prepare(sql).get(...OPEN_STATES) as { n: number }).n);
  }

  /**
   * What the jobs list shows of an account's outbox, newest first: every open submission, and the
   * ones that failed or were cancelled after `since`. Chosen in SQL: neither other accounts' rows
   * nor the submitted ones (most of a sweep) can push an open one off the page.
   */
  forJobsList(accountId: string, since: number, limit = 500): Submission[] {
    const sql = `SELECT * FROM submissions WHERE account_id = ? AND (${OPEN_IN} OR (state IN ('failed', 'cancelled') AND updated_at > ?)) ORDER BY seq DESC LIMIT ?`;
    return (this.db.prepare(sql).all(accountId, ...OPEN_STATES, since, limit) as Row[]).map(toSubmission);
  }

  /** Every open submission's id, however many (list() stops at its limit). */
  openIds(): Set<string> {
    const sql = `SELECT id FROM submissions WHERE ${OPEN_IN}`;
    return new Set((this.db.prepare(sql).all(...OPEN_STATES) as { id: string }[]).map((r) => r.id));
  }

  /**
   * When the account's latest submissions went out (newest first): a submitted row is not changed
   * again, so its updated_at is its submission time. Queued rows, whatever their seq, are not read.
   */
  submittedTimes(accountId: string, since: number, limit: number): number[] {
    const rows = this.db
      .prepare("SELECT updated_at AS at FROM submissions WHERE account_id = ? AND state = 'submitted' AND updated_at > ? ORDER BY updated_at DESC LIMIT ?")
      .all(accountId, since, limit) as { at: number }[];
    return rows.map((r) => Number(r.at));
  }

  /**
   * The account's oldest open submission: the one its queue waits on (rows go out in seq order).
   * Read by the (account_id, state) index, however many rows are open; list() stops at its limit.
   */
  oldestOpen(accountId: string): Submission | null {
    const sql = `SELECT * FROM submissions WHERE account_id = ? AND ${OPEN_IN} ORDER BY seq LIMIT 1`;
    const r = this.db.prepare(sql).get(accountId, ...OPEN_STATES) as Row | undefined;
    return r ? toSubmission(r) : null;
  }

  /** The account's open submissions in sending order (all of them): only what a "goes out in" time needs. */
  openQueue(accountId: string): { id: string; nextAttemptAt: number }[] {
    const rows = this.db
      .prepare(`SELECT id, next_attempt_at AS next FROM submissions WHERE account_id = ? AND ${OPEN_IN} ORDER BY seq`)
      .all(accountId, ...OPEN_STATES) as { id: string; next: number }[];
    return rows.map((r) => ({ id: String(r.id), nextAttemptAt: Number(r.next) }));
  }

  /** Rows changed since `since` (updated_at), for telling the UI about other processes' work. */
  changedSince(since: number): Submission[] {
    return (this.db.prepare('SELECT * FROM submissions WHERE updated_at >= ? ORDER BY seq').all(since) as Row[]).map(toSubmission);
  }

  /**
   * Claims the next submission to work on, in launch order per account: only the oldest open
   * submission of an account may move (later ones wait their turn), and only if its lease is
   * free and its retry time has come. Accounts this process cannot act for (`serves` says no:
   * a key given to another process's command line) are left to the process that has the key.
   * Returns the claimed row, or when to look again.
   */
  claimNext(me: LeaseOwner, leaseMs: number, serves: (accountId: string) => boolean = () => true): { claimed: Submission | null; wakeAt: number | null } {
    return this.db
      .transaction(() => {
        const now = this.now();
        const rows = this.db.prepare(`SELECT * FROM submissions WHERE ${OPEN_IN} ORDER BY seq`).all(...OPEN_STATES) as Row[];
        const heads = new Map<string, Row>();
        for (const r of rows) if (!heads.has(String(r.account_id)) && serves(String(r.account_id))) heads.set(String(r.account_id), r);
        let wakeAt: number | null = null;
        for (const r of [...heads.values()].sort((a, b) => Number(a.seq) - Number(b.seq))) {
          const free = leaseFree(r, me, now);
          const due = Number(r.next_attempt_at) <= now;
          if (free && due) {
            this.db
              .prepare('UPDATE submissions SET lease_owner = ?, lease_host = ?, lease_pid = ?, lease_until = ? WHERE id = ?')
              .run(me.id, me.host, me.pid, now + leaseMs, r.id);
            return { claimed: toSubmission(r), wakeAt: null };
          }
          const at = Math.max(free ? 0 : Number(r.lease_until), Number(r.next_attempt_at));
          wakeAt = wakeAt === null ? at : Math.min(wakeAt, at);
        }
        return { claimed: null, wakeAt };
      })
      .immediate();
  }

  /** Extends our lease; false when it is no longer ours. */
  renew(id: string, me: LeaseOwner, leaseMs: number): boolean {
    return this.db.prepare('UPDATE submissions SET lease_until = ? WHERE id = ? AND lease_owner = ?').run(this.now() + leaseMs, id, me.id).changes === 1;
  }

  /**
   * Moves a row we hold, as we last read it (same rev), optionally only from given states.
   * False = not ours any more, or the user changed it meanwhile: the caller must stop.
   */
  update(s: Pick<Submission, 'id' | 'rev'>, me: LeaseOwner, patch: SubmissionPatch, from?: readonly SubmissionState[], extra?: () => void): boolean {
    return this.db
      .transaction(() => {
        const cols = { ...columns(patch), updated_at: this.now() };
        const sets = Object.keys(cols)
          .map((k) => `${k} = @${k}`)
          .join(', ');
        const stateCond = from ? ` AND state IN (${from.map((x) => `'${x}'`).join(',')})` : '';
        const ok =
          this.db
            .prepare(`UPDATE submissions SET ${sets} WHERE id = @id AND rev = @rev AND lease_owner = @owner${stateCond}`)
            .run({ ...cols, id: s.id, rev: s.rev, owner: me.id }).changes === 1;
        if (ok) extra?.();
        return ok;
      })
      .immediate();
  }

  release(id: string, me: LeaseOwner): void {
    this.db
      .prepare('UPDATE submissions SET lease_owner = NULL, lease_host = NULL, lease_pid = NULL, lease_until = 0 WHERE id = ? AND lease_owner = ?')
      .run(id, me.id);
  }

  /** A user's change (cancel, edit, retry), whoever holds the row; it invalidates the holder's copy. */
  userUpdate(id: string, patch: SubmissionPatch, from: readonly SubmissionState[]): boolean {
    const cols = { ...columns(patch), updated_at: this.now() };
    const sets = [...Object.keys(cols).map((k) => `${k} = @${k}`), 'rev = rev + 1'].join(', ');
    const stateCond = from.map((s) => `'${s}'`).join(',');
    return this.db.prepare(`UPDATE submissions SET ${sets} WHERE id = @id AND state IN (${stateCond})`).run({ ...cols, id }).changes === 1;
  }

  /** The connection is back: whatever waited for it may go now. */
  wakeWaitingForConnection(): number {
    return this.db.prepare(`UPDATE submissions SET next_attempt_at = 0 WHERE waiting = 'connection' AND ${OPEN_IN}`).run(...OPEN_STATES).changes;
  }
}
