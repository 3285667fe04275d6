// Every numeric setting declared once: the settings schema, the transfer engine's defaults, the
// CLI's flags and the settings table in main/core/transfer/README.md all read this table, so the
// app and the CLI cannot drift apart again (parallelFiles once defaulted to 8 in one and 12 in
// the other). No zod here: `courier --help` reads it and must stay light.
import { CourierError } from './errors';

export interface NumberSetting {
  /** `section.field` in settings.json. */
  readonly name: string;
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly unit: string;
  readonly help: string;
  /** The CLI flag and environment variable that override it for one run, if any. */
  readonly flag?: string;
  readonly env?: string;
}

export const SETTINGS_TABLE = {
  parallelFiles: {
    name: 'transfers.parallelFiles',
    default: 12,
    min: 1,
    max: 64,
    unit: 'files',
    help: 'files transferred at once, all transfers together; a file of at most 1 MiB takes a quarter of a slot',
    flag: '--parallel-files',
    env: 'COURIER_PARALLEL_FILES',
  },
  partsPerFile: {
    name: 'transfers.partsPerFile',
    default: 4,
    min: 1,
    max: 32,
    unit: 'parts',
    help: 'parts (upload) or ranges (download) of one file in flight at once',
    flag: '--parts-per-file',
    env: 'COURIER_PARTS_PER_FILE',
  },
  partSizeMiB: {
    name: 'transfers.partSizeMiB',
    default: 16,
    min: 5,
    max: 512,
    unit: 'MiB',
    help: 'size of one upload part or download range, doubled as needed to stay under 10,000 parts',
    flag: '--part-mib',
    env: 'COURIER_PART_MIB',
  },
  pollFastSeconds: {
    name: 'polling.fastSeconds',
    default: 10,
    min: 5,
    max: 600,
    unit: 's',
    help: 'first job status poll after a status change; it slows down while a job sits in one state',
  },
  pollSlowSeconds: {
    name: 'polling.slowSeconds',
    default: 120,
    min: 10,
    max: 3600,
    unit: 's',
    help: 'slowest job status poll',
  },
  walltimeWarnMinutes: {
    name: 'notifications.walltimeWarnMinutes',
    default: 30,
    min: 0,
    max: 1440,
    unit: 'min',
    help: "notify once when a running job is this close to its template's walltime; 0 = never",
  },
  longRunHours: {
    name: 'notifications.longRunHours',
    default: 0,
    min: 0,
    max: 720,
    unit: 'h',
    help: 'notify once when a job has been running longer than this; 0 = never',
  },
} as const satisfies Record<string, NumberSetting>;

export type SettingKey = keyof typeof SETTINGS_TABLE;

/** What is wrong with a value given by hand (CLI flag, environment) for a row; null when it fits. */
export function settingProblem(key: SettingKey, raw: string): string | null {
  const s: NumberSetting = SETTINGS_TABLE[key];
  const n = Number(raw);
  if (raw.trim() !== '' && Number.isInteger(n) && n >= s.min && n <= s.max) return null;
  return `a whole number from ${s.min} to ${s.max} (${s.unit}) is needed`;
}

/** The value, or an error naming where it came from (`from`), the value and the range. */
export function checkSetting(key: SettingKey, raw: string, from: string): number {
  const problem = settingProblem(key, raw);
  if (problem) throw new CourierError('invalid_input', `${from}: ${problem}; got '${raw}'.`, { field: SETTINGS_TABLE[key].name });
  return Number(raw);
}
