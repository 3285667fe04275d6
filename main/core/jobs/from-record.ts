// Any platform job (launched by Courier or not) read back as a template draft: its software,
// hardware, command, inputs (platform files, reused by id), environment and project. A record
// that does not say what Courier needs to run it again is refused with what is missing.
import { CourierError } from '../../../shared/errors';
import { envVarName, jobTemplate, type CatalogView, type TemplateDraft, type TemplateIssue } from '../../../shared/jobs';
import type { JobRecord } from '../rescale/models';
import { displayName } from '../notify/messages';
import { catalogIssues, placeholderIssues, zodIssues } from './validate';

type Catalog = Pick<CatalogView, 'coreTypes' | 'analyses'>;

export interface RecordDraft {
  draft: TemplateDraft;
  /** Problems of the draft against the form's rules and the catalog (empty when it can run as is). */
  issues: TemplateIssue[];
  /** What was left out or changed on the way, in words. */
  notes: string[];
}

/**
 * Braces in a command the platform ran are literal: written `{{`/`}}` so they are not read as
 * Courier placeholders. `${VAR}` stays as it is (placeholders leave it alone already).
 */
export function escapeBraces(text: string): string {
  return text.replace(/\$\{[^}]*\}|\{|\}/g, (m) => (m === '{' ? '{{' : m === '}' ? '}}' : m));
}

function unreadable(jobId: string, what: string, field: string): CourierError {
  return new CourierError('invalid_input', `Job ${jobId} cannot be run again from its record: ${what}.`, { field });
}

/** The one analysis of the record, with everything a run needs present (else a specific error). */
function readAnalysis(rec: JobRecord) {
  const list = rec.jobanalyses;
  if (list.length === 0) throw unreadable(rec.id, 'it lists no analysis (jobanalyses is empty), so the software is unknown', 'jobanalyses');
  if (list.length > 1) throw unreadable(rec.id, `it has ${list.length} analyses and a Courier template runs one`, 'jobanalyses');
  const a = list[0]!;
  const code = a.analysis?.code?.trim();
  if (!code) throw unreadable(rec.id, 'it names no software (jobanalyses[0].analysis.code is missing)', 'analysis.code');
  const version = a.analysis?.version?.trim();
  if (!version) throw unreadable(rec.id, `it names no version of ${code} (jobanalyses[0].analysis.version is missing)`, 'analysis.version');
  if (!a.hardware) throw unreadable(rec.id, 'it has no hardware (jobanalyses[0].hardware is missing)', 'hardware');
  const coreType = a.hardware.coreType?.trim();
  if (!coreType) throw unreadable(rec.id, 'it names no core type (jobanalyses[0].hardware.coreType is missing)', 'hardware.coreType');
  const cores = a.hardware.coresPerSlot;
  if (!cores || !Number.isInteger(cores) || cores < 1)
    throw unreadable(rec.id, 'it has no cores per slot (jobanalyses[0].hardware.coresPerSlot is missing)', 'hardware.coresPerSlot');
  const command = a.command?.trim();
  if (!command) throw unreadable(rec.id, 'it has no command (jobanalyses[0].command is empty)', 'command');
  return { a, code, version, coreType, cores, command };
}

/** The software and core type must exist on this platform; anything finer is an issue to fix in the form. */
function checkCatalog(rec: JobRecord, code: string, coreType: string, catalog: Catalog): void {
  const sw = catalog.analyses.find((x) => x.code === code);
  if (!sw)
    throw unreadable(
      rec.id,
      `its software "${code}" is not in this platform's software catalog (${catalog.analyses.length} entries; refresh the catalog if it was added lately)`,
      'analysis.code',
    );
  if (!catalog.coreTypes.some((c) => c.code === coreType)) {
    throw unreadable(
      rec.id,
      `its core type "${coreType}" is not among this platform's active core types (${catalog.coreTypes.map((c) => c.code).join(', ') || 'none'})`,
      'hardware.coreType',
    );
  }
}

function readEnv(raw: Record<string, unknown> | null | undefined, notes: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw ?? {})) {
    if (!envVarName.safeParse(k).success) notes.push(`environment variable "${k}" left out: its name is not one a template can hold`);
    else if (v === null || v === undefined) continue;
    else env[k] = escapeBraces(typeof v === 'string' ? v : JSON.stringify(v));
  }
  return env;
}

function readWalltime(hours: number | null | undefined, notes: string[]): { walltimeHours?: number } {
  if (hours === null || hours === undefined || hours === 0) return {};
  if (Number.isInteger(hours) && hours >= 1 && hours <= 336) return { walltimeHours: hours };
  notes.push(`walltime ${hours} h left out: a template takes whole hours from 1 to 336`);
  return {};
}

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Turns a job record into a template draft; `catalog` null = not checked (no catalog known). */
export function draftFromRecord(rec: JobRecord, catalog: Catalog | null, opts: { name?: string } = {}): RecordDraft {
  const { a, code, version, coreType, cores, command } = readAnalysis(rec);
  if (catalog) checkCatalog(rec, code, coreType, catalog);
  const notes: string[] = [];
  const jobName = displayName(rec.name).trim() || `job ${rec.id}`;
  const project = rec.projectId ?? rec.project_id;
  if (a.inputFiles.some((f) => f.decompress)) notes.push('inputs the platform unpacked (decompress) are sent as plain files');
  const draft: TemplateDraft = {
    name: clip(opts.name?.trim() || `${jobName} (job ${rec.id})`, 100),
    description: `From job ${rec.id} ("${clip(jobName, 200)}").`,
    jobName: clip(escapeBraces(jobName), 150),
    analysis: { code, version },
    hardware: {
      coreType,
      coresPerSlot: cores,
      slots: a.hardware?.slots && a.hardware.slots > 0 ? a.hardware.slots : 1,
      ...readWalltime(a.hardware?.walltime, notes),
    },
    command: escapeBraces(command),
    useMpi: a.useMpi ?? false,
    inputs: a.inputFiles.map((f) => ({ kind: 'file' as const, id: f.id, ...(f.name ? { name: f.name } : {}) })),
    lowPriority: rec.isLowPriority ?? false,
    env: readEnv(a.envVars, notes),
    ...(project !== null && project !== undefined && String(project).trim() ? { projectId: String(project).trim() } : {}),
  };
  return { draft, issues: draftIssues(draft, catalog), notes };
}

/** Every problem of a draft: the form's rules, placeholders, then the catalog. */
export function draftIssues(draft: TemplateDraft, catalog: Catalog | null): TemplateIssue[] {
  const parsed = jobTemplate.safeParse({ ...draft, id: draft.id ?? 'from-job' });
  if (!parsed.success) return zodIssues(parsed.error);
  return [...placeholderIssues(parsed.data), ...(catalog ? catalogIssues(parsed.data, catalog) : [])];
}
