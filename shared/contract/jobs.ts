import * as z from 'zod';
import {
  absolutePath,
  catalogView,
  jobChanged,
  jobDetail,
  jobSummary,
  launchInput,
  launchRequest,
  monthCost,
  outboxEntry,
  templateDraft,
  templateEntry,
  templateIssue,
} from '../jobs';
import { sweepDownload, sweepPreview, sweepSpec, sweepSummary, sweepView } from '../sweeps';
import { request } from './define';
import { jobsSummary } from './events';
import { jobRecordRequests, templateFromJobRequest } from './job-records';

const byId = z.object({ id: z.string().min(1) });

/** The largest template file `templates.import` takes, in characters: the largest request of the contract (the WebSocket limit is derived from it). */
export const TEMPLATE_IMPORT_MAX_CHARS = 1_000_000;
const sweepRef = z.object({ sweep: z.string().min(1, 'name a sweep (its name or id)') });
const jobRef = z.object({ jobId: z.string().regex(/^[A-Za-z0-9]+$/, 'a Rescale job id is letters and digits, like tGaYS') });

export const jobRequests = {
  templates: {
    /** Saved templates and the built-in presets, each with its problems against the cached catalog. */
    list: request(z.object({}), z.object({ templates: z.array(templateEntry), catalogAgeSeconds: z.number().nullable() })),
    get: request(byId, templateEntry),
    /** Creates (no id, or a new one) or replaces a saved template. Presets cannot be overwritten: duplicate them. */
    save: request(z.object({ template: templateDraft }), templateEntry),
    delete: request(byId, z.object({ deleted: z.boolean() })),
    duplicate: request(byId.extend({ name: z.string().trim().min(1).max(100).optional() }), templateEntry),
    /** Parses an exported template (JSON text); field errors name the field. */
    import: request(
      z.object({ json: z.string().max(TEMPLATE_IMPORT_MAX_CHARS, `a template file is at most ${TEMPLATE_IMPORT_MAX_CHARS.toLocaleString('en')} characters`) }),
      templateEntry,
    ),
    export: request(byId, z.object({ json: z.string(), fileName: z.string() })),
    /** Every problem, by field: the form's own rules, placeholders, and the platform's catalog. */
    validate: request(
      z.object({ template: z.unknown() }),
      z.object({ ok: z.boolean(), issues: z.array(templateIssue), catalogAgeSeconds: z.number().nullable() }),
    ),
    presets: request(z.object({}), z.object({ templates: z.array(templateEntry) })),
    ...templateFromJobRequest,
  },
  catalog: {
    /** Core types and software of the active account's platform, from the disk cache when offline. */
    get: request(z.object({ refresh: z.boolean().default(false) }), catalogView),
  },
  jobs: {
    /** Writes a submission to the outbox (durably) and returns at once; it goes out when the platform answers. */
    launch: request(launchRequest, outboxEntry),
    /** What a local input is before it is launched: a folder goes up as one archive (files and bytes inside). */
    describeInput: request(z.object({ path: absolutePath }), z.object({ kind: z.enum(['file', 'folder']), files: z.number(), bytes: z.number() })),
    /** Recent jobs of the active account plus everything still in the outbox. */
    list: request(
      // `tag`: only jobs with this tag (their tags are read from the platform).
      z.object({ limit: z.number().int().min(1).max(200).default(50), tag: z.string().trim().min(1).max(100).optional() }),
      z.object({
        jobs: z.array(jobSummary),
        outbox: z.array(outboxEntry),
        online: z.boolean(),
        error: z.string().optional(),
        monthCost: monthCost.optional(),
        /** The Jobs badge as of this list: a page opened later than the last jobsSummary event has it too. */
        summary: jobsSummary,
      }),
    ),
    get: request(jobRef, jobDetail),
    /** Watches a job submitted elsewhere (web UI, another tool): status events, notification, outputs on request. */
    follow: request(jobRef.extend({ outputFilters: z.array(z.string().min(1)).optional() }), jobChanged),
    stop: request(jobRef, z.object({ stopping: z.boolean() })),
    cancelQueued: request(byId, outboxEntry),
    editQueued: request(
      byId.extend({
        inputs: z.array(launchInput).max(500).optional(),
        values: z.record(z.string(), z.string()).optional(),
        name: z.string().trim().min(1).max(150).optional(),
      }),
      outboxEntry,
    ),
    /** Sends a failed submission again from where it stopped (a created job is checked before any new submit). */
    retryQueued: request(byId, outboxEntry),
    /** Downloads output files (all, or those matching the globs) into the job's folder. */
    downloadOutputs: request(
      jobRef.extend({ filter: z.array(z.string().min(1)).optional() }),
      // `skipped`: files already in the folder with the same size and SHA-512, not downloaded again.
      z.object({ dir: z.string(), files: z.array(z.string()), transferIds: z.array(z.string()), skipped: z.array(z.string()) }),
    ),
    /** The end of process_output.log: live while it runs where the platform offers it, else once it is written. */
    tailLog: request(
      jobRef.extend({ lines: z.number().int().min(1).max(5000).default(200) }),
      z.object({ available: z.boolean(), source: z.enum(['live', 'output', 'none']), lines: z.array(z.string()), note: z.string().optional() }),
    ),
    ...jobRecordRequests,
    /** The running job's working directory (its active run); `available: false` with a note when there is none. */
    liveFiles: request(
      jobRef,
      z.object({
        available: z.boolean(),
        runId: z.string().nullable(),
        entries: z.array(z.object({ path: z.string(), size: z.number().nullable(), modifiedAt: z.string().nullable() })),
        note: z.string().optional(),
      }),
    ),
    /**
     * Follows a live text file. No cursor: its last `lines` lines. With the previous answer's
     * cursor: only the lines added since (none repeated, none skipped; where a tail cannot tell,
     * `note` says lines may be missing). `restarted`: the file was
     * rewritten or truncated, or a new run began, and the lines handed out so far are replaced (never
     * before the first line: a follow begun before the run or the file existed just goes on);
     * `final`: the job ended, nothing more will come.
     */
    liveTail: request(
      jobRef.extend({
        path: z.string().min(1).default('process_output.log'),
        lines: z.number().int().min(1).max(5000).default(200),
        cursor: z.string().optional(),
      }),
      z.object({ lines: z.array(z.string()), cursor: z.string(), restarted: z.boolean(), final: z.boolean(), note: z.string().optional() }),
    ),
    /** The listed live files, or (no paths) the whole working directory, into the job's folder through the transfer engine. */
    liveDownload: request(
      jobRef.extend({ paths: z.array(z.string().min(1)).max(1000).optional() }),
      z.object({ dir: z.string(), files: z.array(z.string()), transferIds: z.array(z.string()) }),
    ),
  },
  /** Parameter sweeps: a template and a table of rows (CSV or grid), one outbox submission per row. */
  sweeps: {
    /** The expanded jobs, every row validated (placeholders, columns, input files); nothing is queued or sent. */
    preview: request(sweepSpec, sweepPreview),
    /** Queues every row at once (all or none); the same sweep launched again continues it instead of queuing twice. */
    launch: request(sweepSpec, z.object({ sweep: sweepView, resumed: z.boolean() })),
    /** The account's sweeps with their counts (one query; no per-row work). */
    list: request(z.object({}), z.object({ sweeps: z.array(sweepSummary) })),
    /** One row per job: parameters, state, status, and when a waiting row goes out. */
    get: request(sweepRef, sweepView),
    /** Cancels rows not sent yet and stops submitted jobs still under way. */
    stopAll: request(sweepRef, z.object({ cancelled: z.number(), stopping: z.number(), inFlight: z.number() })),
    /** Failed rows go again; rows another process retried first are counted, not an error. */
    retryFailed: request(sweepRef, z.object({ retried: z.number(), alreadyRetried: z.number() })),
    /** The table with each row's job id and final state. */
    exportCsv: request(sweepRef, z.object({ csv: z.string(), fileName: z.string() })),
    /** Every ended row's outputs into <folder>/<sweep name>/rescale_job_<ID>/ (all, or those matching the globs). */
    downloadOutputs: request(sweepRef.extend({ filter: z.array(z.string().min(1)).optional() }), sweepDownload),
  },
};
