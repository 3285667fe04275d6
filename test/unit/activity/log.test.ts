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
});
