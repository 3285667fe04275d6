import type { SandboxCore } from '../core';
import type { FileRec, JobRec } from '../store/state';
import { encryptWhole } from '../util/cbc';
import { shortId } from '../util/ids';
import { isoMicro } from '../util/time';
import { endedAt, endingOf, runWindow } from './clock';
import { finalLog, LOG } from './live';
import { CHAINER_EPOCHS, epochStats } from './live-logs';

function resultFile(job: JobRec): { name: string; body: string } {
  const a = job.analyses[0];
  if (a?.code === 'chainer') {
    const last = epochStats(CHAINER_EPOCHS);
    return {
      name: 'mnist_result.json',
      body: `${JSON.stringify({ job: job.id, epochs: CHAINER_EPOCHS, 'main/accuracy': last['main/accuracy'], 'validation/main/accuracy': last['validation/main/accuracy'], simulated: true }, null, 2)}\n`,
    };
  }
  return { name: 'result.txt', body: `job ${job.id}: simulated result (${a?.code ?? 'unknown'})\n` };
}

/**
 * Stores `body` encrypted like the platform's own files under the job's output folder and
 * registers it as a typeId 5 record of the job (`snapshot`: a copy of a live file, kept out of
 * the job's outputs).
 */
export async function storeJobFile(
  core: SandboxCore,
  job: JobRec,
  o: { relativePath: string; body: string; at: number; snapshot?: boolean },
): Promise<FileRec> {
  const plain = Buffer.from(o.body, 'utf8');
  const enc = encryptWhole(plain);
  const id = shortId();
  const name = o.relativePath.split('/').at(-1) ?? o.relativePath;
  const path = `${core.storageDir()}/output/job_${job.id}/run1/${o.snapshot ? `snapshot-${id}/` : ''}${o.relativePath}`;
  await core.blobs.put(core.config.bucket, path, enc.cipher, { iv: enc.iv.toString('base64') });
  const rec: FileRec = {
    id,
    seq: core.store.nextSeq(),
    ownerId: job.ownerId,
    folderId: null,
    jobId: job.id,
    ...(o.snapshot ? { snapshot: true } : {}),
    record: {
      id,
      name,
      typeId: 5,
      isUploaded: true,
      isDeleted: false,
      owner: core.user.email,
      path,
      relativePath: o.relativePath,
      dateUploaded: isoMicro(o.at),
      decryptedSize: plain.length,
      encodedEncryptionKey: enc.key.toString('base64'),
      iv: enc.iv.toString('base64'),
      pathParts: { container: core.config.bucket, path },
      storage: core.storage(),
      fileChecksums: [{ hashFunction: 'sha512', fileHash: enc.sha512 }],
      sharedWith: [],
      viewInBrowser: true,
    },
  };
  core.store.state.files[id] = rec;
  return rec;
}

/**
 * Writes the run's outputs under user/user_<id>/output/job_<id>/run1/, encrypted like the
 * platform's own files, and registers them as typeId 5 records of the job. The log is the
 * live process_output.log as it stood at the end.
 */
export async function writeOutputs(core: SandboxCore, job: JobRec): Promise<FileRec[]> {
  const end = endedAt(job) ?? Date.now();
  const run = runWindow(job, end);
  const outputs = run ? [{ name: LOG, body: await finalLog(core, job, end) }] : [];
  if (run && endingOf(job)?.exitCode === 0) outputs.push(resultFile(job)); // stopped or failed runs leave only their log
  const recs: FileRec[] = [];
  for (const out of outputs) recs.push(await storeJobFile(core, job, { relativePath: out.name, body: out.body, at: end }));
  job.outputsDone = true;
  await core.store.commit();
  return recs;
}
