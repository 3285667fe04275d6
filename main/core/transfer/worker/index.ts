// The pool's worker: reading, encrypting, hashing and storage I/O all happen here, never on the
// main thread. Every task returns a result object instead of throwing, so the error's code and
// retry class survive the thread boundary intact.
import { createCipheriv, randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { workerData } from 'node:worker_threads';
import { assertNever } from '../../../../shared/assert-never';
import { SharedBandwidth } from '../bandwidth';
import { SharedSlots } from '../shared-state';
import { downloadRange, downloadWhole } from './download-ops';
import { PartEncryptor } from '../../crypto';
import { give, take } from './buffers';
import { setDirectIo } from './direct-io';
import { setSocketGet } from './socket-get';
import { hashDownload } from './download-hash';
import { forEachSlice, hashFile } from './files';
import type { Op, Task, TaskResult, TaskResults, WorkerInit } from './protocol';
import { classifyError, type OpCtx } from './s3';
import { abortMultipart, completeMultipart, createMultipart, headObject, listParts } from './backend';
import { putObject, uploadPart } from './upload-ops';
import type { BatchResult, BatchTask } from '../pool-batch';

const init = workerData as WorkerInit;
const slots = new SharedSlots(init);
const bw = new SharedBandwidth(init.bw);
setDirectIo(init.directIo);
setSocketGet(init.socketGet);

/** The upload's read + chain-encrypt path over a real file (as uploadPart does it), minus the network. */
async function cryptoBenchFile(path: string, bytes: number, partSize: number): Promise<{ seconds: number }> {
  const key = randomBytes(32);
  let iv: Buffer = randomBytes(16);
  const fh = await open(path, 'r');
  const out = take(partSize + 16);
  try {
    const t0 = performance.now();
    for (let off = 0; off < bytes; off += partSize) {
      const len = Math.min(partSize, bytes - off);
      const enc = new PartEncryptor(key, iv, out);
      forEachSlice(fh, off, len, 1 << 20, (view, last) => enc.push(view, last && off + len >= bytes));
      iv = enc.finish().lastBlock;
    }
    return { seconds: (performance.now() - t0) / 1000 };
  } finally {
    give(out);
    await fh.close();
  }
}

function cryptoBench(bytes: number, chunk: number): { seconds: number } {
  const c = createCipheriv('aes-256-cbc', randomBytes(32), randomBytes(16));
  c.setAutoPadding(false);
  const buf = randomBytes(chunk);
  const t0 = performance.now();
  for (let done = 0; done < bytes; done += chunk) c.update(buf);
  c.final();
  return { seconds: (performance.now() - t0) / 1000 };
}

async function dispatch(t: Task, ctx: OpCtx): Promise<TaskResults[Op]> {
  switch (t.op) {
    case 'createMultipart':
      return createMultipart(t, ctx);
    case 'uploadPart':
      return uploadPart(t, ctx);
    case 'putObject':
      return putObject(t, ctx);
    case 'listParts':
      return listParts(t, ctx);
    case 'completeMultipart':
      return completeMultipart(t, ctx);
    case 'abortMultipart':
      return abortMultipart(t, ctx);
    case 'headObject':
      return headObject(t, ctx);
    case 'hashFile':
      return t.follow ? hashDownload(t.path, ctx, t.follow.total) : hashFile(t.path, ctx, t.stamp);
    case 'downloadRange':
      return downloadRange(t, ctx);
    case 'downloadWhole':
      return downloadWhole(t, ctx);
    case 'cryptoBench':
      return t.path ? cryptoBenchFile(t.path, t.bytes, t.chunk) : cryptoBench(t.bytes, t.chunk);
    default: // a task from another thread: fail it by name rather than answer undefined
      return assertNever(t, 'worker task');
  }
}

/** One task, or a batch of small-file tasks run concurrently, each with its own slot, signal and result (pool-batch.ts). */
export default function run(t: Task | BatchTask): Promise<TaskResult<Op> | BatchResult> {
  return t.op === 'batch' ? Promise.all(t.tasks.map(runOne)) : runOne(t);
}

async function runOne(t: Task): Promise<TaskResult<Op>> {
  const { signal, release } = slots.cancelSignal(t.slot);
  try {
    const value = await dispatch(t, { slot: t.slot, slots, bw, signal });
    return { ok: true, value };
  } catch (e) {
    return { ok: false, error: classifyError(e, signal, 'path' in t ? t.path : undefined) };
  } finally {
    release();
  }
}
