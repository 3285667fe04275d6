// Rows → the contract's views (what the UI and the CLI see).
import type { JobChanged, JobSummary, OutboxEntry } from '../../../shared/jobs';
import { displayName } from '../notify/messages';
import type { Submission } from './outbox-store';
import type { TrackedJob } from './tracked-store';

export function outboxView(s: Submission, opts: { behind?: boolean; offline?: boolean } = {}): OutboxEntry {
  const open = ['queued', 'uploading', 'creating', 'created', 'submitting'].includes(s.state);
  let waiting = s.waiting;
  if (open && !waiting && opts.offline) waiting = 'connection';
  if (open && !waiting && opts.behind) waiting = 'turn';
  return {
    id: s.id,
    seq: s.seq,
    accountId: s.accountId,
    templateId: s.templateId,
    templateName: s.templateName,
    jobName: s.jobName,
    state: s.state,
    waiting: open ? waiting : null,
    jobId: s.jobId,
    error: s.state === 'submitted' || s.state === 'cancelled' ? null : s.error,
    inputs: s.launch.inputs.map((inp, i) => {
      if (inp.kind === 'file') return { name: inp.name, fileId: inp.id };
      const fileId = s.inputs[i]?.fileId;
      const archive =
        inp.kind === 'folder'
          ? { archive: { files: inp.files, bytes: inp.bytes, ...(inp.members ? { loose: true } : {}), ...(s.inputs[i]?.reused ? { reused: true } : {}) } }
          : {};
      return { name: inp.name, path: inp.path, ...(fileId ? { fileId } : {}), ...archive };
    }),
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

/** Open submissions that are not the oldest of their account wait for their turn. */
export function outboxViews(subs: Submission[], offline: boolean): OutboxEntry[] {
  const heads = new Map<string, number>();
  for (const s of subs) {
    if (!['queued', 'uploading', 'creating', 'created', 'submitting'].includes(s.state)) continue;
    heads.set(s.accountId, Math.min(heads.get(s.accountId) ?? Number.POSITIVE_INFINITY, s.seq));
  }
  return subs.map((s) => outboxView(s, { behind: heads.get(s.accountId) !== undefined && heads.get(s.accountId) !== s.seq, offline }));
}

export function trackedSummary(j: TrackedJob): JobSummary {
  return {
    jobId: j.jobId,
    name: displayName(j.name),
    status: j.status,
    outcome: j.outcome,
    dateInserted: null,
    followed: true,
    submissionId: j.submissionId,
    templateId: j.templateId,
  };
}

export function jobChangedView(j: TrackedJob): JobChanged {
  return {
    ...trackedSummary(j),
    history: j.history,
    outputs: {
      state: j.outputsState,
      dir: j.outputs.dir ?? null,
      files: j.outputs.files?.length ?? 0,
      ...(j.options.autoDownload && j.options.outputFilters.length ? { filters: j.options.outputFilters } : {}),
    },
  };
}
