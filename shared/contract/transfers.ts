import * as z from 'zod';
import { conflictPolicy } from '../settings';
import { request } from './define';

export const transferState = z.enum(['queued', 'running', 'paused', 'verifying', 'done', 'failed', 'cancelled']);

/**
 * Why a transfer failed. The worker threads classify what they hit into these; each comes with a
 * sentence the user can act on. Not the RPC error codes of shared/errors.ts: those say why a
 * request failed, these why one file did.
 */
export const transferErrorCode = z.enum([
  'disk_full',
  'permission_denied',
  'not_found',
  'path_too_long',
  'invalid_name',
  'not_a_file',
  'file_changed',
  'remote_changed',
  'corrupt_object',
  'checksum_mismatch',
  'missing_iv',
  'incomplete_upload',
  'network_error',
  'storage_error',
  'credentials_expired',
  'api_error',
  'aborted',
  'internal',
  /** A folder batch: some of its items failed. */
  'items_failed',
]);

/** Something the user should know about a transfer that is not a failure. */
export const transferNoticeCode = z.enum([
  'skipped_exists',
  'remote_changed_restart',
  'resume_discarded',
  'file_changed_restart',
  'upload_expired',
  /** Paused because it belongs to an account that is not the active one. */
  'other_account',
  /** Failed in a way a retry cannot fix (e.g. a server name that is no valid local name). */
  'not_retryable',
]);

export const transferView = z.object({
  id: z.string(),
  kind: z.enum(['upload', 'download']),
  name: z.string(),
  localPath: z.string(),
  remoteFileId: z.string().optional(),
  size: z.number(),
  bytesDone: z.number(),
  bytesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  state: transferState,
  error: z.object({ code: transferErrorCode, message: z.string() }).optional(),
  /** Something the user should know that is not a failure: "restarted because the file changed", "skipped: exists". */
  notice: z.object({ code: transferNoticeCode, message: z.string() }).optional(),
  priority: z.number(),
  createdAt: z.number(),
  /** The folder batch this item belongs to. */
  parentId: z.string().optional(),
  /** True for a folder batch (its numbers are the sum of its items). */
  isBatch: z.boolean().optional(),
});
export type TransferView = z.infer<typeof transferView>;

export const overallProgress = z.object({
  bytesDone: z.number(),
  bytesTotal: z.number(),
  bytesPerSecond: z.number(),
  etaSeconds: z.number().nullable(),
  active: z.number(),
  /** Uploads: files registered on the platform (they follow the bytes at its API pace). */
  registrations: z.object({ done: z.number(), total: z.number(), waiting: z.number(), perSecond: z.number(), etaSeconds: z.number().nullable() }).optional(),
});

/** A snapshot (list) or a delta (progress event): items changed since `seq`, latest wins. */
export const transferBatch = z.object({ seq: z.number(), items: z.array(transferView), overall: overallProgress });

const idInput = z.object({ id: z.string().optional() });

export const transferRequests = {
  transfers: {
    list: request(z.object({}), transferBatch),
    /** Local files or folders (folders keep their structure as Rescale folders). */
    upload: request(
      z.object({
        paths: z.array(z.string().min(1)).min(1, 'choose at least one file or folder'),
        folderId: z.string().optional(),
        /** Each folder goes up as one .zip: one file on the platform, registered once. */
        asArchive: z.boolean().optional(),
      }),
      z.object({ items: z.array(transferView) }),
    ),
    /** Files uploaded by the browser to the web host's staging folder (drag and drop in a browser). */
    uploadStaged: request(
      z.object({ batchId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/), folderId: z.string().optional() }),
      z.object({ items: z.array(transferView) }),
    ),
    download: request(
      z.object({ fileIds: z.array(z.string()).min(1), dir: z.string().optional(), conflict: conflictPolicy.optional() }),
      z.object({ items: z.array(transferView), dir: z.string() }),
    ),
    /**
     * A Rescale folder lands as a folder of its own name under `dir` (the download folder by
     * default): `name` is that name, as the Files view shows it. `dir` in the answer is where it went.
     */
    downloadFolder: request(
      z.object({ folderId: z.string(), name: z.string().min(1, 'the folder needs a name'), dir: z.string().optional(), conflict: conflictPolicy.optional() }),
      z.object({ items: z.array(transferView), dir: z.string() }),
    ),
    pause: request(idInput, z.object({ ok: z.boolean() })),
    resume: request(idInput, z.object({ ok: z.boolean() })),
    cancel: request(idInput, z.object({ ok: z.boolean() })),
    retry: request(z.object({ id: z.string() }), z.object({ ok: z.boolean() })),
    /** Local folders and files to pick from (the web host has no native file dialog). */
    browseLocal: request(
      z.object({ dir: z.string().optional() }),
      z.object({
        dir: z.string(),
        parent: z.string().nullable(),
        entries: z.array(z.object({ name: z.string(), path: z.string(), isDir: z.boolean(), size: z.number() })),
      }),
    ),
  },
};

export const transferEvents = {
  /** At most 10 per second, latest state per item; terminal states are sent at once. */
  transfersProgress: transferBatch,
};
