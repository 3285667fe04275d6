import { CourierError } from '../shared/errors';
import { tryProcessLock, type ProcessLock } from '../main/core/transfer/process-lock';
import { RescaleStorageAdapter } from '../main/core/rescale/storage';
import { createTransferService, type TransferService, type TransferView } from '../main/core/transfer';
import type { CliContext, Connection } from './context';
import { bundledWorkerFile } from './bundled-worker';
import { dropJournal, lockPathOf, releaseStoredParts } from './journals';
import { takeEarlyPool } from './early-pool';
import { ProgressDisplay } from './progress';
import { cliLimits } from './transfer-flags';
import { CliStop, EXIT_INTERRUPTED, type Out } from './output';
import { trace } from './trace';

export interface RunSummary {
  items: TransferView[];
  bytesSent: number;
  bytesResumed: number;
  /** Downloads not made because a file of their name was already there (`--if-exists skip`). */
  skipped: number;
  paused: boolean;
}

/** Ctrl-C paused the run: not an error (no ERROR line), and the exit code a shell gives an interrupt. */
export function stopIfPaused(s: RunSummary, what: 'Upload' | 'Download'): void {
  if (s.paused) throw new CliStop(`${what} paused; run the same command again to resume where it stopped.`, EXIT_INTERRUPTED);
}

/** A download that ended without writing anything: a file of its name was already there. */
export const wasSkipped = (i: TransferView): boolean => i.notice?.code === 'skipped_exists';

/**
 * Runs one CLI transfer command on its own journal, named after the command's identity
 * (key + what + where), so running the same command again after Ctrl-C or a crash resumes it,
 * while other commands, the desktop app and the web host never touch its items. A lock stops
 * two copies of the same command from running at once; the system releases it when its process
 * ends in any way, so a run right after a crash or kill -9 resumes instead of waiting.
 */
export async function runTransfers(
  ctx: CliContext,
  conn: Connection,
  out: Out,
  identity: string[],
  enqueue: (t: TransferService) => Promise<TransferView[]>,
): Promise<RunSummary> {
  const { service, journalPath, lock } = await openRunService(ctx, conn, identity);
  // The service is opened before the enqueue's inputs are all known (download-file asks for the
  // file's record meanwhile); a run that ends before enqueueing leaves no journal behind.
  let settledAll = false;
  const watch = watchProgress(service, out);
  try {
    const known = service.list().items;
    const leftover = known.filter((i) => !i.isBatch);
    const open = (i: TransferView): boolean => i.state !== 'done' && i.state !== 'cancelled' && i.state !== 'failed';
    const unfinished = leftover.filter(open);
    let items: TransferView[];
    let doneBefore = 0;
    // A folder download whose listing was cut short is unfinished even when every file it had is done.
    if (unfinished.length > 0 || known.some((i) => i.isBatch && i.kind === 'download' && open(i))) {
      out.log(
        unfinished.length > 0
          ? `Resuming ${unfinished.length} unfinished transfer(s) from an earlier run`
          : 'Resuming the listing of a folder from an earlier run',
      );
      service.resume();
      items = known;
      doneBefore = leftover.reduce((n, i) => n + (i.state === 'done' ? i.size : 0), 0);
    } else {
      items = await enqueue(service);
    }
    trace('enqueued', { threads: true });
    const ids = items.filter((i) => !i.isBatch).map((i) => i.id);
    // A folder upload ends after its files: its empty folders are made then (a run that stopped at
    // its files left them out), and it learns the folder's id.
    const batches = items.filter((i) => i.isBatch).map((i) => i.id);
    const settled = await watch.until(ids, batches);
    settledAll = settled !== null;
    // A folder listing taken up again adds files after the run began: the batches' files count too.
    const ours = new Set([...ids, ...batches]);
    const mine = (i: TransferView): boolean => ours.has(i.id) || (i.parentId !== undefined && ours.has(i.parentId));
    const final = service.list().items.filter(mine);
    // A folder whose listing failed (a download batch fails on its own only so) keeps its journal:
    // the next run lists the rest into it instead of starting over beside the files already there.
    if (final.some((i) => i.isBatch && i.kind === 'download' && i.state === 'failed' && i.error?.code !== 'items_failed')) settledAll = false;
    const ended = final.filter((i) => !i.isBatch && i.state === 'done');
    const done = ended.filter((i) => !wasSkipped(i));
    const total = done.reduce((n, i) => n + i.size, 0);
    // What the earlier run had really finished: whole files, and the parts/ranges this run skipped.
    const bytesResumed = doneBefore + service.resumedBytes(ids);
    const bytesSent = total - doneBefore - service.resumedBytes(done.map((i) => i.id));
    // A settled run's journal is dropped below, so it must not still know of open multipart uploads:
    // a failed upload's stored parts (kept for a retry in the app) are released first.
    if (settledAll && (await releaseStoredParts(service, final)) > 0) {
      settledAll = false;
      out.log('Some unfinished uploads could not be cleaned up on the storage yet; running the same command again will retry.');
    }
    trace('cleaned up');
    return { items: final, bytesSent: Math.max(0, bytesSent), bytesResumed, skipped: ended.length - done.length, paused: settled === null };
  } finally {
    watch.stop();
    const empty = service.list().items.length === 0;
    await service.close();
    trace('transfer service closed');
    // A run that settled leaves nothing to resume: drop its journal (a paused or crashed one is
    // kept), as does one whose journal holds nothing (it failed before enqueueing: a file not found).
    // Its lock file goes too, while held (see process-lock.ts): the next run of the same command
    // makes a new one, and one that had opened this file before finds it replaced and retries.
    if (settledAll || empty) {
      dropJournal(journalPath);
      lock.releaseAndRemove();
    } else lock.release();
  }
}

/** The run's own journal (named by key + what + where) behind its process lock, and its service. */
async function openRunService(
  ctx: CliContext,
  conn: Connection,
  identity: string[],
): Promise<{ service: TransferService; journalPath: string; lock: ProcessLock }> {
  const journal = await ctx.transferJournal(identity);
  const lock = tryProcessLock(lockPathOf(journal.path));
  if (!lock) throw new CourierError('conflict', 'The same transfer is already running in another courier process; wait for it or stop it first.');
  trace('transfer service');
  const network = await (await ctx.core()).network();
  // Taken last: from here on this function closes the pool if the service cannot be created.
  const pool = await takeEarlyPool();
  const service = await createTransferService({
    storage: new RescaleStorageAdapter(conn.api, conn.platform),
    journalPath: journal.path,
    sealer: journal.sealer,
    limits: cliLimits(ctx.flags, process.env),
    network,
    ...(pool ? { pool } : bundledWorkerFile() ? { workerFile: bundledWorkerFile() as string } : {}),
  }).catch(async (e: unknown) => {
    lock.release();
    await pool?.close();
    throw e;
  });
  trace('transfer service created');
  return { service, journalPath: journal.path, lock };
}

/**
 * Progress from before the enqueue (a folder's files download while the folder is still being
 * listed) until every item has ended (`until` gives their views), or Ctrl-C paused them (null).
 */
function watchProgress(service: TransferService, out: Out) {
  // Trace marks at progress-batch resolution (~100 ms): a small transfer can end within one
  // batch, and then neither mark shows.
  let firstBytes = true;
  let allBytes = false;
  const display = new ProgressDisplay(out, 0);
  const off = service.onProgress((b) => {
    if (firstBytes && b.overall.bytesDone > 0) {
      firstBytes = false;
      trace('first bytes');
    }
    if (!allBytes && b.overall.bytesTotal > 0 && b.overall.bytesDone >= b.overall.bytesTotal) {
      allBytes = true;
      trace('all bytes (verifying, placing, registering follow)');
    }
    display.update(b);
  });
  let paused = false;
  let onPaused = (): void => undefined;
  const pausedByUser = new Promise<null>((resolve) => (onPaused = () => resolve(null)));
  const onSigint = () => {
    paused = true;
    service.pause();
    display.stop();
    process.stderr.write('\nPausing…\n');
    onPaused();
  };
  process.once('SIGINT', onSigint);
  const stop = (): void => {
    process.off('SIGINT', onSigint);
    off();
    display.stop();
  };
  return {
    stop,
    async until(ids: string[], batches: string[]): Promise<TransferView[] | null> {
      display.expect(ids.length);
      const settled = paused ? null : await Promise.race([service.whenSettled([...ids, ...batches]), pausedByUser]);
      trace('settled', { threads: true });
      if (settled) display.finish(settled.filter((i) => !i.isBatch));
      stop();
      return settled;
    },
  };
}
