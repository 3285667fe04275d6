import { randomInt } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ActivityEntry } from '../../../shared/contract/events';
import type { EventHub } from '../events/hub';
import { redact } from '../secrets/redact';
import { tryProcessLock, type ProcessLock } from '../transfer/process-lock';
import { phraseText, type Phrase } from '../../../shared/activity-phrases';

type Area = ActivityEntry['area'];
type Level = ActivityEntry['level'];

const KEEP = 5000;
/** Lines past which the file is rotated: twice what is kept, so the two files always hold KEEP. */
const ROTATE_LINES = KEEP * 2;

const rotatedName = (file: string) => file.replace(/(\.jsonl)?$/, '.1.jsonl');
const lockName = (file: string) => file.replace(/(\.jsonl)?$/, '.rotate.lock');

function readLines(file: string): ActivityEntry[] {
  if (!existsSync(file)) return [];
  const out: ActivityEntry[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      out.push(JSON.parse(line) as ActivityEntry);
    } catch {
      // A torn line (a crash mid-append) is skipped.
    }
  }
  return out;
}

// Ids must stay unique when two processes (the app and a CLI run) append to one file: a
// per-process counter would repeat. An id is a sequence that follows the clock (milliseconds,
// running ahead of it within a busy millisecond) times 1024, plus a tag drawn once per process
// among those the file's recent entries do not use; two processes repeat an id only if they drew
// the same tag and wrote in the same millisecond. Milliseconds × 1024 stay below
// Number.MAX_SAFE_INTEGER until the year 2248 (× 4096, as before, only until 2039).
const TAGS = 1024;
const OLD_TAGS = 4096;
const tagsInUse = new Set<number>();
function drawTag(recent: readonly ActivityEntry[]): number {
  const taken = new Set([...tagsInUse, ...recent.map((e) => e.id % TAGS)]);
  let tag = randomInt(TAGS);
  for (let tries = 0; taken.has(tag) && tries < TAGS; tries++) tag = (tag + 1) % TAGS;
  tagsInUse.add(tag);
  return tag;
}

/** An entry written with ids of milliseconds × 4096 (far above its time × 2048) gets the same place in today's order. */
function currentId(e: ActivityEntry): ActivityEntry {
  return e.id > e.at * 2048 ? { ...e, id: Math.floor(e.id / OLD_TAGS) * TAGS + (e.id % TAGS) } : e;
}

/** Lines the file holds (torn ones too); 0 when it is gone. */
function countLines(file: string): number {
  try {
    const text = readFileSync(file, 'utf8');
    let n = 0;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
    return n;
  } catch {
    return 0;
  }
}

/**
 * The activity log: what Courier did, for people (not a debug trace). Entries are appended
 * to a JSON-lines file (mode 0600) and kept in memory; every message passes the secret
 * redactor first so an API key can never land here. Other processes may append to the same
 * file at any time, so it is never rewritten in place: past twice the kept length (at start or
 * while running) it is renamed to activity.1.jsonl, by one process at a time (an append by path
 * after that starts a new file; nothing is lost but the previous activity.1.jsonl, by design).
 */
export class ActivityLog {
  private entries: ActivityEntry[] = [];
  private seq = 0;
  private readonly tag: number;
  /** Lines in the file as far as this process knows: its own appends since it last counted. */
  private linesInFile = 0;

  constructor(
    private readonly file: string | null,
    private readonly hub?: EventHub,
    private readonly now: () => number = Date.now,
  ) {
    if (!file) {
      this.tag = drawTag([]);
      return;
    }
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const older = readLines(rotatedName(file));
    const current = readLines(file);
    this.entries = [...older, ...current].slice(-KEEP).map(currentId);
    this.seq = Math.floor(this.entries.reduce((m, e) => Math.max(m, e.id), 0) / TAGS);
    this.tag = drawTag(this.entries.slice(-1000));
    this.linesInFile = current.length;
    if (this.linesInFile > ROTATE_LINES) this.rotate();
  }

  /**
   * Past the limit by this process's count, the file is counted again (other processes append
   * and rotate too), and rotated only if it really is that long (see rotate()).
   */
  private appended(file: string): void {
    if (++this.linesInFile <= ROTATE_LINES) return;
    this.linesInFile = countLines(file);
    if (this.linesInFile > ROTATE_LINES) this.rotate();
  }

  /**
   * Renames the file to activity.1.jsonl if it is still past the limit, counted again under a
   * lock every process on the data folder takes for this. Without the lock, two processes that
   * counted a long file in the same few milliseconds both renamed it, the second moving a new
   * short file over the rotated one (its older entries lost). The lock is the transfer engine's
   * ProcessLock, not proper-lockfile: it is taken synchronously (appends are), and the kernel
   * drops it when its holder dies, so a crash mid-rotation never holds up the next one. A process
   * that finds it taken leaves the rotation to the holder; its next append counts again.
   */
  private rotate(): void {
    if (!this.file) return;
    let lock: ProcessLock | null;
    try {
      lock = tryProcessLock(lockName(this.file));
    } catch {
      return; // the lock file cannot be made (a read-only folder): appends go on, unrotated
    }
    if (!lock) return;
    try {
      this.linesInFile = countLines(this.file);
      if (this.linesInFile <= ROTATE_LINES) return; // another process rotated it first
      renameSync(this.file, rotatedName(this.file));
      this.linesInFile = 0;
    } catch {
      // The rename failed: the next append past the limit tries again.
    } finally {
      lock.release();
    }
  }

  add(level: Level, area: Area, message: string, ref?: ActivityEntry['ref'], text?: Phrase): ActivityEntry {
    const at = this.now();
    this.seq = Math.max(this.seq + 1, at);
    const entry: ActivityEntry = { id: this.seq * TAGS + this.tag, at, level, area, message: redact(message) };
    if (ref) entry.ref = ref;
    if (text) entry.text = { key: text.key, params: Object.fromEntries(Object.entries(text.params).map(([k, v]) => [k, redact(v)])) };
    this.entries.push(entry);
    if (this.entries.length > KEEP * 1.2) this.entries = this.entries.slice(-KEEP);
    if (this.file) {
      appendFileSync(this.file, JSON.stringify(entry) + '\n', { mode: 0o600 });
      this.appended(this.file);
    }
    this.hub?.emit('activity', entry);
    return entry;
  }

  /** An entry the UI can translate: English for the file and the CLI, the phrase for the UI. */
  say(level: Level, area: Area, phrase: Phrase, ref?: ActivityEntry['ref']): ActivityEntry {
    return this.add(level, area, phraseText(phrase), ref, phrase);
  }

  info(area: Area, message: string, ref?: ActivityEntry['ref']): ActivityEntry {
    return this.add('info', area, message, ref);
  }
  warn(area: Area, message: string, ref?: ActivityEntry['ref']): ActivityEntry {
    return this.add('warn', area, message, ref);
  }
  error(area: Area, message: string, ref?: ActivityEntry['ref']): ActivityEntry {
    return this.add('error', area, message, ref);
  }

  list(filter: { level?: Level; area?: Area; limit: number }): ActivityEntry[] {
    const picked = this.entries.filter((e) => (!filter.level || e.level === filter.level) && (!filter.area || e.area === filter.area));
    return picked.slice(-filter.limit).reverse();
  }

  exportText(): string {
    return this.entries
      .map((e) => `${new Date(e.at).toISOString()}\t${e.level.toUpperCase()}\t${e.area}\t${e.message}${e.ref ? `\t${e.ref.kind}:${e.ref.id}` : ''}`)
      .join('\n');
  }
}
