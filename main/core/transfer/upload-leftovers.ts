// What an upload leaves behind when it ends without a file: its key (dropped at once) and an
// open multipart upload, whose stored parts the storage keeps (and bills) until someone aborts
// it. The journal never forgets such an upload id: a row that still names one moves it into
// `abandoned_uploads` when it is deleted or replaced (journal.ts), and this sweeper aborts those
// in the background and forgets each one only once the storage no longer has it.
import type { Journal, UploadRow } from './journal';
import type { TaskRunner } from './runner';
import type { StorageLoc } from './worker/protocol';

type UploadPlace = Pick<UploadRow, 'bucket' | 'objectKey'>;

export function locOf(row: UploadPlace) {
  return (creds: StorageLoc['creds']): StorageLoc => ({ creds, bucket: row.bucket, key: row.objectKey });
}

/**
 * AbortMultipartUpload, best effort: true once the storage no longer has the upload (aborted
 * now, or already gone), false when the storage could not be reached or refused.
 */
export async function abortMultipart(row: UploadPlace & { uploadId: string }, runner: TaskRunner, signal = new AbortController().signal): Promise<boolean> {
  const uploadId = row.uploadId;
  return runner
    .exec<'abortMultipart'>((creds) => ({ op: 'abortMultipart', loc: locOf(row)(creds), uploadId }), { signal })
    .then(
      () => true,
      () => false,
    );
}

export class UploadLeftovers {
  private running: Promise<number> | null = null;
  private again = false;
  private readonly closing = new AbortController();

  constructor(
    private readonly journal: Journal,
    private readonly runner: TaskRunner,
  ) {}

  /**
   * The item failed for good or was cancelled. Its key is dropped now and its open multipart
   * upload (if any) aborted in the background: the item's own error is already recorded, and
   * the abort can neither delay nor replace it. A row in `registering` stays, keyless: a retry
   * looks the file up by its object key first, so a registration whose answer was lost is
   * not made twice.
   */
  release(id: string): void {
    const row = this.journal.getUpload(id);
    if (!row) return;
    if (row.phase === 'registering') this.journal.dropUploadKey(id);
    else this.journal.deleteUpload(id);
    void this.sweep();
  }

  /**
   * Aborts every upload the journal lists as abandoned; resolves with how many are still open
   * (the storage could not be reached). Calls during a sweep share it, plus one more pass for
   * what was abandoned meanwhile. A journal may be deleted only when this resolves to 0.
   */
  sweep(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = (async (): Promise<number> => {
      let left: number;
      do {
        this.again = false;
        left = 0;
        for (const u of this.journal.abandonedUploads()) {
          if (!this.closing.signal.aborted && (await abortMultipart(u, this.runner, this.closing.signal))) this.journal.forgetAbandoned(u.uploadId);
          else left++;
        }
      } while (this.again);
      return left;
    })();
    this.running = run.finally(() => (this.running = null));
    return this.running;
  }

  /**
   * At close: a sweep under way gets `graceMs` to finish (an abort is one quick request when
   * the storage answers), then is stopped; what is left stays listed for the next start.
   */
  async close(graceMs = 5000): Promise<void> {
    if (this.running) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
      await Promise.race([this.running.catch(() => undefined), grace]);
      clearTimeout(timer);
    }
    this.closing.abort();
    await this.running?.catch(() => undefined);
  }
}
