import { describe, expect, test } from 'vitest';
import { costSoFar, costThisMonth, formatMoney, hourlyPrice, monthStart, parsePrice, runningMs, runWindow, totalFor } from '../../../shared/cost';
import { coreType } from '../../../main/core/rescale/models';
import { CORE_TYPES } from '../../../sandbox/api/catalog-data';

const at = (iso: string) => Date.parse(iso);
// Newest first, as the platform sends it; whole-second `+00:00` stamps as in realistic answers.
const history = (entries: [string, string][]) => entries.map(([status, statusDate]) => ({ status, statusDate, statusReason: null }));

describe('prices', () => {
  test('a price field is a number or a numeric string; anything else is unknown, never 0', () => {
    expect(parsePrice(0.16)).toBe(0.16);
    expect(parsePrice('0.08')).toBe(0.08);
    expect(parsePrice(' 3 ')).toBe(3);
    expect(parsePrice(0)).toBe(0); // a free core type is free, not unknown
    for (const bad of [undefined, null, '', 'N/A', '1e3', -1, Number.NaN, Number.POSITIVE_INFINITY, {}, '0.1.2']) expect(parsePrice(bad)).toBeNull();
  });

  test('hourly = price per core-hour × cores per slot × slots; the low-priority price when asked for', () => {
    const obsidian = CORE_TYPES.find((c) => c.code === 'obsidian')!;
    const prices = { price: obsidian.price, lowPriorityPrice: parsePrice(obsidian.lowPriorityPrice) };
    expect(hourlyPrice(prices, { coresPerSlot: 4, slots: 2 })).toBeCloseTo(obsidian.price * 8, 9);
    expect(hourlyPrice(prices, { coresPerSlot: 4, slots: 2, lowPriority: true })).toBeCloseTo(Number(obsidian.lowPriorityPrice) * 8, 9);
    expect(hourlyPrice({ price: 0.1 }, { coresPerSlot: 3, slots: 1 })).toBe(0.3); // no float noise (0.30000000000000004)
  });

  test('no price (or no low-priority price for a low-priority job) → null', () => {
    expect(hourlyPrice(undefined, { coresPerSlot: 4, slots: 1 })).toBeNull();
    expect(hourlyPrice({ price: null }, { coresPerSlot: 4, slots: 1 })).toBeNull();
    expect(hourlyPrice({ price: 0.5 }, { coresPerSlot: 4, slots: 1, lowPriority: true })).toBeNull();
    expect(totalFor(null, 4)).toBeNull();
    expect(totalFor(0.64, 4)).toBe(2.56);
  });
});

describe('core type records as the platform sends them', () => {
  test('price a number, lowPriorityPrice a string, either missing or unreadable: kept as numbers or null', () => {
    const base = { code: 'x', cores: [1] };
    expect(coreType.parse({ ...base, price: 0.16, lowPriorityPrice: '0.08' })).toMatchObject({ price: 0.16, lowPriorityPrice: 0.08 });
    expect(coreType.parse({ ...base, price: '1.5' })).toMatchObject({ price: 1.5, lowPriorityPrice: null });
    expect(coreType.parse(base)).toMatchObject({ price: null, lowPriorityPrice: null });
    // An unreadable price costs the price, not the record.
    expect(coreType.parse({ ...base, price: 'call us', lowPriorityPrice: null, currency: 'dollars' })).toMatchObject({
      code: 'x',
      price: null,
      lowPriorityPrice: null,
      currency: null,
    });
    expect(coreType.parse({ ...base, currency: 'JPY' }).currency).toBe('JPY');
  });
});

describe('running time and cost so far', () => {
  const running = history([
    ['Executing', '2026-03-01T10:05:00+00:00'],
    ['Started', '2026-03-01T10:00:00+00:00'],
    ['Queued', '2026-03-01T09:00:00+00:00'],
    ['Pending', '2026-03-01T08:00:00+00:00'],
  ]);

  test('from Started, not from Pending or Queued; grows with the clock while it runs', () => {
    expect(runWindow(running)).toEqual({ startedAt: at('2026-03-01T10:00:00Z'), endedAt: null });
    expect(runningMs(running, at('2026-03-01T11:30:00Z'))).toBe(90 * 60_000);
    expect(costSoFar(2, running, at('2026-03-01T11:30:00Z'))).toBe(3);
    expect(costSoFar(2, running, at('2026-03-01T12:00:00Z'))).toBe(4);
    expect(costSoFar(null, running, at('2026-03-01T12:00:00Z'))).toBeNull();
  });

  test('ends at the final status: the figure stops moving', () => {
    const done = history([['Completed', '2026-03-01T12:00:00+00:00'], ...running.map((h) => [h.status, h.statusDate] as [string, string])]);
    expect(costSoFar(2, done, at('2026-03-05T00:00:00Z'))).toBe(4);
    // A stop keeps billing until the final word (Stopping is still running).
    const stopped = history([
      ['Completed', '2026-03-01T10:45:00+00:00'],
      ['Stopping', '2026-03-01T10:30:00+00:00'],
      ['Started', '2026-03-01T10:00:00+00:00'],
    ]);
    expect(costSoFar(4, stopped, at('2026-03-09T00:00:00Z'))).toBe(3);
  });

  test('a job that never started costs 0 (it is known), unknown words are ignored', () => {
    const never = history([
      ['Completed', '2026-03-01T09:10:00+00:00'],
      ['Stopping', '2026-03-01T09:05:00+00:00'],
      ['Queued', '2026-03-01T09:00:00+00:00'],
    ]);
    // Stopping while queued: ordered after Started in the vocabulary, so it does count as running
    // from then on — the platform may already have allocated the cluster.
    expect(runningMs(never, at('2026-03-02T00:00:00Z'))).toBe(5 * 60_000);
    const queued = history([
      ['Queued', '2026-03-01T09:00:00+00:00'],
      ['Some New Word', '2026-03-01T09:01:00+00:00'],
    ]);
    expect(costSoFar(5, queued, at('2026-03-02T00:00:00Z'))).toBe(0);
  });

  test('month to date counts only the part of a run inside the month', () => {
    const now = new Date(2026, 2, 1, 2, 0, 0).getTime(); // 1 March, 02:00 local
    const from = new Date(2026, 1, 28, 22, 0, 0).toISOString(); // 28 February, 22:00 local
    const h = history([['Executing', from]]);
    expect(monthStart(now)).toBe(new Date(2026, 2, 1).getTime());
    expect(costSoFar(1, h, now)).toBe(4);
    expect(costThisMonth(1, h, now)).toBe(2);
    expect(costThisMonth(null, h, now)).toBeNull();
  });
});

describe('formatting', () => {
  test('2 decimals, 4 below 1 when needed (always while running); unknown stays null', () => {
    expect(formatMoney(0.0123, 'USD')).toBe('$0.0123');
    expect(formatMoney(0.64, 'USD')).toBe('$0.64');
    expect(formatMoney(0.01, 'USD', 'en-US', true)).toBe('$0.0100');
    expect(formatMoney(0.0004, 'USD', 'ja-JP', true)).toBe('$0.0004');
    expect(formatMoney(12.3456, 'USD')).toBe('$12.35');
    expect(formatMoney(0, 'USD')).toBe('$0.00');
    expect(formatMoney(null, 'USD')).toBeNull();
    expect(formatMoney(1.5, 'XQQ')).toMatch(/1\.50/);
  });
});
