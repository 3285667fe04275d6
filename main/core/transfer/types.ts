// Public shapes of the transfer service (what the IPC contract, UI, CLI and outbox see).
import type { z } from 'zod';
import type { BandwidthSetting } from './bandwidth';
import type { conflictPolicy } from '../../../shared/settings';
import type { overallProgress, transferBatch, transferErrorCode, transferNoticeCode, transferState } from '../../../shared/contract/events';
import { SETTINGS_TABLE } from '../../../shared/settings-table';

// Shapes that cross the boundary are the contract's (its zod schemas are the one source).
export type { TransferView } from '../../../shared/contract/events';
export type TransferState = z.infer<typeof transferState>;
export type ConflictPolicy = z.infer<typeof conflictPolicy>;
export type TransferErrorCode = z.infer<typeof transferErrorCode>;
export type TransferNoticeCode = z.infer<typeof transferNoticeCode>;
export type ProgressBatch = z.infer<typeof transferBatch>;
export type OverallProgress = z.infer<typeof overallProgress>;
/** Uploads' file registrations, which follow the bytes at the platform's API pace. */
export type RegistrationFigures = NonNullable<OverallProgress['registrations']>;

export const TERMINAL: ReadonlySet<TransferState> = new Set(['done', 'failed', 'cancelled']);

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
  parallelFiles: SETTINGS_TABLE.parallelFiles.default,
  partsPerFile: SETTINGS_TABLE.partsPerFile.default,
  partSizeBytes: SETTINGS_TABLE.partSizeMiB.default * MIB,
  maxBufferedBytes: 128 * MIB,
  apiConcurrency: 16,
  bandwidth: { bytesPerSecond: null },
};
