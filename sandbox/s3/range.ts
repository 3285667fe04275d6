export type ByteRange = { start: number; end: number };

/**
 * S3's reading of a Range header: `bytes=a-b`, `bytes=a-` and `bytes=-n`. Malformed or
 * multi-range headers are ignored (whole object); unsatisfiable ones are 'invalid' (416).
 */
export function parseRange(value: string | undefined, size: number): ByteRange | null | 'invalid' {
  if (!value) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!m) return null;
  const [, a, b] = m as unknown as [string, string, string];
  if (a === '' && b === '') return null;
  if (a === '') {
    const n = Number(b);
    if (n === 0 || size === 0) return 'invalid';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  if (b !== '' && Number(b) < start) return null;
  if (start >= size) return 'invalid';
  const end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  return { start, end };
}
