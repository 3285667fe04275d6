// Run journals named before they carried the key id (`run-<pid>-<ts>.db`, written by earlier
// versions, with no lock file). Whose work one holds shows only inside it, so a command opens it
// at most once and leaves its verdict beside it as an empty marker file; after that the
// directory listing alone decides, and commands that cannot use it never open it again.
//
// - Its process alive: it waits (that run may still be going).
// - This key's work: finished like any kept run journal (run-journals.ts).
// - Nothing left to finish (no unsettled item, no upload, no partial download) and untouched for
//   a day: dropped, whoever's it was: there is nothing to resume and nothing to abort.
// - Another key's or account's: `<name>.not-<who>` (who: this key with these accounts), so this
//   connection never opens it again; its owner still finishes it.
// - Nobody's (nothing sealed, no account: written before journals recorded them): no key can show
//   it is its work, so no command would ever finish it, and no run resumes a run journal (the
//   outbox uploads inputs afresh). `<name>.unclaimed`, a note that says so, and it is removed
//   once untouched for 30 days: the parts it may name are then left to the storage's own expiry.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { keyAccountId } from '../main/core/accounts/service';
import { tryProcessLock } from '../main/core/transfer/process-lock';
import { createAesGcmSealer } from '../main/core/transfer/sealer';
import type { Connection } from './context';
import { forgetJournal, lockPathOf, surveyJournal } from './journals';
import { trace } from './trace';

const OLD_NAME = /^(run-(\d+)-\d+)\.db$/;
const MARKER = /^(run-\d+-\d+)\.(?:unclaimed|not-[0-9a-f]{16})$/;
/** A journal with nothing to finish waits this long untouched (a run in another pid namespace may still be starting). */
const EMPTY_AGE_MS = 24 * 3600_000;
/** An unclaimed journal that names unfinished work is reported, then kept this long untouched. */
const UNCLAIMED_AGE_MS = 30 * 24 * 3600_000;

export interface OldJournalOptions {
  dir: string;
  /** The folder's listing (one readdir serves the whole sweep). */
  names: string[];
  conn: Pick<Connection, 'keyId' | 'sealerKey' | 'apiKey' | 'accountId'>;
  /** Journals opened at most (the rest wait for the next command). */
  maxOpened: number;
  /** Tells the person about a journal no key can finish (once per journal). */
  note?: (text: string) => void;
}

/** The old-named journals this key should finish; drops, marks and reports the others on the way. */
export function oldRunJournals(o: OldJournalOptions): string[] {
  const names = new Set(o.names);
  const accounts = [keyAccountId(o.conn.apiKey), ...(o.conn.accountId ? [o.conn.accountId] : [])];
  // The verdict "not ours" depends on the key (its sealed keys) and the accounts it may carry.
  const who = createHash('sha256')
    .update([o.conn.keyId, ...[...accounts].sort()].join('\0'))
    .digest('hex')
    .slice(0, 16);
  const now = Date.now();
  const sealer = createAesGcmSealer(o.conn.sealerKey);
  const ours: string[] = [];
  let opened = 0;
  for (const name of o.names) {
    const m = OLD_NAME.exec(name);
    if (!m || isAlive(Number(m[2]))) continue;
    const [base, path] = [m[1]!, join(o.dir, name)];
    if (names.has(`${base}.not-${who}`)) continue;
    if (names.has(`${base}.unclaimed`)) {
      if (now - lastTouched(path) >= UNCLAIMED_AGE_MS) drop(path, 'unclaimed, 30 days untouched');
      continue;
    }
    if (opened++ >= o.maxOpened) continue;
    const survey = surveyJournal(path, sealer, accounts);
    if (!survey) continue; // unreadable now: next time
    if (survey.owner === 'ours') ours.push(path);
    else if (!survey.unfinished) {
      if (now - lastTouched(path) >= EMPTY_AGE_MS) drop(path, 'nothing to finish');
    } else if (survey.owner === 'foreign') mark(o.dir, `${base}.not-${who}`);
    else {
      mark(o.dir, `${base}.unclaimed`);
      o.note?.(
        `${path} was left by an earlier Courier with uploads or downloads unfinished, and nothing in it shows which key can finish them. ` +
          `It is removed after 30 days untouched; delete it sooner if you know nothing of it is needed.`,
      );
    }
  }
  dropStrayMarkers(o.dir, names);
  return ours;
}

/** Whether a process with this pid exists (a reused pid also counts: the journal then waits). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/** The last write to the journal or its WAL. */
function lastTouched(path: string): number {
  return Math.max(...['', '-wal'].map((s) => statSync(path + s, { throwIfNoEntry: false })?.mtimeMs ?? 0));
}

/** Under the journal's lock, as every sweeper takes it: never while another process has it open for finishing. */
function drop(path: string, why: string): void {
  const lock = tryProcessLock(lockPathOf(path));
  if (!lock) return;
  if (existsSync(path)) forgetJournal(path, lock);
  else lock.releaseAndRemove();
  dropMarkersOf(path);
  trace(`old run journal ${path}: dropped (${why})`);
}

function mark(dir: string, marker: string): void {
  try {
    writeFileSync(join(dir, marker), '', { mode: 0o600 });
  } catch {
    // not written: the journal is looked at again next time
  }
}

/** An old-named journal's markers, once it is gone (finished by its key, or dropped). */
export function dropMarkersOf(path: string): void {
  const base = OLD_NAME.exec(basename(path))?.[1];
  if (!base) return;
  try {
    for (const n of readdirSync(dirname(path))) if (MARKER.exec(n)?.[1] === base) rmSync(join(dirname(path), n), { force: true });
  } catch {
    // the next sweep removes them (dropStrayMarkers)
  }
}

/** Markers whose journal is gone, and whose remover did not get to them (a crash between the two). */
function dropStrayMarkers(dir: string, names: Set<string>): void {
  for (const n of names) {
    const m = MARKER.exec(n);
    if (m && !existsSync(join(dir, `${m[1]}.db`))) rmSync(join(dir, n), { force: true });
  }
}
