import i18next from 'i18next';
import { formatBytes as scaleBytes } from '../../../shared/format';

// Building an Intl.NumberFormat costs far more than using one: keep one per language and precision.
const formats = new Map<string, Intl.NumberFormat>();
function number(n: number, digits: number): string {
  const lng = i18next.language || 'en';
  const key = `${lng}|${digits}`;
  let f = formats.get(key);
  if (!f) formats.set(key, (f = new Intl.NumberFormat(lng, { maximumFractionDigits: digits, minimumFractionDigits: 0 })));
  return f.format(n);
}

/** 1536 → "1.5 KiB" (binary units, as Settings uses MiB), in the reader's locale. */
export function formatBytes(bytes: number): string {
  return scaleBytes(bytes, (v, u) => number(v, u === 0 ? 0 : v < 10 ? 2 : v < 100 ? 1 : 0));
}

/** Bytes per second → "12 MiB/s"; empty when nothing moves (never "0 B/s" flashing). */
export function formatSpeed(bps: number): string {
  return bps > 0 ? `${formatBytes(bps)}/s` : '';
}

/**
 * Seconds left, coarsely: people read "about 4 min" better than a number that changes every
 * tick, so the precision drops as the time grows (5 s steps, then minutes, then hours).
 */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '';
  const t = i18next.t.bind(i18next);
  if (seconds < 60) return t('time.seconds', { n: Math.max(5, Math.ceil(seconds / 5) * 5) });
  if (seconds < 3600) return t('time.minutes', { n: Math.ceil(seconds / 60) });
  const h = Math.floor(seconds / 3600);
  const m = Math.ceil((seconds - h * 3600) / 60);
  if (h >= 24) return t('time.hours', { n: h });
  return m === 0 ? t('time.hours', { n: h }) : t('time.hoursMinutes', { h, m });
}

/** A percentage 0–100 that reads 100 only when really complete. */
export function percent(done: number, total: number): number {
  if (total <= 0) return done > 0 ? 100 : 0;
  const p = (done / total) * 100;
  return done >= total ? 100 : Math.min(99, Math.floor(p));
}

export function formatDate(value: number | string | null | undefined, o: { seconds?: boolean } = {}): string {
  if (value === null || value === undefined || value === '') return '';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleString(i18next.language || 'en', { dateStyle: 'medium', timeStyle: o.seconds ? 'medium' : 'short' });
}

/** An error of any kind as a sentence for people. */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
