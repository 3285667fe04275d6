// One vocabulary of per-item failure codes (`transferErrorCode` in the contract), shared by the
// worker threads (which classify what they hit) and the main thread (which decides retry / fail
// / pause). Each code maps to a sentence a user can act on; the raw OS/S3 message is kept after
// it for support.

import type { TransferErrorCode } from './types';

/** Plain data so it survives structured clone between threads. */
export interface ErrorInfo {
  code: TransferErrorCode;
  message: string;
  retryable: boolean;
  /** The storage rejected our S3 keys (expired or revoked): refresh them, then retry. */
  credentials?: boolean;
  status?: number;
}

export class TransferError extends Error {
  readonly code: TransferErrorCode;
  readonly retryable: boolean;
  readonly credentials: boolean;
  readonly status: number | undefined;
  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = 'TransferError';
    this.code = info.code;
    this.retryable = info.retryable;
    this.credentials = info.credentials ?? false;
    this.status = info.status;
  }
  info(): ErrorInfo {
    return { code: this.code, message: this.message, retryable: this.retryable, credentials: this.credentials, status: this.status };
  }
}

export function fail(code: TransferErrorCode, message: string, retryable = false): TransferError {
  return new TransferError({ code, message, retryable });
}

const FS_CODES: Record<string, { code: TransferErrorCode; text: string }> = {
  ENOSPC: { code: 'disk_full', text: 'No space left on the disk' },
  EDQUOT: { code: 'disk_full', text: 'Disk quota exceeded' },
  EACCES: { code: 'permission_denied', text: 'Permission denied' },
  EPERM: { code: 'permission_denied', text: 'Operation not permitted' },
  EROFS: { code: 'permission_denied', text: 'The file system is read-only' },
  ENOENT: { code: 'not_found', text: 'File or folder not found' },
  ENAMETOOLONG: { code: 'path_too_long', text: 'The path is too long for this file system' },
  EISDIR: { code: 'not_a_file', text: 'Expected a file but found a folder' },
  ENOTDIR: { code: 'not_found', text: 'A parent of the path is not a folder' },
  EMFILE: { code: 'internal', text: 'Too many open files' },
};

function errnoCode(e: unknown): string | undefined {
  if (typeof e === 'object' && e !== null && 'code' in e) {
    const c = (e as { code: unknown }).code;
    return typeof c === 'string' ? c : undefined;
  }
  return undefined;
}

/** Classifies a local file-system error; undefined when it is not one. */
export function classifyFsError(e: unknown, path?: string): ErrorInfo | undefined {
  const errno = errnoCode(e);
  const known = errno ? FS_CODES[errno] : undefined;
  if (!known) return undefined;
  const where = path ? `: ${path}` : '';
  return { code: known.code, message: `${known.text}${where} (${errno})`, retryable: errno === 'EMFILE' };
}

export function toErrorInfo(e: unknown, path?: string): ErrorInfo {
  if (e instanceof TransferError) return e.info();
  const fsInfo = classifyFsError(e, path);
  if (fsInfo) return fsInfo;
  if (typeof e === 'object' && e !== null && 'code' in e && (e as { code: unknown }).code === 'corrupt_object') {
    return { code: 'corrupt_object', message: e instanceof Error ? e.message : 'corrupt object', retryable: false };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'internal', message, retryable: false };
}
