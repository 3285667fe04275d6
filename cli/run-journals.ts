// The per-run journal of job inputs (the core's engine uploads a command's inputs through it) and
// the clean-up of such journals that earlier runs had to keep.
//
// A run keeps its journal when a failed input's multipart upload could not be aborted yet (or the
// run was killed): the journal is then the only record of stored parts the storage bills for.
// Each run has a journal of its own, so nobody would open a kept one again; instead every command
// that connects with the same key finishes them in the background (two directory listings when
// there are none). Not only transfer commands: a user whose `jobs submit` left one may next run `jobs list`.
//
// Ownership: a run holds the process lock (`.owner`, see process-lock.ts) of its journal for as
// long as it lives, so a journal whose lock can be taken belongs to no live process — after a
// crash or kill -9 the system has released it. The lock file goes only after its journal, by its
// holder (ProcessLock.releaseAndRemove): a sweeper that takes a lock and finds the journal gone
// skips it. A lock file that cannot be removed yet (Windows: open elsewhere) is a stray one for a
// later sweep.
//
// Journals named before they carried the key id (`run-<pid>-<ts>.db`) are swept too, by the key
// whose work they hold, once their pid is gone (the runs that wrote them took no lock); each is
// opened once per key to learn whose it is, and dropped when nothing in it is left to finish
// (old-run-journals.ts).
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { NetworkOptions } from '../main/core/net/dispatcher';
import { RescaleStorageAdapter } from '../main/core/rescale/storage';
import { tryProcessLock, type ProcessLock } from '../main/core/transfer/process-lock';
import type { TransferService } from '../main/core/transfer';
import { createAesGcmSealer } from '../main/core/transfer/sealer';
import { bundledWorkerFile } from './bundled-worker';
import type { Connection } from './context';
import { cliJournal, forgetJournal, lockPathOf, releaseStoredParts, type TransferJournal } from './journals';
import { dropMarkersOf, oldRunJournals } from './old-run-journals';
import { trace } from './trace';

/** Journals finished per command at most: the clean-up stays a small side job of the command. */
const MAX_PER_RUN = 4;
/**
 * How long the end of a command waits for the journal being finished: aborts are quick requests,
 * and a command must not hang at exit while the storage is unreachable (the journal waits for the
 * next run instead).
 */
const STOP_GRACE_MS = 5_000;
/** Rows of the journal are held under an account no row has, so opening it starts no transfer. */
const HOLD_ACCOUNT = 'courier-cli-journal-clean-up';

/** This run's journal: named after the key (only that key can finish it later) and locked while the run lives. */
export class RunJournal {
  private journal: TransferJournal | null = null;
  private lock: ProcessLock | null = null;

  constructor(private readonly dataDir: string) {}

  open(conn: Pick<Connection, 'keyId' | 'sealerKey'>): TransferJournal {
    if (this.journal) return this.journal;
    const journal = cliJournal(this.dataDir, `run-${conn.keyId}-${process.pid}-${Date.now()}`, conn.sealerKey);
    // A fresh name no other process knows yet: only a broken folder makes this fail.
    this.lock = tryProcessLock(lockPathOf(journal.path));
    if (!this.lock) throw new Error(`${journal.path} is locked by another process; remove it and run the command again.`);
    this.journal = journal;
    return journal;
  }

  /** At the end of the run: the journal goes unless `keep` (its lock file stays with it for the next sweep). */
  finish(keep: boolean): void {
    if (this.journal && this.lock && !keep) forgetJournal(this.journal.path, this.lock);
    this.lock?.release();
    this.lock = null;
  }
}

export interface JournalSweep {
  /** Starts no further journal and waits (bounded) for the one under way. */
  stop(): Promise<void>;
}

export interface SweepOptions {
  dataDir: string;
  conn: Connection;
  network: () => Promise<NetworkOptions>;
  /** Tells the person about a journal no key can finish. */
  note?: (text: string) => void;
}

/** Finishes, in the background, the journals earlier runs with this key kept. Never throws. */
export function sweepRunJournals(o: SweepOptions): JournalSweep {
  let stopping = false;
  let current: TransferService | null = null;
  const run = (async () => {
    await new Promise<void>((resolve) => setImmediate(resolve)); // after the command's own first steps
    const candidates = keptRunJournals(o).slice(0, MAX_PER_RUN);
    for (const path of candidates) {
      if (stopping) return;
      const outcome = await finishJournal(
        path,
        o,
        (s) => (current = s),
        () => stopping,
      ).catch((e: unknown) => `kept (${e instanceof Error ? e.message : String(e)})`);
      current = null;
      if (outcome !== 'dropped') touch(path); // to the back of the queue: a journal that cannot be finished never blocks the others
      trace(`kept run journal ${basename(path)}: ${outcome}`);
    }
    dropStrayLocks(o.dataDir, o.conn.keyId);
  })().catch(() => undefined);
  return {
    async stop() {
      stopping = true;
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS)));
      await Promise.race([run, grace]);
      clearTimeout(timer);
      // Past the grace: close the service so its threads do not keep the process alive; the
      // journal (still listing what is open) stays for the next run.
      await (current as TransferService | null)?.close().catch(() => undefined);
    },
  };
}

/**
 * Names of run journals (`ext` 'db') or their locks ('owner') this key may take: `run-<keyId>-<pid>-<ts>`,
 * and `run-<pid>-<ts>` from before the key id was part of the name (group 1 is then empty; group 2 is the pid).
 */
const runJournalName = (keyId: string, ext: 'db' | 'owner') => new RegExp(`^run-(?:(${keyId})-)?(\\d+)-\\d+\\.${ext}$`);

/**
 * Journals of runs with this key, the longest untouched first (a sweep that could not finish one
 * touches it): those named after it, and old-named ones whose contents show they are its work.
 */
function keptRunJournals(o: SweepOptions): string[] {
  const dir = join(o.dataDir, 'cli-journals');
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const re = runJournalName(o.conn.keyId, 'db');
  const named = names.filter((n) => re.exec(n)?.[1] !== undefined).map((n) => join(dir, n));
  const old = oldRunJournals({ dir, names, conn: o.conn, maxOpened: MAX_PER_RUN, ...(o.note ? { note: o.note } : {}) });
  const mtime = (p: string) => statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? Infinity;
  return [...named, ...old]
    .map((p) => ({ p, t: mtime(p) }))
    .sort((a, b) => a.t - b.t)
    .map((x) => x.p);
}

function touch(path: string): void {
  try {
    const now = new Date();
    utimesSync(path, now, now);
  } catch {
    // gone meanwhile (another sweeper finished it)
  }
}

/** Cancels what the journal still holds, aborts its multipart uploads and drops it when nothing is left open. */
async function finishJournal(path: string, o: SweepOptions, using: (s: TransferService) => void, stopped: () => boolean): Promise<'dropped' | 'kept' | 'busy'> {
  const lock = tryProcessLock(lockPathOf(path));
  if (!lock) return 'busy'; // its run is still going
  try {
    if (!existsSync(path)) {
      forgetJournal(path, lock); // another sweeper finished it first; the lock file may be ours, made just now
      return 'busy';
    }
    const workerFile = bundledWorkerFile();
    // Loaded here, for a journal to finish: most commands find none and never load the engine.
    const { createTransferService } = await import('../main/core/transfer');
    const service = await createTransferService({
      storage: new RescaleStorageAdapter(o.conn.api, o.conn.platform),
      journalPath: path,
      sealer: createAesGcmSealer(o.conn.sealerKey),
      account: HOLD_ACCOUNT,
      network: await o.network(),
      workerCount: 1,
      retry: { attempts: 3, baseMs: 200, capMs: 2000 },
      ...(workerFile ? { workerFile } : {}),
    });
    using(service);
    let left: number;
    try {
      if (stopped()) return 'kept'; // the command ended while this one was opening: next run
      // Inputs the run did not finish (it was killed) are not resumed: the outbox uploads them afresh.
      const open = service.list().items.filter((i) => !i.isBatch && !['done', 'failed', 'cancelled'].includes(i.state));
      for (const i of open) service.cancel(i.id);
      await service.whenSettled(open.map((i) => i.id));
      left = await releaseStoredParts(service, service.list().items);
    } finally {
      await service.close();
    }
    if (left > 0) return 'kept';
    forgetJournal(path, lock);
    dropMarkersOf(path); // an old-named one's verdicts of other keys
    return 'dropped';
  } finally {
    lock.release();
  }
}

/**
 * Lock files whose journal is gone (a run that died before it made one): removed when nobody
 * holds them and they are a minute old (a run starting now takes its lock before making its journal).
 */
function dropStrayLocks(dataDir: string, keyId: string): void {
  const dir = join(dataDir, 'cli-journals');
  const re = runJournalName(keyId, 'owner');
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => re.test(n));
  } catch {
    return;
  }
  for (const n of names.slice(0, MAX_PER_RUN)) {
    const journal = join(dir, n.replace(/\.owner$/, '.db'));
    const owner = lockPathOf(journal);
    const mtime = statSync(owner, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
    if (existsSync(journal) || mtime > Date.now() - 60_000) continue;
    const lock = tryProcessLock(owner);
    if (!lock) continue;
    if (existsSync(journal)) lock.release();
    else lock.releaseAndRemove();
  }
}
