import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../util/fsx';
import type { JsonObject } from '../util/json';

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
  outputsDone?: boolean;
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
}

/** The whole API state in one JSON file, written atomically; writes are coalesced. */
export class StateStore {
  private gen = 0;
  private saved = 0;
  private running: Promise<void> | null = null;

  private constructor(
    private readonly file: string,
    readonly state: SandboxState,
  ) {}

  static async open(dataDir: string, init: () => SandboxState): Promise<StateStore> {
    const file = path.join(dataDir, 'state.json');
    if (existsSync(file)) {
      const state = JSON.parse(await readFile(file, 'utf8')) as SandboxState;
      return new StateStore(file, state);
    }
    const store = new StateStore(file, init());
    await store.commit();
    return store;
  }

  nextSeq(): number {
    this.state.seq += 1;
    return this.state.seq;
  }

  /** Resolves once a snapshot taken after this call is on disk. */
  async commit(): Promise<void> {
    const want = ++this.gen;
    while (this.saved < want) {
      if (!this.running) this.running = this.writeOnce().finally(() => (this.running = null));
      await this.running;
    }
  }

  private async writeOnce(): Promise<void> {
    const target = this.gen;
    const json = JSON.stringify(this.state);
    await writeFileAtomic(this.file, json);
    this.saved = target;
  }
}
