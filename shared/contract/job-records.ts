// Any platform job as a template, run again through the outbox; projects and job tags.
import * as z from 'zod';
import { jobTemplate, launchInput, outboxEntry, templateDraft, templateEntry, templateIssue } from '../jobs';
import { request } from './define';

const jobRef = z.object({ jobId: z.string().regex(/^[A-Za-z0-9]+$/, 'a Rescale job id is letters and digits, like tGaYS') });
const tagName = z.string().trim().min(1, 'a tag cannot be empty').max(100, 'a tag is at most 100 characters');
const hw = jobTemplate.shape.hardware.shape;

/** Changes to a job's record for the new run; anything left out is as the job had it. */
export const rerunEdits = z.object({
  command: jobTemplate.shape.command.optional(),
  coreType: hw.coreType.optional(),
  coresPerSlot: hw.coresPerSlot.optional(),
  slots: z.number().int().min(1).optional(),
  walltimeHours: z.number().int().min(1).max(336).optional(),
  lowPriority: z.boolean().optional(),
  /** '' = no project. */
  projectId: z.string().trim().optional(),
});
export type RerunEdits = z.infer<typeof rerunEdits>;

export const jobRecordRequests = {
  /** A job's record (any job, not only Courier's) as a template draft that validates against the catalog. */
  toTemplate: request(jobRef, z.object({ draft: templateDraft, issues: z.array(templateIssue), notes: z.array(z.string()) })),
  /** The job again, with edits, through the outbox (exactly once); platform inputs are reused by id. */
  rerun: request(
    jobRef.extend({
      name: z.string().trim().min(1).max(150).optional(),
      /** Replace the job's inputs (absent: the same platform files, by id). */
      inputs: z.array(launchInput).max(500).optional(),
      edits: rerunEdits.optional(),
      /** Parent folder for rescale_job_<ID>/ (the CLI passes its working folder). */
      outputFolder: z.string().min(1).optional(),
    }),
    outboxEntry,
  ),
  /** Projects of the account ('available: false' = the platform has none or could not be asked: type an id). */
  projects: request(
    z.object({}),
    z.object({ available: z.boolean(), projects: z.array(z.object({ id: z.string(), name: z.string() })), error: z.string().optional() }),
  ),
  tags: request(jobRef, z.object({ tags: z.array(z.string()) })),
  /** Adds and removes tags on the platform; answers the job's tags afterwards. */
  setTags: request(
    jobRef.extend({ add: z.array(tagName).max(50).default([]), remove: z.array(tagName).max(50).default([]) }),
    z.object({ tags: z.array(z.string()) }),
  ),
};

export const templateFromJobRequest = {
  /** Saves a job's record as a new template (it must validate against the catalog). */
  fromJob: request(jobRef.extend({ name: z.string().trim().min(1).max(100).optional() }), templateEntry),
};
