// The ONE place a template becomes the platform's job body (POST /api/v2/jobs/). Units and
// types are fixed here and pinned by a contract test: JSON booleans (never "true"), walltime
// in hours as entered (never multiplied), the versionCode as analysis.version, coreType as a
// code string (v2), inputFiles as [{id}] ([{id, decompress: true}] for a folder's archive).
import * as z from 'zod';
import { CourierError } from '../../../shared/errors';
import type { JobTemplate } from '../../../shared/jobs';
import { describeUnknown, fill, knownNames } from './placeholders';

/**
 * A launch's input. `folder` is a local folder: it is packed into one zip, uploaded and
 * registered once, and marked for the platform to unpack, so the command finds `name/` in its
 * working directory (main/core/jobs/archive-inputs.ts). `files`/`bytes` are what it held at launch.
 * With `members`, the item is many loose files bundled the same way (main/core/jobs/bundle.ts):
 * the archive holds just those files at its top level, so the command finds each by its name.
 */
export type LaunchItem =
  | { kind: 'local'; path: string; name: string }
  | { kind: 'folder'; path: string; name: string; files: number; bytes: number; members?: string[] }
  | { kind: 'file'; id: string; name: string };

/** A launch with every placeholder filled: what the outbox stores and sends, whatever happens to the template later. */
export interface ResolvedLaunch {
  templateId: string;
  templateName: string;
  jobName: string;
  command: string;
  env: Record<string, string>;
  analysis: { code: string; version: string };
  hardware: { coreType: string; coresPerSlot: number; slots: number; walltimeHours?: number };
  useMpi: boolean;
  lowPriority: boolean;
  projectId?: string;
  inputs: LaunchItem[];
}

const basename = (p: string): string => p.split(/[\\/]/).filter(Boolean).pop() ?? p;

function localDate(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** Fills the template's placeholders for one launch; errors name the field and the placeholder. */
export function resolveLaunch(
  t: JobTemplate,
  launch: { inputs: LaunchItem[]; values: Record<string, string>; name?: string },
  now = new Date(),
): ResolvedLaunch {
  const inputs = launch.inputs;
  const params: Record<string, string> = {};
  for (const p of t.parameters) {
    const v = launch.values[p.name] ?? p.default;
    if (v === undefined) throw new CourierError('invalid_input', `Enter a value for "${p.label ?? p.name}" ({${p.name}}).`, { field: `values.${p.name}` });
    params[p.name] = v;
  }
  const extra = Object.keys(launch.values).filter((k) => !t.parameters.some((p) => p.name === k));
  if (extra.length)
    throw new CourierError('invalid_input', `The template has no parameter${extra.length > 1 ? 's' : ''} ${extra.map((e) => `{${e}}`).join(', ')}.`, {
      field: `values.${extra[0]}`,
    });

  const builtins: Record<string, string> = { template: t.name, date: localDate(now) };
  if (inputs[0]) builtins.input = inputs[0].name;
  if (inputs.length) builtins.inputs = inputs.map((i) => i.name).join(' ');
  const known = knownNames(t);
  const fillField = (field: string, text: string, values: Record<string, string>): string => {
    const r = fill(text, values);
    if (r.unknown.length === 0) return r.text;
    const needsInput = r.unknown.filter((u) => u === 'input' || u === 'inputs');
    if (needsInput.length && !inputs.length)
      throw new CourierError('invalid_input', `${field} uses {${needsInput[0]}}, so the job needs at least one input file.`, { field: 'inputs' });
    if (r.unknown.includes('name')) throw new CourierError('invalid_input', `${field} cannot use {name}: it is the job's name itself.`, { field });
    throw new CourierError('invalid_input', `${field}: ${describeUnknown(r.unknown, known)}.`, { field });
  };
  const values = { ...params, ...builtins };
  const jobName = fillField('jobName', launch.name ?? t.jobName, values).trim();
  if (!jobName) throw new CourierError('invalid_input', 'The job name is empty once its placeholders are filled.', { field: 'jobName' });
  const withName = { ...values, name: jobName };
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(t.env)) env[k] = fillField(`env.${k}`, v, withName);
  return {
    templateId: t.id,
    templateName: t.name,
    jobName,
    command: fillField('command', t.command, withName),
    env,
    analysis: { code: t.analysis.code, version: t.analysis.version },
    hardware: {
      coreType: t.hardware.coreType,
      coresPerSlot: t.hardware.coresPerSlot,
      slots: t.hardware.slots,
      ...(t.hardware.walltimeHours !== undefined ? { walltimeHours: t.hardware.walltimeHours } : {}),
    },
    useMpi: t.useMpi,
    lowPriority: t.lowPriority,
    ...(t.projectId ? { projectId: t.projectId } : {}),
    inputs,
  };
}

/** Template inputs first, then the launch's; names are what {input} / {inputs} stand for. */
export function launchItems(t: JobTemplate, extra: ({ path: string } | { fileId: string; name?: string })[]): LaunchItem[] {
  const fromTemplate: LaunchItem[] = t.inputs.map((i) =>
    i.kind === 'local' ? { kind: 'local', path: i.path, name: basename(i.path) } : { kind: 'file', id: i.id, name: i.name ?? i.id },
  );
  const fromLaunch: LaunchItem[] = extra.map((i) =>
    'path' in i ? { kind: 'local', path: i.path, name: basename(i.path) } : { kind: 'file', id: i.fileId, name: i.name ?? i.fileId },
  );
  return [...fromTemplate, ...fromLaunch];
}

/** The submission's marker in the job name: the only field the platform's job list returns. */
export function nameWithMarker(jobName: string, marker: string): string {
  return `${jobName} [${marker}]`;
}

const v2Body = z.strictObject({
  name: z.string().min(1),
  description: z.string(),
  isLowPriority: z.boolean(),
  jobanalyses: z
    .array(
      z.strictObject({
        analysis: z.strictObject({ code: z.string().min(1), version: z.string().min(1) }),
        command: z.string().min(1),
        useMpi: z.boolean(),
        hardware: z.strictObject({
          coreType: z.string().min(1),
          coresPerSlot: z.number().int().min(1),
          slots: z.number().int().min(1),
          walltime: z.number().int().min(1).max(336).optional(),
        }),
        inputFiles: z.array(z.strictObject({ id: z.string().min(1), decompress: z.literal(true).optional() })),
        envVars: z.record(z.string(), z.string()),
      }),
    )
    .length(1),
  project_id: z.string().optional(),
});
export type V2JobBody = z.output<typeof v2Body>;

/** The create body. `fileIds` are the inputs' Rescale file ids, in input order. */
export function buildCreateBody(r: ResolvedLaunch, fileIds: string[], marker: string, submissionId: string): V2JobBody {
  if (fileIds.length !== r.inputs.length) throw new CourierError('internal', `Expected ${r.inputs.length} input file ids, got ${fileIds.length}.`);
  const body = {
    name: nameWithMarker(r.jobName, marker),
    description: `Launched by Courier from the template "${r.templateName}". courier-submission:${submissionId}`,
    isLowPriority: r.lowPriority,
    jobanalyses: [
      {
        analysis: { code: r.analysis.code, version: r.analysis.version },
        command: r.command,
        useMpi: r.useMpi,
        hardware: {
          coreType: r.hardware.coreType,
          coresPerSlot: r.hardware.coresPerSlot,
          slots: r.hardware.slots,
          ...(r.hardware.walltimeHours !== undefined ? { walltime: r.hardware.walltimeHours } : {}),
        },
        // A folder's archive is unpacked by the platform in the working directory before the
        // command runs. v3 documents `decompress` on inputFiles; Rescale's own CLI sends it to
        // v2 as well (docs/rescale-protocol.md §1.4).
        inputFiles: fileIds.map((id, i) => (r.inputs[i]?.kind === 'folder' ? { id, decompress: true as const } : { id })),
        envVars: { ...r.env },
      },
    ],
    // The v2 API's spelling as the Nextflow executor sends it (rescale-protocol.md §1.4).
    ...(r.projectId ? { project_id: r.projectId } : {}),
  };
  return v2Body.parse(body); // a self-check: a wrong type here is our bug, caught before it reaches the platform
}
