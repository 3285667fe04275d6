// How a file is cut into multipart parts: every part but the last is exactly `partSize`
// plaintext bytes (a multiple of 16, so its ciphertext is the same size and the CBC chain
// carries over); the last part carries the PKCS7 padding.
import { BLOCK, cipherSize } from '../crypto';

export interface PartPlan {
  partNo: number; // 1-based, as S3 numbers parts
  offset: number;
  length: number;
  final: boolean;
  cipherLength: number;
}

export function planParts(fileSize: number, partSize: number): PartPlan[] {
  if (partSize <= 0 || partSize % BLOCK !== 0) throw new Error('part size must be a positive multiple of 16');
  const count = Math.max(1, Math.ceil(fileSize / partSize));
  const out: PartPlan[] = [];
  for (let i = 0; i < count; i++) {
    const offset = i * partSize;
    const length = Math.min(partSize, fileSize - offset);
    const final = i === count - 1;
    out.push({ partNo: i + 1, offset, length, final, cipherLength: final ? cipherSize(length) : length });
  }
  return out;
}
