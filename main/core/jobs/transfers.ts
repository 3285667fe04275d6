// What jobs need from the transfer engine: durable uploads of inputs (their ids are recorded in
// the outbox, so a restart waits for the same transfer instead of starting another) and
// downloads of outputs. One small port so the composition root decides which TransferService
// serves which account.
import { abortable } from '../../../shared/abortable';
import { CourierError } from '../../../shared/errors';
import type { AccountService } from '../accounts/service';
import type { RemoteFile } from '../transfer/ports';
import type { TransferService } from '../transfer/service';
import type { ConflictPolicy } from '../transfer/types';

export interface TransferOutcome {
  id: string;
  state: 'done' | 'failed' | 'cancelled';
  fileId?: string;
  localPath: string;
  error?: { code: string; message: string };
}

export interface JobTransfers {
  /** Enqueued durably; ids in path order. */
  enqueueUploads(accountId: string, paths: string[]): Promise<string[]>;
  enqueueDownloads(accountId: string, files: RemoteFile[], dir: string, conflict: ConflictPolicy): Promise<string[]>;
  /** Waits until every transfer has ended; null for an id the engine does not know (enqueue again). */
  settle(accountId: string, ids: string[], signal?: AbortSignal): Promise<(TransferOutcome | null)[]>;
  retry(accountId: string, id: string): Promise<void>;
  cancel(accountId: string, id: string): Promise<void>;
}

export type TransferServiceFor = (accountId: string) => Promise<TransferService>;

export function jobTransfersFrom(serviceFor: TransferServiceFor): JobTransfers {
  return {
    async enqueueUploads(accountId, paths) {
      const svc = await serviceFor(accountId);
      return (await svc.enqueueUpload(paths)).map((v) => v.id);
    },
    async enqueueDownloads(accountId, files, dir, conflict) {
      const svc = await serviceFor(accountId);
      return (await svc.enqueueDownload(files, dir, { conflict, preserveRelativePaths: true })).map((v) => v.id);
    },
    async settle(accountId, ids, signal) {
      const svc = await serviceFor(accountId);
      const known = new Set(svc.list().items.map((i) => i.id));
      const live = ids.filter((id) => known.has(id));
      const settled = live.length ? await abortable(svc.whenSettled(live), signal) : [];
      const byId = new Map(settled.map((v) => [v.id, v]));
      return ids.map((id) => {
        const v = byId.get(id);
        if (!v) return null;
        const state = v.state === 'done' || v.state === 'cancelled' ? v.state : 'failed';
        return { id, state, localPath: v.localPath, ...(v.remoteFileId ? { fileId: v.remoteFileId } : {}), ...(v.error ? { error: v.error } : {}) };
      });
    },
    async retry(accountId, id) {
      (await serviceFor(accountId)).retry(id);
    },
    async cancel(accountId, id) {
      const svc = await serviceFor(accountId);
      if (svc.list().items.some((i) => i.id === id)) svc.cancel(id);
    },
  };
}

/**
 * Transfers go through the app's one TransferService, which works for the active account: a
 * queued job of another account waits (retried later) until that account is active again.
 */
export function activeAccountTransfers(accounts: Pick<AccountService, 'activeId' | 'list'>, service: () => Promise<TransferService>): TransferServiceFor {
  return async (accountId) => {
    if (accounts.activeId() === accountId) return service();
    const label = accounts.list().find((a) => a.id === accountId)?.label ?? 'its account';
    throw new CourierError('unavailable', `This job's files are transferred with ${label}: switch to that account to continue.`);
  };
}
