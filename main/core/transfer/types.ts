// Public shapes of the transfer service (what the IPC contract, UI, CLI and outbox see).
import type { BandwidthSetting } from './bandwidth';

export type TransferState = 'queued' | 'running' | 'paused' | 'verifying' | 'done' | 'failed' | 'cancelled';
export type ConflictPolicy = 'skip' | 'overwrite' | 'keepBoth';

export const TERMINAL: ReadonlySet<TransferState> = new Set(['done', 'failed', 'cancelled']);

export interface TransferView {
  id: string;
  kind: 'upload' | 'download';
  name: string;
  localPath: string;
  remoteFileId?: string;
  size: number;
  bytesDone: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
  state: TransferState;
  error?: { code: string; message: string };
  /** Something the user should know that is not a failure: "restarted because the file changed", "skipped: exists". */
  notice?: { code: string; message: string };
  priority: number;
  createdAt: number;
  /** The folder batch this item belongs to. */
  parentId?: string;
  /** True for a folder batch (its numbers are the sum of its items). */
  isBatch?: boolean;
}

/**
 * Uploads' file registrations, which follow the bytes at the platform's API pace (about 2 a
 * second): `done` of `total` registered, `waiting` stored but not yet registered.
 */
export interface RegistrationFigures {
  done: number;
  total: number;
  waiting: number;
  /** The pace registrations go at: the API limiter's budget, or as measured. */
  perSecond: number;
  /** Until the last registration: null while the pace is unknown. */
  etaSeconds: number | null;
}

export interface OverallProgress {
  bytesDone: number;
  bytesTotal: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
  active: number;
  /** Present while uploads are counted. */
  registrations?: RegistrationFigures;
}

export interface ProgressBatch {
  seq: number;
  items: TransferView[];
  overall: OverallProgress;
}

export interface Limits {
  /** Files transferred at once (all transfers together). */
  parallelFiles: number;
  /** Parts (upload) or ranges (download) of one file in flight at once. */
  partsPerFile: number;
  /** Plaintext part size for multipart uploads and the ciphertext range size for downloads; a multiple of 16, >= 5 MiB. */
  partSizeBytes: number;
  /** Upper bound on encrypted part buffers held in memory across all transfers. */
  maxBufferedBytes: number;
  /** Registrations / folder creations in flight at once (the API client enforces the rate limit). */
  apiConcurrency: number;
  bandwidth: BandwidthSetting;
}

export interface LimitsInput {
  parallelFiles?: number;
  partsPerFile?: number;
  partSizeBytes?: number;
  maxBufferedBytes?: number;
  apiConcurrency?: number;
  bandwidth?: BandwidthSetting;
}

export const MIB = 1024 * 1024;

export const DEFAULT_LIMITS: Limits = {
  parallelFiles: 12,
  partsPerFile: 4,
  partSizeBytes: 16 * MIB,
  maxBufferedBytes: 128 * MIB,
  apiConcurrency: 16,
  bandwidth: { bytesPerSecond: null },
};
