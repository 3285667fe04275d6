import * as z from 'zod';
import { SETTINGS_TABLE, type SettingKey } from './settings-table';

export const SETTINGS_VERSION = 2;

/** A whole number with the bounds and default of its row in SETTINGS_TABLE. */
const num = (key: SettingKey) => {
  const r = SETTINGS_TABLE[key];
  return z.number().int().min(r.min).max(r.max).default(r.default);
};

/** What a download does when its file already exists. */
export const conflictPolicy = z.enum(['skip', 'overwrite', 'keepBoth']);

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use HH:MM, 24-hour');

export const bandwidthWindow = z.object({
  from: hhmm,
  to: hhmm,
  bytesPerSecond: z
    .number()
    .int()
    .min(64 * 1024),
});

export const platformRef = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('known'), id: z.string() }),
  z.object({ kind: z.literal('custom'), apiUrl: z.string(), s3Endpoint: z.string().optional() }),
  z.object({ kind: z.literal('sandbox'), apiUrl: z.string(), s3Endpoint: z.string(), azureBlobEndpoint: z.string().optional() }),
]);

/** An account as stored in settings. The API key is never here: it is in the keychain under `account:<id>`. */
export const accountRecord = z.object({
  id: z.string(),
  label: z.string().min(1).max(100),
  platform: platformRef,
  email: z.string(),
  workspace: z.string().optional(),
  addedAt: z.number(),
});
export type AccountRecord = z.infer<typeof accountRecord>;

export const settingsSchema = z.object({
  version: z.literal(SETTINGS_VERSION),
  accounts: z.array(accountRecord).default([]),
  activeAccountId: z.string().nullable().default(null),
  transfers: z
    .object({
      parallelFiles: num('parallelFiles'),
      partsPerFile: num('partsPerFile'),
      partSizeMiB: num('partSizeMiB'),
      /** null = unlimited */
      bandwidthBytesPerSecond: z
        .number()
        .int()
        .min(64 * 1024)
        .nullable()
        .default(null),
      bandwidthSchedule: z.array(bandwidthWindow).default([]),
    })
    .prefault({}),
  downloads: z
    .object({
      folder: z.string().default(''),
      conflict: conflictPolicy.default('keepBoth'),
    })
    .prefault({}),
  notifications: z
    .object({
      jobFinished: z.boolean().default(true),
      jobFailed: z.boolean().default(true),
      transferFailed: z.boolean().default(true),
      transfersDone: z.boolean().default(false),
      /** Minutes before a running job's walltime to warn, once (0 = never). */
      walltimeWarnMinutes: num('walltimeWarnMinutes'),
      /** Hours of running after which to warn, once (0 = never): a run someone forgot. */
      longRunHours: num('longRunHours'),
    })
    .prefault({}),
  polling: z
    .object({
      /** First poll after a status change, seconds; it slows down while a job sits in one state. */
      fastSeconds: z.number().int().min(5).max(600).default(10),
      slowSeconds: z.number().int().min(10).max(3600).default(120),
    })
    .prefault({}),
  network: z
    .object({
      proxy: z.enum(['none', 'system', 'explicit']).default('system'),
      proxyUrl: z.string().default(''),
      proxyUsername: z.string().default(''),
      /** When the proxy password (kept in the keychain, never here) was last set; 0 = none. */
      proxyPasswordSetAt: z.number().int().nonnegative().default(0),
      caBundlePath: z.string().default(''),
    })
    .prefault({}),
  appearance: z
    .object({
      language: z.enum(['system', 'en', 'ja']).default('system'),
      theme: z.enum(['system', 'light', 'dark']).default('system'),
    })
    .prefault({}),
  app: z
    .object({
      keepRunningInTray: z.boolean().default(true),
      /** Linux safeStorage may fall back to plaintext (basic_text): refuse unless accepted here. */
      acceptPlaintextKeyStorage: z.boolean().default(false),
    })
    .prefault({}),
});
export type Settings = z.infer<typeof settingsSchema>;

/** A section with every field optional and no defaults, so a patch never resets what it omits. */
const section = <K extends keyof typeof settingsSchema.shape>(k: K) => {
  const obj = (settingsSchema.shape[k] as unknown as { unwrap(): z.ZodObject }).unwrap();
  const shape: Record<string, z.ZodType> = {};
  for (const [name, field] of Object.entries(obj.shape)) {
    const bare = field instanceof z.ZodDefault ? (field.removeDefault() as z.ZodType) : (field as z.ZodType);
    shape[name] = bare.optional();
  }
  return z.object(shape).optional();
};

type Sections = Omit<Settings, 'version' | 'accounts' | 'activeAccountId'>;
export type SettingsPatch = { [K in keyof Sections]?: Partial<Sections[K]> };

/** What the UI may change: any field of any section (accounts have their own requests). */
export const settingsPatch: z.ZodType<SettingsPatch, SettingsPatch> = z.object({
  transfers: section('transfers'),
  downloads: section('downloads'),
  notifications: section('notifications'),
  polling: section('polling'),
  network: section('network'),
  appearance: section('appearance'),
  app: section('app'),
}) as unknown as z.ZodType<SettingsPatch, SettingsPatch>;
