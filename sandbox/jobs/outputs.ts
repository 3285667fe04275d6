import type { SandboxCore } from '../core';
import { findCoreType } from '../api/catalog-data';
import type { FileRec, JobRec } from '../store/state';
import { encryptWhole } from '../util/cbc';
import { shortId } from '../util/ids';
import { isoMicro } from '../util/time';
import { endedAt, endingOf, jobPlan, PLAN_WORDS, runWindow } from './clock';
import { workingDir, workingDirLines, type WorkingDir } from './unpack';

function inputNames(core: SandboxCore, job: JobRec): string[] {
  return job.analyses.flatMap((a) => a.inputFiles.map((f) => String(core.store.state.files[f.id]?.record['name'] ?? f.id)));
}

/** The simulated run's log: what ran where, with which inputs, in which working directory. The command is never executed. */
function processLog(core: SandboxCore, job: JobRec, end: number, wd: WorkingDir): string {
  const lines = [`[sandbox] Rescale sandbox simulated run for job ${job.id} "${job.name}"`];
  for (const a of job.analyses) {
    const ct = findCoreType(a.coreType);
    const gpus = ct && ct.gpuCount > 0 ? `, GPU: ${ct.gpuType}` : '';
    lines.push(
      `Analysis: ${a.code} ${a.versionCode}`,
      `Core type: ${a.coreType} (${a.coresPerSlot} cores per slot x ${a.slots} slot(s)${gpus})`,
      `MPI: ${a.useMpi}`,
      `Input files: ${inputNames(core, job).join(', ') || '(none)'}`,
      `Command: ${a.command}`,
    );
  }
  lines.push(...workingDirLines(wd));
  lines.push('[sandbox] The command was not executed: this is a simulation.');
  lines.push(...endLines(job));
  lines.push(`[sandbox] Finished at ${isoMicro(end)}`);
  return `${lines.join('\n')}\n`;
}

/** How the run ended, in the log's words: a user's stop, a forced stop, or an exit code. */
function endLines(job: JobRec): string[] {
  const end = endingOf(job);
  if (end?.status === 'Force Stop') return ['[sandbox] The run did not stop by itself and was force-stopped.'];
  if (end?.stopped) return [`[sandbox] Run terminated by the user at ${isoMicro(job.stopAt!)}.`];
  if (end?.exitCode) {
    const why = jobPlan(job).ending === 'fail' && !job.plan?.ending ? ` (the job name asks for ${PLAN_WORDS.fail})` : '';
    return [`[sandbox] Simulated failure${why}.`, `[sandbox] Exit code: ${end.exitCode}`];
  }
  return ['[sandbox] Exit code: 0'];
}

function resultFile(job: JobRec): { name: string; body: string } {
  const a = job.analyses[0];
  if (a?.code === 'chainer') {
    return {
      name: 'mnist_result.json',
      body: `${JSON.stringify({ job: job.id, epochs: 20, 'main/accuracy': 0.9934, 'validation/main/accuracy': 0.9822, simulated: true }, null, 2)}\n`,
    };
  }
  return { name: 'result.txt', body: `job ${job.id}: simulated result (${a?.code ?? 'unknown'})\n` };
}

/**
 * Writes the run's outputs under user/user_<id>/output/job_<id>/run1/, encrypted like the
 * platform's own files, and registers them as typeId 5 records of the job.
 */
export async function writeOutputs(core: SandboxCore, job: JobRec): Promise<FileRec[]> {
  const end = endedAt(job) ?? Date.now();
  const run = runWindow(job, end);
  const outputs = run ? [{ name: 'process_output.log', body: processLog(core, job, end, await workingDir(core, job)) }] : [];
  if (run && endingOf(job)?.exitCode === 0) outputs.push(resultFile(job)); // stopped or failed runs leave only their log
  const recs: FileRec[] = [];
  for (const out of outputs) {
    const plain = Buffer.from(out.body, 'utf8');
    const enc = encryptWhole(plain);
    const path = `${core.storageDir()}/output/job_${job.id}/run1/${out.name}`;
    await core.blobs.put(core.config.bucket, path, enc.cipher, { iv: enc.iv.toString('base64') });
    const id = shortId();
    const rec: FileRec = {
      id,
      seq: core.store.nextSeq(),
      ownerId: job.ownerId,
      folderId: null,
      jobId: job.id,
      record: {
        id, name: out.name, typeId: 5, isUploaded: true, isDeleted: false, owner: core.user.email, path,
        relativePath: out.name, dateUploaded: isoMicro(end), decryptedSize: plain.length,
        encodedEncryptionKey: enc.key.toString('base64'), iv: enc.iv.toString('base64'),
        pathParts: { container: core.config.bucket, path }, storage: core.storage(),
        fileChecksums: [{ hashFunction: 'sha512', fileHash: enc.sha512 }], sharedWith: [], viewInBrowser: true,
      },
    };
    core.store.state.files[id] = rec;
    recs.push(rec);
  }
  job.outputsDone = true;
  await core.store.commit();
  return recs;
}
