// One byte scale (shared/format.ts) for the CLI and the app; each writes the number its own way.
import { describe, expect, test } from 'vitest';
import { formatBytes } from '../../shared/format';
import { formatBytes as appBytes } from '../../renderer/src/lib/format';

describe('formatBytes', () => {
  test('the CLI form: whole bytes, then one decimal in binary units up to PiB', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GiB');
    expect(formatBytes(3 * 1024 ** 5)).toBe('3.0 PiB');
    expect(formatBytes(2048 * 1024 ** 5)).toBe('2048.0 PiB');
  });
  test('what is not a byte count reads as a dash, in both forms', () => {
    for (const n of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(formatBytes(n)).toBe('—');
      expect(appBytes(n)).toBe('—');
    }
  });
  test("the app's form: the reader's locale, fewer decimals as the number grows", () => {
    expect(appBytes(1000)).toBe('1,000 B');
    expect(appBytes(1234)).toBe('1.21 KiB');
    expect(appBytes(10.5 * 1024 ** 2)).toBe('10.5 MiB');
    expect(appBytes(150 * 1024)).toBe('150 KiB');
  });
});
