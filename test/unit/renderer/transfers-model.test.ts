import { describe, expect, test } from 'vitest';
import type { TransferView } from '../../../shared/contract/events';
import { emptyOverall, fromSnapshot, headerFigures, itemPercent, merge, PendingProgress } from '../../../renderer/src/stores/transfers-model';

const MiB = 1024 * 1024;
const item = (id: string, over: Partial<TransferView> = {}): TransferView => ({
  id,
  kind: 'download',
  name: `${id}.bin`,
  localPath: `/tmp/${id}.bin`,
  size: 100 * MiB,
  bytesDone: 0,
  bytesPerSecond: 0,
  etaSeconds: null,
  state: 'queued',
  priority: 0,
  createdAt: 1,
  ...over,
});
const step = (d: ReturnType<typeof fromSnapshot>, seq: number, items: TransferView[], overall = emptyOverall) => {
  const p = new PendingProgress();
  p.add({ seq, items, overall });
  return merge(d, p) ?? d;
};

describe('the overall header agrees with the rows', () => {
  test('a paused file counts with the bytes it has, and not as active', () => {
    // Main's own figure for this state was "201 MiB of 401 MiB (50%), 1 active" with the only file paused at 64%.
    const running = item('a', { size: 401 * MiB, bytesDone: 201 * MiB, state: 'running', bytesPerSecond: MiB });
    let d = fromSnapshot(1, [running], { bytesDone: 201 * MiB, bytesTotal: 401 * MiB, bytesPerSecond: MiB, etaSeconds: 200, active: 1 }, 0);
    d = step(d, 2, [{ ...running, state: 'paused', bytesDone: Math.round(401 * MiB * 0.645), bytesPerSecond: 0 }], {
      bytesDone: 201 * MiB,
      bytesTotal: 401 * MiB,
      bytesPerSecond: MiB,
      etaSeconds: 200,
      active: 1,
    });
    const h = headerFigures(d);
    expect(h.pct).toBe(64);
    expect(h.pct).toBe(itemPercent(d.byId.a!));
    expect(h.active).toBe(0);
    expect(h.paused).toBe(1);
    expect(h.bytesPerSecond).toBe(0);
    expect(h.etaSeconds).toBeNull();
  });

  test('cancelling takes the file out of the total and is counted apart', () => {
    const a = item('a', { state: 'done', bytesDone: 100 * MiB });
    const b = item('b', { state: 'running', bytesDone: 50 * MiB });
    let d = fromSnapshot(1, [a, b], emptyOverall, 0);
    expect(headerFigures(d).pct).toBe(75);
    d = step(d, 2, [{ ...b, state: 'cancelled' }]);
    const h = headerFigures(d);
    expect([h.bytesDone, h.bytesTotal, h.pct]).toEqual([100 * MiB, 100 * MiB, 100]);
    expect([h.cancelled, h.cancelledBytes]).toEqual([1, 100 * MiB]);
    // Retried: it counts again, from what it has.
    d = step(d, 3, [{ ...b, state: 'queued', bytesDone: 0 }]);
    expect([headerFigures(d).bytesTotal, headerFigures(d).cancelled]).toEqual([200 * MiB, 0]);
  });

  test('a folder adds its files once (the batch row adds nothing)', () => {
    const batch = item('f', { isBatch: true, size: 200 * MiB, bytesDone: 100 * MiB, state: 'running' });
    const kids = [item('x', { parentId: 'f', state: 'done', bytesDone: 100 * MiB }), item('y', { parentId: 'f', state: 'queued' })];
    const d = fromSnapshot(1, [batch, ...kids], emptyOverall, 0);
    expect([headerFigures(d).bytesDone, headerFigures(d).bytesTotal]).toEqual([100 * MiB, 200 * MiB]);
  });
});

describe('row percentages', () => {
  test('a finished empty file is 100%, an unfinished one 0%', () => {
    expect(itemPercent({ state: 'done', size: 0, bytesDone: 0 })).toBe(100);
    expect(itemPercent({ state: 'queued', size: 0, bytesDone: 0 })).toBe(0);
    expect(itemPercent({ state: 'paused', size: 1000, bytesDone: 645 })).toBe(64);
  });
});
