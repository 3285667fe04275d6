export { createTransferService, type TransferService, type TransferServiceOptions, type DownloadOptions } from './service';
export { createAesGcmSealer, type Sealer } from './sealer';
export type { TransferView, TransferState, ProgressBatch, OverallProgress, Limits, LimitsInput, ConflictPolicy } from './types';
export type { BandwidthSetting, BandwidthWindow } from './bandwidth';
export type * from './ports';
