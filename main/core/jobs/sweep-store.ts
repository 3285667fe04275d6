// Sweeps in jobs.db: the sweep (name, template snapshot, columns, input paths) and, per row, its
// values and the outbox submission it became. A sweep and all its submissions are written in one
// transaction, so after a crash either every row is queued or none is: a second launch of the
// same sweep finds it and queues nothing again.
import type { JobOutcome, JobTemplate, SubmissionState } from '../../../shared/jobs';
import type { Db } from './db';
import { OPEN_STATES, type InputProgress, type OutboxStore, type Submission } from './outbox-store';

export interface SweepRecord {
  id: string;
  accountId: string;
  name: string;
  template: JobTemplate;
  columns: string[];
  inputs: string[];
  /** What the rows were made from (template, table, inputs): the same launch again has the same. */
  fingerprint: string;
  createdAt: number;
}

export interface SweepRow {
  row: number;
  values: Record<string, string>;
  submission: Submission;
}

/** Rows of one sweep alike for counting: their submission state, job outcome and status, and how many. */
export interface RowGroup {
  sweepId: string;
  state: SubmissionState;
  outcome: JobOutcome;
  status: string;
  n: number;
}

type NewSubmission = Parameters<OutboxStore['insert']>[0];

interface SweepDbRow {
  id: string;
  account_id: string;
  name: string;
  template_json: string;
  columns_json: string;
  inputs_json: string;
  fingerprint: string;
  created_at: number;
}

function toRecord(r: SweepDbRow): SweepRecord {
  return {
    id: r.id,
    accountId: r.account_id,
    name: r.name,
    template: JSON.parse(r.template_json) as JobTemplate,
    columns: JSON.parse(r.columns_json) as string[],
    inputs: JSON.parse(r.inputs_json) as string[],
    fingerprint: r.fingerprint,
    createdAt: Number(r.created_at),
  };
}

export class SweepStore {
  constructor(
    private readonly db: Db,
    private readonly outbox: OutboxStore,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The sweep and one submission per row, in row order (the outbox sends in that order), all or
   * nothing — or, when a sweep of that name is there already (another process launched it a moment
   * before, after our own look found nothing), that sweep and nothing written. The look and the
   * writes share one immediate transaction, so the name's UNIQUE constraint is never what answers.
   */
  create(
    s: Omit<SweepRecord, 'createdAt'>,
    rows: { row: number; values: Record<string, string>; submission: NewSubmission }[],
  ): { sweep: SweepRecord; created: boolean } {
    return this.db
      .transaction(() => {
        const existing = this.byName(s.accountId, s.name);
        if (existing) return { sweep: existing, created: false };
        this.db
          .prepare(
            'INSERT INTO sweeps (id, account_id, name, template_json, columns_json, inputs_json, fingerprint, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          )
          .run(s.id, s.accountId, s.name, JSON.stringify(s.template), JSON.stringify(s.columns), JSON.stringify(s.inputs), s.fingerprint, this.now());
        const link = this.db.prepare('INSERT INTO sweep_rows (sweep_id, row, values_json, submission_id) VALUES (?, ?, ?, ?)');
        for (const r of rows) {
          this.outbox.insert(r.submission);
          link.run(s.id, r.row, JSON.stringify(r.values), r.submission.id);
        }
        return { sweep: this.get(s.id) as SweepRecord, created: true };
      })
      .immediate();
  }

  get(id: string): SweepRecord | null {
    const r = this.db.prepare('SELECT * FROM sweeps WHERE id = ?').get(id) as SweepDbRow | undefined;
    return r ? toRecord(r) : null;
  }

  byName(accountId: string, name: string): SweepRecord | null {
    const r = this.db.prepare('SELECT * FROM sweeps WHERE account_id = ? AND name = ?').get(accountId, name) as SweepDbRow | undefined;
    return r ? toRecord(r) : null;
  }

  list(accountId: string, limit = 200): SweepRecord[] {
    return (this.db.prepare('SELECT * FROM sweeps WHERE account_id = ? ORDER BY created_at DESC LIMIT ?').all(accountId, limit) as SweepDbRow[]).map(toRecord);
  }

  /**
   * Every sweep of the account's rows, grouped by what a count needs (the submission's state, its
   * job's outcome and status): one statement however many rows, for the list of sweeps.
   */
  rowGroups(accountId: string): RowGroup[] {
    return this.db
      .prepare(
        `SELECT r.sweep_id AS sweepId, s.state AS state, COALESCE(t.outcome, 'not_submitted') AS outcome, COALESCE(t.status, '') AS status, COUNT(*) AS n
         FROM sweeps w JOIN sweep_rows r ON r.sweep_id = w.id JOIN submissions s ON s.id = r.submission_id
         LEFT JOIN tracked_jobs t ON t.account_id = s.account_id AND t.job_id = s.job_id
         WHERE w.account_id = ? GROUP BY r.sweep_id, s.state, t.outcome, t.status`,
      )
      .all(accountId) as RowGroup[];
  }

  rows(sweepId: string): SweepRow[] {
    const links = this.db.prepare('SELECT row, values_json, submission_id FROM sweep_rows WHERE sweep_id = ? ORDER BY row').all(sweepId) as {
      row: number;
      values_json: string;
      submission_id: string;
    }[];
    return links.flatMap((l) => {
      const submission = this.outbox.get(l.submission_id);
      return submission ? [{ row: Number(l.row), values: JSON.parse(l.values_json) as Record<string, string>, submission }] : [];
    });
  }

  /**
   * A row whose job failed on the platform runs again: a new submission takes the row's place, in
   * one transaction (after a crash the row has either its old job or its new submission, never
   * both, so a second retry cannot make a twin).
   */
  replaceRow(sweepId: string, row: number, failedSubmissionId: string, next: NewSubmission): boolean {
    return this.db.transaction(() => {
      const moved = this.db
        .prepare('UPDATE sweep_rows SET submission_id = ? WHERE sweep_id = ? AND row = ? AND submission_id = ?')
        .run(next.id, sweepId, row, failedSubmissionId);
      if (moved.changes === 0) return false; // another process retried it first
      this.outbox.insert(next);
      return true;
    })();
  }

  /** "Stop all" was asked: rows that were being sent at that moment are stopped once submitted. */
  markStopped(sweepId: string): void {
    this.db.prepare('INSERT OR IGNORE INTO sweep_stops (sweep_id, at) VALUES (?, ?)').run(sweepId, this.now());
  }

  stopped(sweepId: string): boolean {
    return this.db.prepare('SELECT 1 FROM sweep_stops WHERE sweep_id = ?').get(sweepId) !== undefined;
  }

  /**
   * A local file another row of the same sweep already uploaded (or is uploading): the same path
   * goes up once and every row that names it shares the platform file.
   */
  sharedUpload(sweepId: string, exceptId: string, path: string): InputProgress | null {
    let pending: InputProgress | null = null;
    for (const r of this.rows(sweepId)) {
      const s = r.submission;
      if (s.id === exceptId) continue;
      for (const [i, inp] of s.launch.inputs.entries()) {
        if (inp.kind !== 'local' || inp.path !== path) continue;
        const p = s.inputs[i];
        if (p?.fileId) return { fileId: p.fileId, ...(p.transferId ? { transferId: p.transferId } : {}) };
        // An upload still under way is shared only while its row is: a cancelled or failed row's
        // transfer may be cancelled or dead, and would fail every row that took it.
        if (p?.transferId && !pending && OPEN_STATES.includes(s.state)) pending = { transferId: p.transferId };
      }
    }
    return pending;
  }
}
