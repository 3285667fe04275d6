import { describe, expect, test, vi } from 'vitest';
import { LiveFollow, type TailAnswer, type TailFn } from '../../../renderer/src/views/jobs/live/follow';

/** A file served the way jobs.liveTail answers: the cursor is the count of lines already given. */
function growingFile(): { tail: TailFn; write(lines: string[]): void; rewrite(lines: string[]): void; asked: Array<string | undefined> } {
  let lines: string[] = [];
  let generation = 0;
  const asked: Array<string | undefined> = [];
  let final = false;
  return {
    asked,
    write: (more) => void lines.push(...more),
    rewrite: (fresh) => {
      lines = [...fresh];
      generation += 1;
      final = true;
    },
    tail: ({ cursor, lines: n }): Promise<TailAnswer> => {
      asked.push(cursor);
      const [gen, from] = (cursor ?? '').split(':').map(Number);
      const restarted = cursor !== undefined && gen !== generation;
      const start = cursor === undefined ? Math.max(0, lines.length - (n ?? 200)) : restarted ? 0 : (from ?? 0);
      return Promise.resolve({ lines: lines.slice(start), cursor: `${generation}:${lines.length}`, restarted, final });
    },
  };
}

const settle = (f: LiveFollow, version: number) =>
  new Promise<void>((resolve) => {
    if (f.getSnapshot().version > version) return resolve();
    const off = f.subscribe(() => {
      off();
      resolve();
    });
  });

describe('LiveFollow', () => {
  test('appends only new lines, parses them into the table, starts over when the file is rewritten, stops when final', async () => {
    const file = growingFile();
    file.write(['epoch       main/loss   main/accuracy', '1           0.5         0.8']);
    const f = new LiveFollow('job1', 'process_output.log', file.tail, 5);
    f.start();
    await settle(f, 0);
    expect(f.getSnapshot().total).toBe(2);
    expect(f.table.column('main/loss')).toEqual([0.5]);
    file.write(['2           0.4         0.85']);
    await settle(f, f.getSnapshot().version);
    while (f.getSnapshot().total < 3) await settle(f, f.getSnapshot().version);
    expect(f.getSnapshot().lines).toEqual(['epoch       main/loss   main/accuracy', '1           0.5         0.8', '2           0.4         0.85']);
    expect(f.table.column('main/loss')).toEqual([0.5, 0.4]);
    expect(f.getSnapshot().kind).toBe('training');

    file.rewrite(['epoch       main/loss', '1           0.9']);
    while (!f.getSnapshot().final) await settle(f, f.getSnapshot().version);
    const s = f.getSnapshot();
    expect(s.restarted).toBe(true);
    expect(s.lines).toEqual(['epoch       main/loss', '1           0.9']);
    expect(f.table.column('main/loss')).toEqual([0.9]);
    const polls = file.asked.length;
    await new Promise((r) => setTimeout(r, 30));
    expect(file.asked.length).toBe(polls); // no polling after the job ended
    expect(file.asked[0]).toBeUndefined();
    expect(file.asked.slice(1).every((c) => c !== undefined)).toBe(true);
    f.stop();
  });

  test('another parser reads the followed lines again', async () => {
    const file = growingFile();
    file.write(['step=1 loss=0.5', 'step=2 loss=0.25']);
    const f = new LiveFollow('job1', 'x.log', file.tail, 5, 'generic');
    f.start();
    await settle(f, 0);
    f.stop();
    expect(f.table.names).toEqual(['step', 'loss']);
    f.setParser('openfoam');
    expect(f.table.names).toEqual([]);
    f.setParser('generic');
    expect(f.table.column('loss')).toEqual([0.5, 0.25]);
  });

  test("StrictMode's mount, unmount, mount leaves one polling loop", async () => {
    vi.useFakeTimers();
    try {
      const pending: Array<(a: TailAnswer) => void> = [];
      const tail: TailFn = () => new Promise((resolve) => pending.push(resolve));
      const f = new LiveFollow('job1', 'x.log', tail, 1000);
      // What StrictMode does to the effect in development: start, cleanup, start again.
      f.start();
      f.stop();
      f.start();
      expect(pending).toHaveLength(2); // the first request was already out
      for (const [i, answer] of pending.splice(0).entries()) answer({ lines: [`line ${i}`], cursor: `c${i}`, restarted: false, final: false });
      await vi.advanceTimersByTimeAsync(1000);
      expect(pending).toHaveLength(1); // one loop polls on
      pending.splice(0)[0]?.({ lines: [], cursor: 'c2', restarted: false, final: false });
      await vi.advanceTimersByTimeAsync(1000);
      expect(pending).toHaveLength(1);
      expect(f.getSnapshot().lines).toEqual(['line 1']); // the stopped loop's late answer is not shown
      f.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
