import { describe, expect, it } from 'vitest';
import { FileSlots, SMALL_FILE_BYTES } from '../../../main/core/transfer/file-slots';

const MiB = 1 << 20;

describe('file slots', () => {
  it('runs four small files in the slot one large file takes', () => {
    const s = new FileSlots();
    for (let i = 0; i < 4; i++) {
      expect(s.fits(64 * 1024, 1)).toBe(true);
      s.take(`small-${i}`, 64 * 1024);
    }
    expect(s.fits(64 * 1024, 1)).toBe(false);
    expect(s.fits(SMALL_FILE_BYTES, 2)).toBe(true); // exactly 1 MiB still counts as small
    expect(s.fits(SMALL_FILE_BYTES + 1, 1.5)).toBe(false); // a large one needs a whole slot
    expect(s.release('small-0')).toBe(true);
    expect(s.fits(64 * 1024, 1)).toBe(true);
    expect(s.fits(5 * MiB, 1)).toBe(false);
  });

  it('counts a release once, and is exact again when idle', () => {
    const s = new FileSlots();
    s.take('a', 10 * MiB);
    s.take('a', 10 * MiB); // taken twice by mistake: still one slot
    for (let i = 0; i < 3; i++) s.take(`s${i}`, 1000);
    expect(s.fits(10 * MiB, 2)).toBe(false);
    expect(s.release('a')).toBe(true);
    expect(s.release('a')).toBe(false);
    expect(s.fits(10 * MiB, 2)).toBe(true);
    for (let i = 0; i < 3; i++) s.release(`s${i}`);
    for (let i = 0; i < 8; i++) s.take(`t${i}`, 1000);
    expect(s.fits(1000, 2)).toBe(false);
    expect(s.fits(1000, 2.25)).toBe(true);
  });
});
