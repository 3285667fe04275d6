// Byte counts for people in binary units (KiB, MiB, ...): one scale for the CLI and the app. Each
// surface writes the scaled number its own way (the CLI a fixed decimal, the app in the reader's
// locale), so the number is a parameter while the scale is shared.

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** How a surface writes the scaled value; `unit` indexes B, KiB, MiB, ... (0 = whole bytes). */
export type ByteNumber = (value: number, unit: number) => string;

/** One decimal above bytes ("1.5 MiB", "512 B"): the CLI's form, the same width in every locale. */
const fixed: ByteNumber = (v, u) => v.toFixed(u === 0 ? 0 : 1);

/** 1536 → "1.5 KiB"; "—" for what is not a byte count (negative, NaN, infinite). */
export function formatBytes(bytes: number, number: ByteNumber = fixed): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < BYTE_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${number(v, u)} ${BYTE_UNITS[u]}`;
}
