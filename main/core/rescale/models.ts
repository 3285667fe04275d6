import * as z from 'zod';
import { parsePrice } from '../../../shared/cost';

// Typed models at the edge: tolerant of unknown fields (looseObject), of the platform's date
// formats (0–6 fractional digits, Z or an offset) and of sizes sent as strings or numbers.

/** "2014-11-12T22:20:09.596996Z" / "...-07:00" → epoch ms (null when absent). */
export function parseRescaleDate(value: string | null | undefined): number | null {
  if (!value) return null;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim());
  if (!m) {
    const t = Date.parse(value);
    return Number.isNaN(t) ? null : t;
  }
  const ms = (m[2] ?? '0').padEnd(3, '0').slice(0, 3);
  const zone = m[3] ?? 'Z';
  return Date.parse(`${m[1]}.${ms}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`);
}

// Byte counts: a whole number, sent as a number or as a string of digits; never negative.
const size = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(Number);
const nullableString = z
  .string()
  .nullish()
  .transform((v) => v ?? null);

/**
 * The platform's ids are short case-sensitive alphanumerics (jobs `OsKBd`, files `XkpTse`, runs
 * `"1"`). They end up in URLs and in local folder names (`rescale_job_<id>`), so anything else
 * — a slash, a dot, a space — is refused where it is parsed rather than trusted downstream.
 */
export const PLATFORM_ID = /^[A-Za-z0-9]{1,64}$/;
export function isPlatformId(value: unknown): value is string {
  return typeof value === 'string' && PLATFORM_ID.test(value);
}
const idMessage = (v: unknown) => `${JSON.stringify(v).slice(0, 80)} is not a Rescale id (up to 64 letters and digits)`;
export const platformId = z.string().refine(isPlatformId, { error: (iss) => idMessage(iss.input) });

/**
 * A list inside a record (versions, allowed core types, checksums...): elements that do not
 * parse are dropped, so one odd version does not cost the whole software entry. Absent = [].
 */
export function lenientArray<T extends z.ZodType>(item: T) {
  return z
    .array(z.unknown())
    .nullish()
    .transform((xs) =>
      (xs ?? []).flatMap((x) => {
        const r = item.safeParse(x);
        return r.success ? [r.data as z.output<T>] : [];
      }),
    );
}

export const storageRef = z.looseObject({
  id: z.string(),
  storageType: z.string(),
  encryptionType: z.string().nullish(),
  connectionSettings: z
    .record(z.string(), z.unknown())
    .nullish()
    .transform((v) => {
      const out: Record<string, string> = {};
      for (const [k, val] of Object.entries(v ?? {})) if (typeof val === 'string' && val) out[k] = val;
      return out;
    }),
});
export type StorageRefModel = z.output<typeof storageRef>;

export const userProfile = z.looseObject({
  email: z.string(),
  fullName: z.string().nullish(),
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
  company: z.looseObject({ code: z.string().nullish(), name: z.string().nullish() }).nullish(),
  workspace: z.looseObject({ id: z.union([z.string(), z.number()]).nullish(), name: z.string().nullish() }).nullish(),
  defaultStorage: storageRef.nullish(),
});

export const rootFolders = z.looseObject({ myJobs: platformId.nullish(), myLibrary: platformId });

export const storageCredentials = z.looseObject({
  storageType: z.string().nullish(),
  storageDir: z.string().nullish(),
  accessKey: z.string().nullish(),
  secretKey: z.string().nullish(),
  sessionToken: z.string().nullish(),
  expiration: z.string().nullish(),
  sasToken: z.string().nullish(),
  /** Azure: per-blob SAS tokens for the paths asked about (they win over the container's `sasToken`). */
  paths: lenientArray(
    z.looseObject({
      path: z.string().nullish(),
      pathParts: z.looseObject({ container: z.string(), path: z.string() }).nullish(),
      sasToken: z.string().nullish(),
    }),
  ),
});
export type StorageCredentials = z.output<typeof storageCredentials>;

export const fileChecksum = z.looseObject({ hashFunction: z.string(), fileHash: z.string() });

export const fileRecord = z.looseObject({
  id: platformId,
  name: z.string(),
  typeId: z.number().nullish(),
  isUploaded: z.boolean().nullish(),
  isDeleted: z.boolean().nullish(),
  owner: z.string().nullish(),
  path: z.string().nullish(),
  relativePath: z.string().nullish(),
  dateUploaded: nullableString,
  decryptedSize: size.nullish().transform((v) => v ?? 0),
  encodedEncryptionKey: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  iv: z.string().nullish(),
  pathParts: z.looseObject({ container: z.string(), path: z.string() }).nullish(),
  storage: storageRef.nullish(),
  fileChecksums: lenientArray(fileChecksum),
  md5: z.string().nullish(),
  downloadUrl: z.string().nullish(),
});
export type FileRecord = z.output<typeof fileRecord>;

export const folderItem = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('folder'), item: z.looseObject({ id: platformId, name: z.string() }) }),
  z.looseObject({ type: z.literal('file'), item: fileRecord }),
  z.looseObject({ type: z.literal('filesymlink'), item: fileRecord }),
]);

/**
 * One entry of a job's status history; v3 adds notify/preventDuplicates/substatus and may omit
 * id/jobId. Entries are read item by item, and one left out would hide a step of the history:
 * their own ids (never used in a path) are taken as sent, string or number.
 */
export const jobStatusEntry = z.looseObject({
  id: z.union([z.string(), z.number()]).nullish(),
  jobId: z.string().nullish(),
  status: z.string(),
  // A missing date keeps the entry (it sorts just after the status before it), not the whole page.
  statusDate: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  statusReason: nullableString,
});

/**
 * `hardware.coreType` is a code string in v2 bodies and the sandbox, an object `{code, ...}` in
 * v3 and in real job details; both read as the code (null when neither is there).
 */
const coreTypeRef = z
  .union([z.string(), z.looseObject({ code: z.string().nullish() })])
  .nullish()
  .transform((v) => (typeof v === 'string' ? v : (v?.code ?? null)));

/** One analysis of a job detail, as far as Courier reads it (run again, imports). */
export const jobAnalysis = z.looseObject({
  command: z.string().nullish(),
  analysis: z.looseObject({ code: z.string().nullish(), version: z.string().nullish(), name: z.string().nullish() }).nullish(),
  hardware: z.looseObject({ coreType: coreTypeRef, coresPerSlot: z.number().nullish(), slots: z.number().nullish(), walltime: z.number().nullish() }).nullish(),
  inputFiles: lenientArray(z.looseObject({ id: platformId, name: z.string().nullish(), decompress: z.boolean().nullish() })),
  useMpi: z.boolean().nullish(),
  envVars: z.record(z.string(), z.unknown()).nullish(),
});

export const jobRecord = z.looseObject({
  id: platformId,
  name: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  owner: z.string().nullish(),
  dateInserted: nullableString,
  isLowPriority: z.boolean().nullish(),
  jobStatus: z.looseObject({ content: z.string().nullish() }).nullish(),
  jobanalyses: lenientArray(jobAnalysis),
  description: z.string().nullish(),
  // v3 spells it projectId; a v2 body sent as project_id is echoed that way.
  projectId: z.union([z.string(), z.number()]).nullish(),
  project_id: z.union([z.string(), z.number()]).nullish(),
});
export type JobRecord = z.output<typeof jobRecord>;

export const jobRun = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String).pipe(platformId),
  dateStarted: nullableString,
  dateCompleted: nullableString,
  outputFileCount: z.number().nullish(),
  outputFileSize: size.nullish(),
});

/**
 * Real core type records carry no GPU field (code, name, processorInfo, cores, price...); the
 * sandbox and some newer records may add `gpuCount` / `gpusPerNode` / `gpuType`. All are kept.
 */
export const coreType = z.looseObject({
  code: z.string(),
  name: z.string().nullish(),
  cores: lenientArray(z.union([z.number().int().positive(), z.string().regex(/^[1-9]\d*$/)]).transform(Number)),
  isActive: z.boolean().nullish(),
  isDeprecated: z.boolean().nullish(),
  gpuCount: size.nullish(),
  gpusPerNode: size.nullish(),
  gpuType: z.string().nullish(),
  processorInfo: z.string().nullish(),
  memory: z.number().nullish(),
  description: z.string().nullish(),
  // Per core-hour. `price` comes as a number, `lowPriorityPrice` as a string; v3 records and
  // accounts without price access leave them out: unknown, never 0.
  price: z.unknown().optional().transform(parsePrice),
  lowPriorityPrice: z.unknown().optional().transform(parsePrice),
  /** Not sent by the platform today; read when present. */
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/)
    .nullish()
    .catch(null),
});
export type CoreType = z.output<typeof coreType>;

// GPU families and models as they appear in names and processor descriptions
// ("NVIDIA Tesla V100", "A100 80GB", "gpu-kepler").
const GPU_WORDS =
  /\b(gpus?|nvidia|tesla|quadro|kepler|volta|ampere|hopper|radeon|instinct|[vpk]100|k[48]0|m60|t4|l4|l40s?|a10g?|a30|a40|a100|h100|h200|gh200|b200|mi\d{2,3}x?)\b/i;

/** Whether a core type has GPUs: a GPU count when the record has one, else its words. */
export function isGpuCoreType(t: Pick<CoreType, 'code' | 'name' | 'processorInfo' | 'description' | 'gpuCount' | 'gpusPerNode' | 'gpuType'>): boolean {
  const count = t.gpuCount ?? t.gpusPerNode;
  if (count !== null && count !== undefined) return count > 0;
  if (t.gpuType) return true;
  return GPU_WORDS.test([t.code, t.name, t.processorInfo, t.description].filter(Boolean).join(' ').replace(/[-_]/g, ' '));
}

export const analysis = z.looseObject({
  code: z.string(),
  name: z.string().nullish(),
  vendorName: z.string().nullish(),
  versions: lenientArray(
    z.looseObject({
      id: z.union([z.string(), z.number()]).nullish(),
      version: z.string().nullish(),
      versionCode: z.string(),
      allowedCoreTypes: lenientArray(z.string()),
    }),
  ),
});
export type Analysis = z.output<typeof analysis>;

/**
 * A list page. Items stay unknown here: each is parsed on its own with `parseItems`, so one
 * record the platform got wrong costs that record, not the page.
 */
export const listPage = z.looseObject({
  count: size.nullish(),
  // "" is how some answers say "no next page".
  next: z
    .string()
    .nullish()
    .transform((v) => v || null),
  previous: z.string().nullish(),
  results: z.array(z.unknown()),
});
