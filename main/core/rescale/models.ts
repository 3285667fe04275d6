import { z } from 'zod';

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

const size = z.union([z.number(), z.string().regex(/^\d+$/)]).transform(Number);
const nullableString = z.string().nullish().transform((v) => v ?? null);

export const storageRef = z.looseObject({
  id: z.string(),
  storageType: z.string(),
  encryptionType: z.string().nullish(),
  connectionSettings: z.record(z.string(), z.unknown()).nullish().transform((v) => {
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
export type UserProfile = z.output<typeof userProfile>;

export const rootFolders = z.looseObject({ myJobs: z.string().nullish(), myLibrary: z.string() });

export const storageCredentials = z.looseObject({
  storageType: z.string().nullish(),
  storageDir: z.string().nullish(),
  accessKey: z.string().nullish(),
  secretKey: z.string().nullish(),
  sessionToken: z.string().nullish(),
  expiration: z.string().nullish(),
  sasToken: z.string().nullish(),
});
export type StorageCredentials = z.output<typeof storageCredentials>;

export const fileChecksum = z.looseObject({ hashFunction: z.string(), fileHash: z.string() });

export const fileRecord = z.looseObject({
  id: z.string(),
  name: z.string(),
  typeId: z.number().nullish(),
  isUploaded: z.boolean().nullish(),
  isDeleted: z.boolean().nullish(),
  owner: z.string().nullish(),
  path: z.string().nullish(),
  relativePath: z.string().nullish(),
  dateUploaded: nullableString,
  decryptedSize: size.nullish().transform((v) => v ?? 0),
  encodedEncryptionKey: z.string().nullish().transform((v) => v ?? ''),
  iv: z.string().nullish(),
  pathParts: z.looseObject({ container: z.string(), path: z.string() }).nullish(),
  storage: storageRef.nullish(),
  fileChecksums: z.array(fileChecksum).nullish().transform((v) => v ?? []),
  md5: z.string().nullish(),
  downloadUrl: z.string().nullish(),
});
export type FileRecord = z.output<typeof fileRecord>;

export const folderItem = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('folder'), item: z.looseObject({ id: z.string(), name: z.string() }) }),
  z.looseObject({ type: z.literal('file'), item: fileRecord }),
  z.looseObject({ type: z.literal('filesymlink'), item: fileRecord }),
]);

/** One entry of a job's status history; v3 adds notify/preventDuplicates/substatus and may omit id/jobId. */
export const jobStatusEntry = z.looseObject({
  id: z.union([z.string(), z.number()]).nullish(),
  jobId: z.string().nullish(),
  status: z.string(),
  // A missing date keeps the entry (it sorts just after the status before it), not the whole page.
  statusDate: z.string().nullish().transform((v) => v ?? ''),
  statusReason: nullableString,
});
export type JobStatusEntry = z.output<typeof jobStatusEntry>;

export const jobRecord = z.looseObject({
  id: z.string(),
  name: z.string().nullish().transform((v) => v ?? ''),
  owner: z.string().nullish(),
  dateInserted: nullableString,
  isLowPriority: z.boolean().nullish(),
  jobStatus: z.looseObject({ content: z.string().nullish() }).nullish(),
  jobanalyses: z.array(z.looseObject({})).nullish(),
  description: z.string().nullish(),
});
export type JobRecord = z.output<typeof jobRecord>;

export const jobRun = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  dateStarted: nullableString,
  dateCompleted: nullableString,
  outputFileCount: z.number().nullish(),
  outputFileSize: size.nullish(),
});

export const coreType = z.looseObject({
  code: z.string(),
  name: z.string(),
  cores: z.array(z.number()).nullish().transform((v) => v ?? []),
  isActive: z.boolean().nullish(),
  isDeprecated: z.boolean().nullish(),
  gpuCount: z.number().nullish(),
  processorInfo: z.string().nullish(),
  memory: z.number().nullish(),
  description: z.string().nullish(),
});
export type CoreType = z.output<typeof coreType>;

export const analysis = z.looseObject({
  code: z.string(),
  name: z.string(),
  vendorName: z.string().nullish(),
  versions: z
    .array(
      z.looseObject({
        id: z.union([z.string(), z.number()]).nullish(),
        version: z.string().nullish(),
        versionCode: z.string(),
        allowedCoreTypes: z.array(z.string()).nullish().transform((v) => v ?? []),
      }),
    )
    .nullish()
    .transform((v) => v ?? []),
});
export type Analysis = z.output<typeof analysis>;

export const page = <T extends z.ZodType>(item: T) =>
  z.looseObject({ count: z.number().nullish(), next: z.string().nullish(), previous: z.string().nullish(), results: z.array(item) });
