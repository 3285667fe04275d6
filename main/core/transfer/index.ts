export { createTransferService, type TransferService } from './service';
export { createAesGcmSealer, type Sealer } from './sealer';
export type { TransferView, ProgressBatch, LimitsInput, ConflictPolicy } from './types';
export type * from './ports';
