// Job templates and the views of jobs and queued submissions, shared by main (which enforces
// them) and the renderer (which validates forms with the same rules before sending).
import * as z from 'zod';

export const TEMPLATE_VERSION = 1;

/** From this many loose local files on, a launch bundles them into one archive (main/core/jobs/bundle.ts). */
const BUNDLE_MIN_FILES = 5;

/**
 * The bundle's name on the platform. Unpacked in the working directory where the archive itself
 * lies, a member of the same name would overwrite it while it is read.
 */
export const BUNDLE_ARCHIVE = 'courier-inputs.zip';

/**
 * Whether loose local files of these names go up as one archive: enough of them, and names that
 * can sit side by side at the archive's top level (none twice, none the archive's own). The launch
 * and the launch dialog's note both ask this.
 */
export function bundlesLooseFiles(names: string[]): boolean {
  const distinct = new Set(names);
  return names.length >= BUNDLE_MIN_FILES && distinct.size === names.length && !distinct.has(BUNDLE_ARCHIVE);
}

/** `{name}` placeholders: letters, digits and _, not starting with a digit. */
export const PLACEHOLDER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Filled by Courier at launch; everything else must be a declared parameter. */
export const BUILTIN_PLACEHOLDERS = ['input', 'inputs', 'name', 'template', 'date'] as const;

export const absolutePath = z
  .string()
  .min(1, 'choose a file')
  .regex(/^(\/|[A-Za-z]:[\\/]|\\\\)/, 'use a full path (e.g. /home/me/run.sh or C:\\work\\run.sh)');

export const templateInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local'), path: absolutePath }),
  z.object({
    kind: z.literal('file'),
    id: z.string().regex(/^[A-Za-z0-9]+$/, 'a Rescale file id is letters and digits, like JVHffb'),
    name: z.string().optional(),
  }),
]);

export const templateParameter = z.object({
  name: z.string().regex(PLACEHOLDER_NAME, 'use letters, digits and _ (not starting with a digit)'),
  label: z.string().max(100).optional(),
  default: z.string().max(1000).optional(),
});

export const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment variable names use letters, digits and _ (not starting with a digit)');

export const notifyChoice = z.enum(['all', 'failures', 'none']);

/** One job analysis as a reusable, versioned template. Units are stated in the field names. */
export const jobTemplate = z.object({
  version: z.literal(TEMPLATE_VERSION).default(TEMPLATE_VERSION),
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'use lower-case letters, digits and -'),
  /** Shown in the template picker. */
  name: z.string().trim().min(1, 'give the template a name').max(100),
  description: z.string().max(2000).default(''),
  /** The Rescale job's name; placeholders allowed. */
  jobName: z.string().trim().min(1, 'give the job a name').max(150),
  analysis: z.object({
    code: z.string().trim().min(1, 'choose the software'),
    /** The platform's versionCode (e.g. 1.22.0-cuda8-gpu-centos), never the display version. */
    version: z.string().trim().min(1, 'choose a version'),
  }),
  hardware: z.object({
    coreType: z.string().trim().min(1, 'choose a core type'),
    coresPerSlot: z.number().int('cores per slot is a whole number').min(1, 'at least 1 core per slot'),
    slots: z.number().int('slots is a whole number').min(1, 'at least 1 slot').default(1),
    /** Hours, sent as is (never converted). 336 h = 14 days is the platform's usual ceiling. */
    walltimeHours: z
      .number()
      .int('walltime is a whole number of hours')
      .min(1, 'at least 1 hour')
      .max(336, 'walltime is in hours: at most 336 (14 days)')
      .optional(),
  }),
  command: z.string().trim().min(1, 'enter the command to run'),
  useMpi: z.boolean().default(false),
  inputs: z.array(templateInput).max(500).default([]),
  lowPriority: z.boolean().default(false),
  env: z
    .record(z.string(), z.string().max(10_000))
    .superRefine((env, ctx) => {
      for (const k of Object.keys(env)) {
        const r = envVarName.safeParse(k);
        if (!r.success) ctx.addIssue({ code: 'custom', path: [k], message: r.error.issues[0]?.message ?? 'invalid name' });
      }
    })
    .default({}),
  projectId: z.string().trim().min(1).optional(),
  parameters: z.array(templateParameter).max(50).default([]),
  outputs: z
    .object({
      autoDownload: z.boolean().default(true),
      /** Shell-style globs over file names (as `rescale.jar sync -f "*.log"`); a glob with / matches the relative path. */
      filters: z.array(z.string().trim().min(1, 'a filter cannot be empty')).max(50).default(['*.log']),
      /** Parent folder for rescale_job_<id>/; empty = the download folder from Settings. */
      folder: z.string().default(''),
    })
    .prefault({}),
  notify: notifyChoice.default('all'),
  createdAt: z.number().optional(),
  updatedAt: z.number().optional(),
});
export type JobTemplate = z.output<typeof jobTemplate>;
export type JobTemplateInput = z.input<typeof jobTemplate>;

/** A template as the UI sends it for saving: the id may be left out for a new one. */
export const templateDraft = jobTemplate.extend({ id: jobTemplate.shape.id.optional() });
export type TemplateDraft = z.input<typeof templateDraft>;

export const templateIssue = z.object({ field: z.string(), message: z.string() });
export type TemplateIssue = z.infer<typeof templateIssue>;

export const templateEntry = z.object({
  template: jobTemplate,
  builtIn: z.boolean(),
  /** Problems against the (cached) catalog; empty when valid or when no catalog is known yet. */
  issues: z.array(templateIssue),
});
export type TemplateEntry = z.infer<typeof templateEntry>;

/** The export file: self-describing so an import can say what it is not. */
export const templateExport = z.object({ format: z.literal('courier-job-template'), version: z.literal(TEMPLATE_VERSION), template: jobTemplate });

// ---------------------------------------------------------------------------------- catalog

export const catalogCoreType = z.object({
  code: z.string(),
  name: z.string(),
  cores: z.array(z.number()),
  gpu: z.boolean(),
  description: z.string().optional(),
  /** Per core-hour in the catalog's currency; null or absent = price not available. */
  price: z.number().nullable().optional(),
  lowPriorityPrice: z.number().nullable().optional(),
});
export const catalogAnalysis = z.object({
  code: z.string(),
  name: z.string(),
  versions: z.array(z.object({ version: z.string(), versionCode: z.string(), allowedCoreTypes: z.array(z.string()) })),
});
export const catalogView = z.object({
  coreTypes: z.array(catalogCoreType),
  analyses: z.array(catalogAnalysis),
  fetchedAt: z.number(),
  ageSeconds: z.number(),
  /** Served from the disk cache because the platform could not be asked (the reason is in `error`). */
  stale: z.boolean(),
  error: z.string().optional(),
  /** Catalog records the platform sent that could not be read and were left out (a quiet warning). */
  skipped: z.object({ coreTypes: z.number(), analyses: z.number() }).optional(),
  /** Currency of the prices (ISO 4217); absent in caches written before prices were kept. */
  currency: z.string().optional(),
});
export type CatalogView = z.infer<typeof catalogView>;

// ---------------------------------------------------------------------------------- launches

export const launchInput = z.union([
  z.object({ path: absolutePath }),
  /** `name` (when the caller knows it) saves a lookup if a placeholder needs it. */
  z.object({ fileId: z.string().regex(/^[A-Za-z0-9]+$/, 'a Rescale file id is letters and digits'), name: z.string().optional() }),
]);
export type LaunchInput = z.infer<typeof launchInput>;

export const launchRequest = z.object({
  /** A template id, a preset id ("chainer") or a template name. */
  templateId: z.string().min(1),
  /** Added to the template's own inputs. */
  inputs: z.array(launchInput).max(500).default([]),
  /** Values of the template's parameters (and overrides of their defaults). */
  values: z.record(z.string(), z.string()).default({}),
  /** Overrides the template's job name (placeholders allowed). */
  name: z.string().trim().min(1).max(150).optional(),
  /** Parent folder for rescale_job_<ID>/ for this launch (the CLI passes its working folder). */
  outputFolder: z.string().min(1).optional(),
  /** The project for this launch, over the template's ('' = none). */
  projectId: z.string().trim().max(100).optional(),
});

export const submissionState = z.enum(['queued', 'uploading', 'creating', 'created', 'submitting', 'submitted', 'failed', 'cancelled']);
export type SubmissionState = z.infer<typeof submissionState>;

export const outboxEntry = z.object({
  id: z.string(),
  seq: z.number(),
  accountId: z.string(),
  templateId: z.string(),
  templateName: z.string(),
  jobName: z.string(),
  state: submissionState,
  /** Why a not-yet-sent submission is not moving: no connection, an upload, its turn, a retry. */
  waiting: z.enum(['connection', 'upload', 'turn', 'retry']).nullable(),
  jobId: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  inputs: z.array(
    z.object({
      name: z.string(),
      path: z.string().optional(),
      fileId: z.string().optional(),
      /** A local folder: it goes up as one archive the platform unpacks (files and bytes inside). */
      /** `loose`: many loose files bundled, unpacked at the top of the working directory. */
      archive: z.object({ files: z.number(), bytes: z.number(), loose: z.boolean().optional(), reused: z.boolean().optional() }).optional(),
    }),
  ),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type OutboxEntry = z.infer<typeof outboxEntry>;

// ---------------------------------------------------------------------------------- jobs

export const jobStatusItem = z.object({ status: z.string(), statusDate: z.string(), statusReason: z.string().nullable() });
export type JobStatusItem = z.infer<typeof jobStatusItem>;

/** What a status history means (rescale-protocol.md §4): Completed after Stopping = stopped. */
export const jobOutcome = z.enum(['not_submitted', 'running', 'completed', 'failed', 'stopped']);
export type JobOutcome = z.infer<typeof jobOutcome>;

export const outputsState = z.enum(['none', 'pending', 'downloading', 'done', 'failed']);

export const jobSummary = z.object({
  jobId: z.string(),
  name: z.string(),
  /** The platform's current status ('' before submission). */
  status: z.string(),
  outcome: jobOutcome,
  dateInserted: z.string().nullable(),
  /** Courier watches it (launched here or followed). */
  followed: z.boolean(),
  submissionId: z.string().nullable(),
  templateId: z.string().nullable(),
  /** The job's tags, when they were read (a list filtered by tag). */
  tags: z.array(z.string()).optional(),
});
export type JobSummary = z.infer<typeof jobSummary>;

export const jobChanged = jobSummary.extend({
  /** Newest first, as the platform returns it. */
  history: z.array(jobStatusItem),
  /** `filters`: the globs the automatic download kept to (absent: it took every file or did not run). */
  outputs: z.object({ state: outputsState, dir: z.string().nullable(), files: z.number(), filters: z.array(z.string()).optional() }),
});
export type JobChanged = z.infer<typeof jobChanged>;

/** What a job costs, from the catalog's prices and its status history (shared/cost.ts). */
export const jobCost = z.object({
  coreType: z.string(),
  cores: z.number(),
  lowPriority: z.boolean(),
  /** Per hour of the whole job; null = price not available. */
  hourly: z.number().nullable(),
  currency: z.string(),
  /** When it started running and when it ended (epoch ms), for a figure that moves while it runs. */
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  /** At the time of the answer; final once `endedAt` is set. */
  soFar: z.number().nullable(),
  walltimeHours: z.number().nullable(),
});
export type JobCost = z.infer<typeof jobCost>;

/** Month to date of the jobs Courier knows (launched or followed here) that ran this month. */
export const monthCost = z.object({
  /** null when no job of the month has a known price. */
  total: z.number().nullable(),
  currency: z.string(),
  /** Start of the month (epoch ms, local time of the core). */
  since: z.number(),
  jobs: z.number(),
  /** Jobs of the month whose price is not available (not in the total). */
  unpriced: z.number(),
});
export type MonthCost = z.infer<typeof monthCost>;

export const jobDetail = jobChanged.extend({
  /** Absent when the job's hardware is not known (offline, a job Courier never saw). */
  cost: jobCost.optional(),
  inputs: z.array(z.object({ id: z.string(), name: z.string() })),
  outputFiles: z.array(z.object({ id: z.string(), name: z.string(), relativePath: z.string(), size: z.number() })),
  outbox: outboxEntry.nullable(),
});
export type JobDetail = z.infer<typeof jobDetail>;

export const notificationPayload = z.object({
  title: z.string(),
  body: z.string(),
  jobId: z.string().optional(),
  level: z.enum(['info', 'warn', 'error']).default('info'),
});
export type NotificationPayload = z.output<typeof notificationPayload>;
