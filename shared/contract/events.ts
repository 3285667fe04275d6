// Every event of the contract and the schemas its payloads are made of, apart from the requests:
// the event hub (made by every host, the CLI's too) validates with these alone, so a command
// that emits events does not build every request schema of the contract. The request modules
// take the views they share with the events (an account, a transfer, an activity entry) from here.
import * as z from 'zod';
import { settingsSchema } from '../settings';
import { jobChanged, notificationPayload, outboxEntry } from '../jobs';

// ------------------------------------------------------------------------------------ app

export const activityLevel = z.enum(['info', 'warn', 'error']);
export const activityEntry = z.object({
  id: z.number(),
  at: z.number(),
  level: activityLevel,
  area: z.enum(['app', 'accounts', 'transfers', 'jobs', 'settings']),
  message: z.string(),
  /** Something the entry is about, e.g. a job id, so the UI can link to it. */
  ref: z.object({ kind: z.enum(['job', 'transfer', 'file']), id: z.string() }).optional(),
  /** The same message as a phrase key and parameters, so the UI can say it in the user's language. */
  text: z.object({ key: z.string(), params: z.record(z.string(), z.string()) }).optional(),
});
export type ActivityEntry = z.infer<typeof activityEntry>;

// ------------------------------------------------------------------------------- accounts

export const keyStoreChoice = z.enum(['keychain', 'encrypted-file', 'memory']);

export const accountView = z.object({
  id: z.string(),
  label: z.string(),
  platformLabel: z.string(),
  apiUrl: z.string(),
  email: z.string(),
  workspace: z.string().optional(),
  active: z.boolean(),
  /** The key store has no key for this account (a memory-only store after a restart): ask for it again. */
  keyMissing: z.boolean().optional(),
  /** The local sandbox (its key comes from the sandbox, not from the person). */
  sandbox: z.boolean().optional(),
});
export type AccountViewModel = z.infer<typeof accountView>;

export const accountsState = z.object({
  accounts: z.array(accountView),
  /** Where keys are kept, shown in Settings so people know (e.g. "os-keyring"). */
  keyStore: z.object({
    backend: z.string(),
    secure: z.boolean(),
    /** Where the person may choose (the web host): what is in use, whether its file waits for a passphrase, what can be picked. */
    kind: keyStoreChoice.optional(),
    locked: z.boolean().optional(),
    choices: z.array(keyStoreChoice).optional(),
  }),
});

export type AccountsStateModel = z.infer<typeof accountsState>;

// ------------------------------------------------------------------------------ transfers

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

// ----------------------------------------------------------------------------------- jobs

/** The Jobs badge: unfinished jobs from Started on, and those not started yet plus launches still in the outbox. */
export const jobsSummary = z.object({ running: z.number(), queued: z.number() });

export const events = {
  activity: activityEntry,
  connectivity: z.object({ online: z.boolean(), reason: z.string().optional() }),
  accountsChanged: accountsState,
  settingsChanged: settingsSchema,
  /** At most 10 per second, latest state per item; terminal states are sent at once. */
  transfersProgress: transferBatch,
  jobChanged,
  outboxChanged: outboxEntry,
  /** Shown by the renderer with the browser Notification API (the Electron shell uses its own). */
  notification: notificationPayload,
  /** For the tray badge and the Jobs tab's count; sent when the numbers change. */
  jobsSummary,
};

export type Events = typeof events;
export type EventName = keyof Events & string;
