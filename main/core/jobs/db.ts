// jobs.db: the outbox and the watched jobs, in SQLite (better-sqlite3) in WAL mode, shared by
// every Courier process on the data folder. A commit is a write into the WAL, so it survives a
// kill -9; busy_timeout lets two processes take turns; claims use leases (see lease.ts).
// The schema is not versioned: every change so far only adds tables and indexes (CREATE ... IF NOT EXISTS),
// which an older jobs.db gets on its next open (archive_uploads came with folder inputs, sweeps and sweep_rows with sweeps,
// job_warnings with the walltime guards, submissions_sent with the sweeps' observed pace, tracked_active with the
// Jobs badge's counts).
import type Database from 'better-sqlite3';
import { openPrivateSqlite } from '../private-sqlite';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS submissions (
  id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, account_id TEXT NOT NULL,
  template_id TEXT NOT NULL, template_name TEXT NOT NULL, job_name TEXT NOT NULL, marker TEXT NOT NULL,
  launch_json TEXT NOT NULL, source_json TEXT NOT NULL, inputs_json TEXT NOT NULL, body_json TEXT, options_json TEXT NOT NULL,
  rev INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL, waiting TEXT, job_id TEXT, error_code TEXT, error_message TEXT,
  create_attempts INTEGER NOT NULL DEFAULT 0, create_started_at INTEGER, submit_attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT, lease_host TEXT, lease_pid INTEGER, lease_until INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS submissions_state ON submissions(state, seq);
CREATE INDEX IF NOT EXISTS submissions_sent ON submissions(account_id, state, updated_at);
CREATE TABLE IF NOT EXISTS tracked_jobs (
  job_id TEXT NOT NULL, account_id TEXT NOT NULL, name TEXT NOT NULL, source TEXT NOT NULL,
  submission_id TEXT, template_id TEXT, options_json TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT '', history_json TEXT NOT NULL DEFAULT '[]', outcome TEXT NOT NULL DEFAULT 'not_submitted',
  terminal INTEGER NOT NULL DEFAULT 0, notified INTEGER NOT NULL DEFAULT 0,
  outputs_state TEXT NOT NULL DEFAULT 'none', outputs_json TEXT NOT NULL DEFAULT '{}',
  lease_owner TEXT, lease_host TEXT, lease_pid INTEGER, lease_until INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, job_id));
CREATE INDEX IF NOT EXISTS tracked_terminal ON tracked_jobs(terminal);
CREATE INDEX IF NOT EXISTS tracked_active ON tracked_jobs(terminal, status);
CREATE TABLE IF NOT EXISTS archive_uploads (
  account_id TEXT NOT NULL, content_key TEXT NOT NULL, quick_key TEXT NOT NULL, file_id TEXT NOT NULL,
  name TEXT NOT NULL, files INTEGER NOT NULL, bytes INTEGER NOT NULL, created_at INTEGER NOT NULL, verified_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, content_key));
CREATE INDEX IF NOT EXISTS archive_uploads_quick ON archive_uploads(account_id, quick_key);
CREATE TABLE IF NOT EXISTS sweeps (
  id TEXT PRIMARY KEY, account_id TEXT NOT NULL, name TEXT NOT NULL, template_json TEXT NOT NULL,
  columns_json TEXT NOT NULL, inputs_json TEXT NOT NULL, fingerprint TEXT NOT NULL, created_at INTEGER NOT NULL,
  UNIQUE (account_id, name));
CREATE TABLE IF NOT EXISTS sweep_rows (
  sweep_id TEXT NOT NULL, row INTEGER NOT NULL, values_json TEXT NOT NULL, submission_id TEXT NOT NULL UNIQUE,
  PRIMARY KEY (sweep_id, row));
CREATE TABLE IF NOT EXISTS sweep_stops (sweep_id TEXT PRIMARY KEY, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS job_warnings (
  account_id TEXT NOT NULL, job_id TEXT NOT NULL, kind TEXT NOT NULL, at INTEGER NOT NULL,
  PRIMARY KEY (account_id, job_id, kind));
`;

export type Db = Database.Database;

export function openJobsDb(path: string): Db {
  const db = openPrivateSqlite(path, { what: 'jobs database' });
  db.exec(SCHEMA);
  return db;
}

/** Changes made by other connections (another process) since the last call: cheap to poll. */
export function dataVersion(db: Db): number {
  return Number(db.pragma('data_version', { simple: true }));
}
