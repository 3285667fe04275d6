import { appendFileSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ActivityEntry } from '../../../shared/contract/app';
import type { EventHub } from '../events/hub';
import { redact } from '../secrets/redact';
import { phraseText, type Phrase } from '../../../shared/activity-phrases';

type Area = ActivityEntry['area'];
type Level = ActivityEntry['level'];

const KEEP = 5000;

/**
 * The activity log: what Courier did, for people (not a debug trace). Entries are appended
 * to a JSON-lines file (mode 0600) and kept in memory; every message passes the secret
 * redactor first so an API key can never land here.
 */
export class ActivityLog {
  private entries: ActivityEntry[] = [];
  private nextId = 1;

  constructor(
    private readonly file: string | null,
    private readonly hub?: EventHub,
    private readonly now: () => number = Date.now,
  ) {
    if (file && existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line) continue;
        try {
          this.entries.push(JSON.parse(line) as ActivityEntry);
        } catch {
          // A torn last line after a crash is skipped.
        }
      }
      this.entries = this.entries.slice(-KEEP);
      this.nextId = (this.entries.at(-1)?.id ?? 0) + 1;
      writeFileSync(file, this.entries.map((e) => JSON.stringify(e) + '\n').join(''), { mode: 0o600 });
    } else if (file) {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    }
  }

  add(level: Level, area: Area, message: string, ref?: ActivityEntry['ref'], text?: Phrase): ActivityEntry {
    const entry: ActivityEntry = { id: this.nextId++, at: this.now(), level, area, message: redact(message) };
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
