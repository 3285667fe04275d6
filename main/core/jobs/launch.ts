// Turning a launch (template + inputs + values) into an outbox row, and the user's changes to
// rows not yet sent (edit, cancel, retry). Everything a person could get wrong is checked here,
// before anything is queued, with the field named.
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { CourierError } from '../../../shared/errors';
import type { CatalogView, JobTemplate, LaunchInput } from '../../../shared/jobs';
import type { RescaleApi } from '../rescale/api';
import { walkTree } from '../archive/walk';
import { bundleLooseFiles, sameMembers } from './bundle';
import { newMarker } from './marker';
import { EDITABLE_STATES, type InputProgress, type OutboxStore, type Submission, type SubmissionOptions, type SubmissionSource } from './outbox-store';
import { launchItems, resolveLaunch, type LaunchItem, type ResolvedLaunch } from './payload';
import { placeholderFields, placeholdersIn } from './placeholders';
import { catalogIssues, issuesSentence } from './validate';

export interface LaunchContext {
  accountId: string;
  api: RescaleApi;
  catalog: CatalogView | null;
}

/**
 * Local inputs must exist now. A folder becomes a `folder` item (it travels as one archive); it
 * is walked here so a link or an unreadable file inside is reported at launch, with its path.
 */
async function checkLocalFiles(items: LaunchItem[]): Promise<LaunchItem[]> {
  const out: LaunchItem[] = [];
  for (const [i, it] of items.entries()) {
    if (it.kind === 'file') {
      out.push(it);
      continue;
    }
    const st = await stat(it.path).catch(() => null);
    if (!st) throw new CourierError('local_file', `Input file ${it.path} does not exist. Check the path.`, { field: `inputs.${i}` });
    if (st.isDirectory()) {
      const tree = await walkTree(it.path).catch((e: unknown) => {
        throw e instanceof CourierError ? new CourierError(e.code, e.message, { field: `inputs.${i}` }) : e;
      });
      if (tree.files === 0)
        throw new CourierError('local_file', `The folder ${it.path} has no files in it: put the job's input files there, or name another folder.`, {
          field: `inputs.${i}`,
        });
      out.push({ kind: 'folder', path: it.path, name: it.name, files: tree.files, bytes: tree.bytes });
    } else if (st.isFile()) out.push({ kind: 'local', path: it.path, name: it.name });
    else throw new CourierError('local_file', `${it.path} is neither a file nor a folder.`, { field: `inputs.${i}` });
  }
  return out;
}

/** {input}/{inputs} need names; a Rescale file id given without one is looked up. */
async function nameFileInputs(t: JobTemplate, items: LaunchItem[], api: RescaleApi): Promise<LaunchItem[]> {
  const used = placeholderFields(t).flatMap((f) => placeholdersIn(f.text));
  if (!used.includes('input') && !used.includes('inputs')) return items;
  return Promise.all(
    items.map(async (it, i) => {
      if (it.kind !== 'file' || it.name !== it.id || (i > 0 && !used.includes('inputs'))) return it;
      try {
        return { ...it, name: (await api.getFile(it.id)).name };
      } catch (e) {
        throw new CourierError(
          e instanceof CourierError && e.code === 'not_found' ? 'not_found' : 'offline',
          `Courier needs the name of file ${it.id} for {input} and could not read it (${(e as Error).message}).`,
          { field: `inputs.${i}` },
        );
      }
    }),
  );
}

export async function resolveSource(src: SubmissionSource, ctx: LaunchContext): Promise<ResolvedLaunch> {
  const t = src.template;
  const items = await checkLocalFiles(await nameFileInputs(t, launchItems(t, src.inputs), ctx.api));
  const filled = resolveLaunch(t, { inputs: items, values: src.values, ...(src.name ? { name: src.name } : {}) });
  const resolved = { ...filled, inputs: await bundleLooseFiles(filled.inputs) };
  if (ctx.catalog) {
    const issues = catalogIssues(t, ctx.catalog);
    if (issues.length)
      throw new CourierError('invalid_input', `The template "${t.name}" does not fit the platform: ${issuesSentence(issues)}`, {
        field: issues[0]?.field ?? 'template',
      });
  }
  return resolved;
}

export function optionsOf(t: JobTemplate): SubmissionOptions {
  const hw = t.hardware;
  const hardware = {
    coreType: hw.coreType,
    coresPerSlot: hw.coresPerSlot,
    slots: hw.slots,
    lowPriority: t.lowPriority,
    ...(hw.walltimeHours !== undefined ? { walltimeHours: hw.walltimeHours } : {}),
  };
  return { outputFilters: t.outputs.filters, autoDownload: t.outputs.autoDownload, outputFolder: t.outputs.folder, notify: t.notify, hardware };
}

export async function enqueueLaunch(store: OutboxStore, src: SubmissionSource, ctx: LaunchContext): Promise<Submission> {
  const launch = await resolveSource(src, ctx);
  return store.insert({
    id: randomUUID(),
    accountId: ctx.accountId,
    templateId: src.template.id,
    templateName: src.template.name,
    jobName: launch.jobName,
    marker: newMarker(),
    launch,
    source: src,
    inputs: launch.inputs.map(() => ({})),
    options: optionsOf(src.template),
  });
}

const sameInput = (a: LaunchItem | undefined, b: LaunchItem): boolean => {
  if (!a || a.kind !== b.kind) return false;
  if (a.kind === 'file') return a.id === (b as { id: string }).id;
  if (a.kind === 'folder') return a.path === (b as { path: string }).path && sameMembers(a.members, (b as { members?: string[] }).members);
  return a.path === (b as { path: string }).path;
};

/** Edits a submission nothing of which has reached the platform; finished uploads are kept. */
export async function editQueued(
  store: OutboxStore,
  s: Submission,
  change: { inputs?: LaunchInput[]; values?: Record<string, string>; name?: string },
  ctx: LaunchContext,
): Promise<{ sub: Submission; dropped: string[] }> {
  const editable = EDITABLE_STATES.includes(s.state) || (s.state === 'failed' && !s.jobId);
  if (!editable) throw notEditable(s);
  const src: SubmissionSource = {
    ...s.source,
    ...(change.inputs ? { inputs: change.inputs } : {}),
    ...(change.values ? { values: change.values } : {}),
    ...(change.name ? { name: change.name } : {}),
  };
  const launch = await resolveSource(src, ctx);
  const inputs: InputProgress[] = launch.inputs.map((inp) => {
    const k = s.launch.inputs.findIndex((old) => sameInput(old, inp));
    return k >= 0 ? { ...s.inputs[k] } : {};
  });
  const kept = new Set(inputs.map((i) => i.transferId).filter(Boolean));
  const dropped = s.inputs.map((i) => i.transferId).filter((id): id is string => !!id && !kept.has(id));
  const ok = store.userUpdate(
    s.id,
    { source: src, launch, jobName: launch.jobName, inputs, state: 'queued', waiting: null, error: null, body: null, nextAttemptAt: 0 },
    [...EDITABLE_STATES, 'failed'],
  );
  if (!ok) throw notEditable(store.get(s.id) ?? s);
  return { sub: store.get(s.id) as Submission, dropped };
}

export function notEditable(s: Submission): CourierError {
  switch (s.state) {
    case 'creating':
    case 'submitting':
      return new CourierError('conflict', `"${s.jobName}" is being sent to the platform right now; once it is submitted you can stop the job instead.`);
    case 'created':
      return new CourierError('conflict', `"${s.jobName}" has been created on the platform (${s.jobId}) and is about to be submitted.`);
    case 'submitted':
      return new CourierError('conflict', `"${s.jobName}" was already submitted as job ${s.jobId}: stop the job instead.`);
    case 'cancelled':
      return new CourierError('conflict', `"${s.jobName}" was cancelled.`);
    case 'queued':
    case 'uploading':
    case 'failed':
      return new CourierError('conflict', `"${s.jobName}" can no longer be changed (${s.state}).`);
  }
}

/** A failed submission goes again from where it stopped (a created job is looked at before any new submit). */
export function retryFailed(store: OutboxStore, s: Submission): Submission {
  if (s.state !== 'failed') throw new CourierError('conflict', `Only a failed submission can be retried ("${s.jobName}" is ${s.state}).`);
  const state = s.jobId ? 'submitting' : s.createAttempts > 0 ? 'creating' : 'queued';
  if (!store.userUpdate(s.id, { state, waiting: null, error: null, nextAttemptAt: 0 }, ['failed'])) throw notEditable(s);
  return store.get(s.id) as Submission;
}
