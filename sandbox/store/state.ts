import { existsSync } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../util/fsx';
import type { JsonObject } from '../util/json';
import { ROOT, tracked, type EntryKey } from './tracking';

export interface UserRec {
  id: string;
  email: string;
  fullName: string;
  companyCode: string;
  workspaceId: string;
  storageId: string;
  myLibrary: string;
  myJobs: string;
}

/** A file record as the platform stores it, plus what the sandbox needs to find it. */
export interface FileRec {
  id: string;
  seq: number;
  ownerId: string;
  folderId: string | null;
  /** Set for job outputs: they are listed per job, not in the library. */
  jobId?: string;
  /** A snapshot's copy of a live file: listed with the running job's run, never among its outputs. */
  snapshot?: boolean;
  record: JsonObject;
}

export interface FolderRec {
  id: string;
  name: string;
  parentId: string | null;
  ownerId: string;
  dateInserted: number;
}

export interface AnalysisSpec {
  code: string;
  versionCode: string;
  command: string;
  useMpi: boolean;
  coreType: string;
  coresPerSlot: number;
  slots: number;
  walltime: number | null;
  inputFiles: { id: string; decompress: boolean }[];
  /** The submitted analysis object with the fields above normalised. */
  raw: JsonObject;
}

/** How a simulated run goes (sandbox/jobs/clock.ts): its final status, and whether it passes the waiting statuses. */
export interface JobPlan {
  ending: 'complete' | 'fail' | 'force-stop' | 'until-stopped';
  waiting: boolean;
}

export interface JobRec {
  id: string;
  seq: number;
  api: 'v2' | 'v3';
  ownerId: string;
  dateInserted: number;
  name: string;
  isLowPriority: boolean;
  analyses: AnalysisSpec[];
  /** Top-level body fields the sandbox does not interpret, echoed back verbatim. */
  extra: JsonObject;
  submittedAt?: number;
  /** jobSeconds in force at submit time, so the timeline never shifts after a restart. */
  runSeconds?: number;
  stopAt?: number;
  /** Set through /__sandbox/jobs/{id}/plan; otherwise words in the name decide. */
  plan?: Partial<JobPlan>;
  outputsDone?: boolean;
  /** Job tags (`/api/v3/jobs/{id}/tags/`), as given. */
  tags?: string[];
  /** Set through /__sandbox/jobs/{id}/live-restart: the program's log is rewritten from then on. */
  liveRestartAt?: number;
}

export interface CredRec {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiresAt: number;
  userId: string;
  bucket: string;
  prefix: string;
}

export interface SandboxState {
  version: 1;
  token: string;
  admin: { accessKeyId: string; secretAccessKey: string };
  user: UserRec;
  seq: number;
  files: Record<string, FileRec>;
  folders: Record<string, FolderRec>;
  jobs: Record<string, JobRec>;
  credentials: Record<string, CredRec>;
  /** The storage the account's files live on; absent in data dirs from before Azure mode (S3). */
  storageType?: 'S3Storage' | 'AzureStorage';
}

const COLLECTIONS: ReadonlySet<string> = new Set(['files', 'folders', 'jobs', 'credentials']);
/** Log bytes beyond which the next commit rewrites the snapshot and empties the log. */
const COMPACT_MIN_BYTES = 8 << 20;

interface LogLine {
  c: string;
  id: string;
  /** The entry's new value; absent when it was deleted. */
  v?: unknown;
}

/**
 * The API state: a JSON snapshot (state.json) plus an append-only log of changed entries
 * (state.log). A commit appends only what changed since the last one, so registering the
 * 10,000th file costs what registering the first did; the log is folded into the snapshot
 * once it outgrows it. Commits are coalesced: one write serves every caller waiting on it.
 */
export class StateStore {
  private gen = 0;
  private saved = 0;
  private running: Promise<void> | null = null;
  private readonly dirty = new Set<EntryKey>();
  private logBytes: number;
  readonly state: SandboxState;

  private constructor(
    private readonly dir: string,
    private readonly raw: SandboxState,
    logBytes: number,
    private snapshotBytes: number,
  ) {
    this.logBytes = logBytes;
    this.state = tracked(raw, COLLECTIONS, this.dirty);
  }

  static async open(dataDir: string, init: () => SandboxState): Promise<StateStore> {
    const file = path.join(dataDir, 'state.json');
    if (!existsSync(file)) {
      const store = new StateStore(dataDir, init(), 0, 0);
      await store.compact();
      return store;
    }
    const text = await readFile(file, 'utf8');
    const state = JSON.parse(text) as SandboxState;
    const log = await readFile(path.join(dataDir, 'state.log'), 'utf8').catch(() => '');
    replay(state, log);
    return new StateStore(dataDir, state, Buffer.byteLength(log), Buffer.byteLength(text));
  }

  nextSeq(): number {
    this.state.seq += 1;
    return this.state.seq;
  }

  /** Resolves once every change made before this call is on disk. */
  async commit(): Promise<void> {
    const want = ++this.gen;
    while (this.saved < want) {
      if (!this.running) this.running = this.writeOnce().finally(() => (this.running = null));
      await this.running;
    }
  }

  private async writeOnce(): Promise<void> {
    const target = this.gen;
    if (this.logBytes > Math.max(COMPACT_MIN_BYTES, this.snapshotBytes)) await this.compact();
    else await this.appendChanges();
    this.saved = target;
  }

  private async appendChanges(): Promise<void> {
    if (this.dirty.size === 0) return;
    let text = '';
    for (const key of this.dirty) {
      const [c, id] = key.split('\u0000') as [string, string];
      const line: LogLine = c === ROOT ? { c, id, v: rootOf(this.raw) } : { c, id };
      if (c !== ROOT) {
        const v = (this.raw[c as keyof SandboxState] as Record<string, unknown>)[id];
        if (v !== undefined) line.v = v;
      }
      text += `${JSON.stringify(line)}\n`;
    }
    this.dirty.clear();
    await appendFile(path.join(this.dir, 'state.log'), text);
    this.logBytes += Buffer.byteLength(text);
  }

  /** Rewrites the snapshot, then empties the log (replaying a log over a newer snapshot is harmless). */
  private async compact(): Promise<void> {
    this.dirty.clear();
    const json = JSON.stringify(this.raw);
    await writeFileAtomic(path.join(this.dir, 'state.json'), json);
    await writeFile(path.join(this.dir, 'state.log'), '');
    this.snapshotBytes = Buffer.byteLength(json);
    this.logBytes = 0;
  }
}

function rootOf(state: SandboxState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(state)) if (!COLLECTIONS.has(k)) out[k] = v;
  return out;
}

/** Applies the log to a snapshot; a torn last line (a crash mid-append) is ignored. */
function replay(state: SandboxState, log: string): void {
  for (const text of log.split('\n')) {
    if (!text) continue;
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      continue;
    }
    if (line.c === ROOT) Object.assign(state, line.v);
    else {
      const coll = state[line.c as keyof SandboxState] as Record<string, unknown>;
      if (line.v === undefined) delete coll[line.id];
      else coll[line.id] = line.v;
    }
  }
}
