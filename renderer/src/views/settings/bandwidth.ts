// The bandwidth fields speak MiB/s and "HH:MM-HH:MM=MiB/s" windows; settings hold bytes per
// second. The conversions live here so the card stays markup.
import type { Settings } from '../../../../shared/settings';

const MiB = 1024 * 1024;
type Window = Settings['transfers']['bandwidthSchedule'][number];

/** The limit in MiB/s for the box; empty when there is none. */
export const limitToMiB = (bytesPerSecond: number | null): number | '' => (bytesPerSecond === null ? '' : bytesPerSecond / MiB);

/** Empty or 0 means no limit. */
export function limitFromMiB(text: string): number | null {
  const v = text.trim();
  return v === '' || Number(v) === 0 ? null : Math.round(Number(v) * MiB);
}

export const formatSchedule = (windows: readonly Window[]): string => windows.map((w) => `${w.from}-${w.to}=${w.bytesPerSecond / MiB}`).join(', ');

/** A window that does not parse is kept as typed (in `from`) so main names it in its refusal. */
export function parseSchedule(text: string): Window[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^(\d\d:\d\d)-(\d\d:\d\d)=(\d+(?:\.\d+)?)$/.exec(s);
      return m ? { from: m[1]!, to: m[2]!, bytesPerSecond: Math.round(Number(m[3]) * MiB) } : { from: s, to: '', bytesPerSecond: 0 };
    });
}
