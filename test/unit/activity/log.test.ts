import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ActivityLog } from '../../../main/core/activity/log';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'courier-activity-')), 'activity.jsonl');
const idsIn = (file: string) =>
  readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { id: number }).id);

describe('activity log shared by two processes', () => {
  test('two logs appending to one file (the app and a CLI run) never repeat an id', () => {
    const file = fresh();
    const app = new ActivityLog(file);
    const cli = new ActivityLog(file);
    for (let i = 0; i < 200; i++) {
      app.info('app', `app ${i}`);
      cli.info('transfers', `cli ${i}`);
    }
    const ids = idsIn(file);
    expect(ids).toHaveLength(400);
    expect(new Set(ids).size).toBe(400);
    // A third opening reads both writers' lines and goes on after the largest id.
    const next = new ActivityLog(file);
    expect(next.list({ limit: 5000 })).toHaveLength(400);
    expect(next.info('app', 'after').id).toBeGreaterThan(Math.max(...ids));
  });

  test('opening never rewrites the file another process appends to; a long file is rotated whole', () => {
    const file = fresh();
    const lines = Array.from({ length: 10_001 }, (_, i) => JSON.stringify({ id: i + 1, at: i, level: 'info', area: 'app', message: `m${i}` }) + '\n').join('');
    writeFileSync(file, lines + '{"torn');
    const log = new ActivityLog(file);
    expect(readFileSync(join(file, '..', 'activity.1.jsonl'), 'utf8')).toBe(lines + '{"torn');
    expect(existsSync(file)).toBe(false);
    expect(log.list({ limit: 5000 })[0]?.message).toBe('m10000');
    log.info('app', 'new');
    expect(idsIn(file)).toEqual([expect.any(Number)]);
    expect(new ActivityLog(file).list({ limit: 1 })[0]?.message).toBe('new');
  });

  test('a log that grows past its limit while running is rotated then, not only at the next start', () => {
    const file = fresh();
    const rotated = join(file, '..', 'activity.1.jsonl');
    const log = new ActivityLog(file);
    for (let i = 0; i < 10_000; i++) log.info('app', `m${i}`);
    expect(existsSync(rotated)).toBe(false);
    log.info('app', 'one too many');
    expect(idsIn(rotated)).toHaveLength(10_001);
    log.info('app', 'after');
    expect(idsIn(file)).toHaveLength(1);
    expect(log.list({ limit: 2 }).map((e) => e.message)).toEqual(['after', 'one too many']);
  });

  test('a file another process has just rotated is not rotated again over the long one', () => {
    const file = fresh();
    const rotated = join(file, '..', 'activity.1.jsonl');
    const lines = Array.from(
      { length: 9_990 },
      (_, i) => JSON.stringify({ id: (i + 1) * 1024, at: i + 1, level: 'info', area: 'app', message: `m${i}` }) + '\n',
    ).join('');
    writeFileSync(file, lines);
    const app = new ActivityLog(file);
    const cli = new ActivityLog(file);
    for (let i = 0; i < 20; i++) cli.info('transfers', `cli ${i}`);
    expect(idsIn(rotated)).toHaveLength(10_001); // the CLI's count passed the limit: rotated
    for (let i = 0; i < 20; i++) app.info('app', `app ${i}`); // the app's count passes it too, but the file is new
    expect(idsIn(rotated)).toHaveLength(10_001);
    expect(idsIn(file)).toHaveLength(29);
  });
});

describe('activity ids', () => {
  test('stay safe integers, in order, far past 2039', () => {
    let now = Date.UTC(2200, 0, 1);
    const log = new ActivityLog(fresh(), undefined, () => now);
    const ids = [log.info('app', 'a').id, log.info('app', 'b').id];
    now += 1;
    ids.push(log.info('app', 'c').id);
    expect(ids.every((id) => Number.isSafeInteger(id))).toBe(true);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(new Set(ids).size).toBe(3);
  });

  test('entries written with the ids of before (milliseconds × 4096) keep their order with new ones', () => {
    const file = fresh();
    const at = Date.UTC(2026, 11, 1);
    const old = [0, 1].map((i) => ({ id: (at + i) * 4096 + 77, at: at + i, level: 'info', area: 'app', message: `old ${i}` }));
    writeFileSync(file, old.map((e) => JSON.stringify(e) + '\n').join(''));
    const log = new ActivityLog(file, undefined, () => at + 2);
    const added = log.info('app', 'new');
    const ids = log
      .list({ limit: 10 })
      .reverse()
      .map((e) => e.id);
    expect(ids).toHaveLength(3);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    expect(ids.at(-1)).toBe(added.id);
    expect(Number.isSafeInteger(added.id)).toBe(true);
  });
});
