// The outbox's upload step: local inputs go through the transfer engine (encrypted, resumable).
// Transfer ids are recorded before waiting, so after a restart we wait for the same transfers
// instead of uploading again; a transfer the engine no longer knows is enqueued again.
import { CourierError } from '../../../shared/errors';
import { EDITABLE_STATES, type InputProgress, type Submission, type SubmissionPatch } from './outbox-store';
import { PERMANENT_UPLOAD_ERRORS } from './send-errors';
import type { JobTransfers, TransferOutcome } from './transfers';

export type UploadResult =
  | { kind: 'ready'; sub: Submission }
  | { kind: 'wait'; error: unknown }
  | { kind: 'fail'; sub: Submission; error: unknown; message: string }
  | { kind: 'stop' };

interface Ctx {
  transfers: JobTransfers;
  move(s: Submission, patch: SubmissionPatch, from?: readonly Submission['state'][]): Submission | null;
}

export async function uploadInputs(start: Submission, signal: AbortSignal, c: Ctx): Promise<UploadResult> {
  let s = start;
  const pending = () => s.launch.inputs.map((inp, i) => ({ inp, i })).filter((x) => x.inp.kind === 'local' && !s.inputs[x.i]?.fileId);
  if (pending().length === 0) return { kind: 'ready', sub: s };
  const moved = c.move(s, { state: 'uploading', waiting: 'upload' }, EDITABLE_STATES);
  if (!moved) return { kind: 'stop' };
  s = moved;
  let retried = false;
  for (let round = 0; round < 4; round++) {
    const todo = pending();
    if (todo.length === 0) return { kind: 'ready', sub: s };
    // 1. Every pending input gets a transfer (recorded before we wait on it).
    const missing = todo.filter((x) => !s.inputs[x.i]?.transferId);
    if (missing.length) {
      const fresh = await c.transfers.enqueueUploads(s.accountId, missing.map((x) => (x.inp.kind === 'local' ? x.inp.path : '')));
      const inputs: InputProgress[] = s.launch.inputs.map((_, i) => ({ ...s.inputs[i] }));
      missing.forEach((x, k) => (inputs[x.i] = { transferId: fresh[k] as string }));
      const next = c.move(s, { inputs }, EDITABLE_STATES);
      if (!next) return { kind: 'stop' };
      s = next;
    }
    // 2. Wait for them (the engine retries network errors on its own).
    const outcomes = await c.transfers.settle(s.accountId, todo.map((x) => s.inputs[x.i]?.transferId as string), signal);
    const inputs: InputProgress[] = s.launch.inputs.map((_, i) => ({ ...s.inputs[i] }));
    const failed: { name: string; o: TransferOutcome }[] = [];
    todo.forEach((x, k) => {
      const o = outcomes[k];
      if (!o) inputs[x.i] = {}; // unknown to the engine (another journal, cleaned up): enqueue again
      else if (o.state === 'done' && o.fileId) inputs[x.i] = { transferId: o.id, fileId: o.fileId };
      else failed.push({ name: x.inp.name, o });
    });
    const next = c.move(s, { inputs }, EDITABLE_STATES);
    if (!next) return { kind: 'stop' };
    s = next;
    const permanent = failed.find((f) => f.o.state === 'cancelled' || PERMANENT_UPLOAD_ERRORS.has(f.o.error?.code ?? ''));
    if (permanent) {
      const why = permanent.o.state === 'cancelled' ? 'its upload was cancelled' : (permanent.o.error?.message ?? 'the upload failed');
      return { kind: 'fail', sub: s, error: new CourierError('local_file', why), message: `Input "${permanent.name}" could not be uploaded: ${why}.` };
    }
    if (failed.length) {
      if (retried) return { kind: 'wait', error: new CourierError('server_error', `Uploading "${failed[0]?.name}" failed: ${failed[0]?.o.error?.message ?? 'unknown error'}`) };
      retried = true;
      for (const f of failed) await c.transfers.retry(s.accountId, f.o.id);
    }
  }
  return pending().length === 0 ? { kind: 'ready', sub: s } : { kind: 'wait', error: new CourierError('internal', 'The inputs are not uploaded yet.') };
}
