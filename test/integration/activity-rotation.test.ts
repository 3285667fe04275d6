// Two processes (the app and a CLI run) appending to one activity log past its rotation limit
// at the same moment: the file is rotated once, and no entry is lost. Without the rotation lock
// both counted the long file and both renamed it, the second moving a new short file over the
// rotated one. Real OS processes (test/support/activity-child.ts), started together each round.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

interface Child {
  proc: ChildProcessWithoutNullStreams;
  lines: Interface;
}
let children: Child[] = [];

function nextLine(c: Child): Promise<string> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the child ended (${code})`));
    c.proc.once('exit', onExit);
    c.lines.once('line', (l) => {
      c.proc.off('exit', onExit);
      resolve(l);
    });
  });
}

function start(): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'test/support/activity-child.ts'], { cwd: process.cwd() });
  return { proc, lines: createInterface({ input: proc.stdout }) };
}

const messages = (file: string): string[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => (JSON.parse(l) as { message: string }).message)
    : [];

/** Both children append `count` entries to `file` at once (each opening it first, as at start). */
async function together(file: string, count: number): Promise<void> {
  const done = children.map((c) => nextLine(c));
  children.forEach((c, i) => c.proc.stdin.write(`${file} ${count} p${i}\n`));
  expect(await Promise.all(done)).toEqual(['done', 'done']);
}

beforeAll(async () => {
  children = [start(), start()];
  expect(await Promise.all(children.map((c) => nextLine(c)))).toEqual(['ready', 'ready']);
});
afterAll(() => {
  for (const c of children) c.proc.kill('SIGTERM');
});

describe('activity log rotation by two processes at once', () => {
  const expected = (prefilled: number, count: number) => [
    ...Array.from({ length: prefilled }, (_, i) => `old ${i}`),
    ...children.flatMap((_, p) => Array.from({ length: count }, (_, i) => `p${p} ${i}`)),
  ];

  // Each round is a fresh folder. The race is a matter of milliseconds: before the lock, about
  // half the rounds lost the rotated file, so eight rounds fail the old code all but surely.
  for (const [round, { prefilled, count }] of [
    // Both open a long file (both count it at start); both pass the limit by their own appends at about the same time.
    ...Array.from({ length: 4 }, () => [
      { prefilled: 10_001, count: 300 },
      { prefilled: 0, count: 10_200 },
    ]).flat(),
  ].entries()) {
    test(`round ${round + 1}: ${prefilled ? `a file of ${prefilled} lines` : 'an empty file'}, ${count} appends each: rotated once, nothing lost`, async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'courier-rotation-')), 'activity.jsonl');
      const rotated = join(file, '..', 'activity.1.jsonl');
      const old = Array.from({ length: prefilled }, (_, i) =>
        JSON.stringify({ id: (i + 1) * 1024, at: i + 1, level: 'info', area: 'app', message: `old ${i}` }),
      );
      writeFileSync(file, old.map((l) => `${l}\n`).join(''));
      await together(file, count);
      const all = [...messages(rotated), ...messages(file)];
      // One rotation: the rotated file is the long one (a second rename would put a short one there).
      expect(messages(rotated).length).toBeGreaterThan(10_000);
      expect(all).toHaveLength(prefilled + 2 * count);
      expect(new Set(all)).toEqual(new Set(expected(prefilled, count)));
    });
  }
});
