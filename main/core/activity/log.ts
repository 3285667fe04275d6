import { randomInt } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ActivityEntry } from '../../../shared/contract/app';
import type { EventHub } from '../events/hub';
import { redact } from '../secrets/redact';
import { phraseText, type Phrase } from '../../../shared/activity-phrases';

type Area = ActivityEntry['area'];
type Level = ActivityEntry['level'];

const KEEP = 5000;

const rotatedName = (file: string) => file.replace(/(\.jsonl)?$/, '.1.jsonl');

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
// running ahead of it within a busy millisecond) times 4096, plus a tag drawn once per process;
// two processes repeat an id only if they drew the same tag and wrote in the same millisecond.
const TAGS = 4096;
const tagsInUse = new Set<number>();
function drawTag(): number {
  let tag = randomInt(TAGS);
  while (tagsInUse.has(tag) && tagsInUse.size < TAGS) tag = (tag + 1) % TAGS; // distinct within a process
  tagsInUse.add(tag);
  return tag;
}
/**
 * The activity log: what Courier did, for people (not a debug trace). Entries are appended
 * to a JSON-lines file (mode 0600) and kept in memory; every message passes the secret
 * redactor first so an API key can never land here. Other processes may append to the same
 * file at any time, so it is never rewritten in place: past twice the kept length it is renamed
 * to activity.1.jsonl (an append by path after that starts a new file; nothing is lost).
 */
export class ActivityLog {
  private entries: ActivityEntry[] = [];
  private seq = 0;
  private readonly tag = drawTag();

  constructor(
    private readonly file: string | null,
    private readonly hub?: EventHub,
    private readonly now: () => number = Date.now,
  ) {
    if (!file) return;
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    const older = readLines(rotatedName(file));
    const current = readLines(file);
    this.entries = [...older, ...current].slice(-KEEP);
    this.seq = Math.floor(this.entries.reduce((m, e) => Math.max(m, e.id), 0) / TAGS);
    if (current.length > KEEP * 2) {
      try {
        renameSync(file, rotatedName(file));
      } catch {
        // Another process starting at the same moment rotated it first.
      }
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
    if (this.file) appendFileSync(this.file, JSON.stringify(entry) + '\n', { mode: 0o600 });
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
