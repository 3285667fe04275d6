// The outbox's upload step: local inputs go through the transfer engine (encrypted, resumable).
// Transfer ids are recorded before waiting, so after a restart we wait for the same transfers
// instead of uploading again; a transfer the engine no longer knows is enqueued again.
// A folder input is first packed into one archive (or matched to an earlier upload of the same
// folder, archive-inputs.ts); its archive then goes through the engine like a file.
import { existsSync } from 'node:fs';
import { CourierError } from '../../../shared/errors';
import { dropStaged, planFolder, stagingSlot, type ArchiveDeps } from './archive-inputs';
import { EDITABLE_STATES, type InputProgress, type Submission, type SubmissionPatch } from './outbox-store';
import type { LaunchItem } from './payload';
import { PERMANENT_UPLOAD_ERRORS } from './send-errors';
import type { JobTransfers, TransferOutcome } from './transfers';

export type UploadResult =
  { kind: 'ready'; sub: Submission } | { kind: 'wait'; error: unknown } | { kind: 'fail'; sub: Submission; error: unknown; message: string } | { kind: 'stop' };

interface Ctx {
  transfers: JobTransfers;
  archives: ArchiveDeps;
  move(s: Submission, patch: SubmissionPatch, from?: readonly Submission['state'][]): Submission | null;
  /** The same local file already uploaded (or uploading) for another row of the same sweep. */
  shared?(s: Submission, path: string): InputProgress | null;
}

type Pending = { inp: LaunchItem; i: number };

/** Folders without an archive to upload get one, or the file id of an earlier upload of the same folder. */
async function planFolders(s: Submission, todo: Pending[], signal: AbortSignal, c: Ctx): Promise<UploadResult | InputProgress[] | null> {
  const need = todo.filter(
    (x) => x.inp.kind === 'folder' && !s.inputs[x.i]?.transferId && !(s.inputs[x.i]?.staged && existsSync(s.inputs[x.i]?.staged as string)),
  );
  if (!need.length) return null;
  const inputs: InputProgress[] = s.launch.inputs.map((_, i) => ({ ...s.inputs[i] }));
  for (const x of need) {
    if (x.inp.kind !== 'folder') continue;
    try {
      const plan = await planFolder(c.archives, s.accountId, stagingSlot(s.id, x.i), x.inp, signal);
      inputs[x.i] = plan.kind === 'reuse' ? { fileId: plan.fileId, reused: true } : { staged: plan.staged, keys: { quick: plan.quick, content: plan.content } };
    } catch (e) {
      if (!(e instanceof CourierError && e.code === 'local_file')) throw e;
      return { kind: 'fail', sub: s, error: e, message: `Input folder "${x.inp.name}" could not be packed: ${e.message}` };
    }
  }
  return inputs;
}

/** The upload is registered: later launches of the same folder reuse it, and its archive can go. */
async function rememberFolder(s: Submission, x: Pending, p: InputProgress | undefined, fileId: string, c: Ctx): Promise<void> {
  const inp = x.inp;
  if (inp.kind !== 'folder' || !p?.keys) return;
  c.archives.uploads.remember(s.accountId, { ...p.keys, fileId, name: inp.name, files: inp.files, bytes: inp.bytes });
  await dropStaged(c.archives, stagingSlot(s.id, x.i));
}

/** Inputs other rows of the sweep already uploaded (or are uploading); null when none. */
function shareWithSweep(s: Submission, todo: Pending[], c: Ctx): InputProgress[] | null {
  if (!c.shared || !s.source.sweep) return null;
  const inputs: InputProgress[] = s.launch.inputs.map((_, i) => ({ ...s.inputs[i] }));
  let found = false;
  for (const x of todo) {
    if (x.inp.kind !== 'local' || s.inputs[x.i]?.transferId) continue;
    const p = c.shared(s, x.inp.path);
    if (p) {
      inputs[x.i] = p;
      found = true;
    }
  }
  return found ? inputs : null;
}

const uploadPath = (s: Submission, x: Pending): string => (x.inp.kind === 'folder' ? (s.inputs[x.i]?.staged ?? '') : x.inp.kind === 'local' ? x.inp.path : '');

type Failed = { name: string; o: TransferOutcome };
type Registered = { x: Pending; fileId: string; p: InputProgress | undefined };

/** The engine's answers for `todo`: file ids for the done ones, a fresh start for the ones it does not know, and the failures. */
function sortOutcomes(s: Submission, todo: Pending[], outcomes: (TransferOutcome | null)[]) {
  const inputs: InputProgress[] = s.launch.inputs.map((_, i) => ({ ...s.inputs[i] }));
  const failed: Failed[] = [];
  const registered: Registered[] = [];
  todo.forEach((x, k) => {
    const o = outcomes[k];
    const was = s.inputs[x.i];
    if (!o)
      inputs[x.i] = was?.staged ? { staged: was.staged, ...(was.keys ? { keys: was.keys } : {}) } : {}; // unknown to the engine (another journal, cleaned up): enqueue again
    else if (o.state === 'done' && o.fileId) {
      inputs[x.i] = { transferId: o.id, fileId: o.fileId };
      registered.push({ x, fileId: o.fileId, p: was });
    } else failed.push({ name: x.inp.name, o });
  });
  return { inputs, failed, registered };
}

/** A cancelled or permanently failed upload fails the submission; a second round of failures waits; otherwise null (retry). */
function giveUp(s: Submission, failed: Failed[], retried: boolean): UploadResult | null {
  const permanent = failed.find((f) => f.o.state === 'cancelled' || PERMANENT_UPLOAD_ERRORS.has(f.o.error?.code ?? ''));
  if (permanent) {
    const why = permanent.o.state === 'cancelled' ? 'its upload was cancelled' : (permanent.o.error?.message ?? 'the upload failed');
    return { kind: 'fail', sub: s, error: new CourierError('local_file', why), message: `Input "${permanent.name}" could not be uploaded: ${why}.` };
  }
  if (failed.length && retried)
    return {
      kind: 'wait',
      error: new CourierError('server_error', `Uploading "${failed[0]?.name}" failed: ${failed[0]?.o.error?.message ?? 'unknown error'}`),
    };
  return null;
}

export async function uploadInputs(start: Submission, signal: AbortSignal, c: Ctx): Promise<UploadResult> {
  let s = start;
  const pending = (): Pending[] => s.launch.inputs.map((inp, i) => ({ inp, i })).filter((x) => x.inp.kind !== 'file' && !s.inputs[x.i]?.fileId);
  if (pending().length === 0) return { kind: 'ready', sub: s };
  const moved = c.move(s, { state: 'uploading', waiting: 'upload' }, EDITABLE_STATES);
  if (!moved) return { kind: 'stop' };
  s = moved;
  let retried = false;
  for (let round = 0; round < 4; round++) {
    const todo = pending();
    if (todo.length === 0) return { kind: 'ready', sub: s };
    // 0. Folders: packed into an archive, or found uploaded already (recorded before uploading).
    const planned = await planFolders(s, todo, signal, c);
    if (planned && !Array.isArray(planned)) return planned;
    if (planned) {
      const next = c.move(s, { inputs: planned }, EDITABLE_STATES);
      if (!next) return { kind: 'stop' };
      s = next;
      continue;
    }
    // 1. Every pending input gets a transfer (recorded before we wait on it), unless another
    //    row of its sweep has one for the same file: then they share it.
    const sharing = shareWithSweep(s, todo, c);
    if (sharing) {
      const next = c.move(s, { inputs: sharing }, EDITABLE_STATES);
      if (!next) return { kind: 'stop' };
      s = next;
      continue;
    }
    const missing = todo.filter((x) => !s.inputs[x.i]?.transferId);
    if (missing.length) {
      const fresh = await c.transfers.enqueueUploads(
        s.accountId,
        missing.map((x) => uploadPath(s, x)),
      );
      const inputs: InputProgress[] = s.launch.inputs.map((_, i) => ({ ...s.inputs[i] }));
      missing.forEach((x, k) => (inputs[x.i] = { ...inputs[x.i], transferId: fresh[k] as string }));
      const next = c.move(s, { inputs }, EDITABLE_STATES);
      if (!next) return { kind: 'stop' };
      s = next;
    }
    // 2. Wait for them (the engine retries network errors on its own).
    const outcomes = await c.transfers.settle(
      s.accountId,
      todo.map((x) => s.inputs[x.i]?.transferId as string),
      signal,
    );
    const { inputs, failed, registered } = sortOutcomes(s, todo, outcomes);
    for (const r of registered) await rememberFolder(s, r.x, r.p, r.fileId, c);
    const next = c.move(s, { inputs }, EDITABLE_STATES);
    if (!next) return { kind: 'stop' };
    s = next;
    const given = giveUp(s, failed, retried);
    if (given) return given;
    if (failed.length) {
      retried = true;
      for (const f of failed) await c.transfers.retry(s.accountId, f.o.id);
    }
  }
  return pending().length === 0 ? { kind: 'ready', sub: s } : { kind: 'wait', error: new CourierError('internal', 'The inputs are not uploaded yet.') };
}
