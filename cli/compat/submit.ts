import { copyFileSync, createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Zip, ZipDeflate } from 'fflate';
import { requireFile } from '../paths';
import { CourierError } from '../../shared/errors';
import type { CliContext } from '../context';
import type { Out } from '../output';
import { runTransfers } from '../transfer-run';
import { authenticate } from './job-commands';

/** The job a `#RESCALE_*` script asks for (rescale-cli's submit -i), with rescale-cli's defaults. */
export interface ScriptJob {
  name: string;
  command: string;
  analysis: string;
  analysisVersion: string;
  coreType: string;
  coresPerSlot: number;
  slots: number;
  walltimeHours: number;
  projectId?: string;
  env: Record<string, string>;
  useRescaleLicense: boolean;
}

const positive = (key: string, v: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new CourierError('invalid_input', `#RESCALE_${key} must be a whole number of at least 1 (got "${v}").`, { field: key });
  return n;
};

/** Parses the `#RESCALE_<KEY> value` lines of a submit script. Unknown keys are an error naming them. */
export function parseDirectives(script: string): ScriptJob {
  const job: ScriptJob = {
    name: 'Unnamed Job',
    command: './run.sh',
    analysis: 'user_included',
    analysisVersion: '0',
    coreType: 'emerald',
    coresPerSlot: 1,
    slots: 1,
    walltimeHours: 48,
    env: {},
    useRescaleLicense: false,
  };
  for (const line of script.split(/\r?\n/)) {
    const m = /^#RESCALE_([A-Z0-9_]+)\s*(.*)$/.exec(line.trim());
    if (!m) continue;
    const [, key, rawValue] = m as unknown as [string, string, string];
    const value = rawValue.trim();
    if (key.startsWith('ENV_')) job.env[key.slice(4)] = value;
    else if (key === 'NAME') job.name = value || job.name;
    else if (key === 'COMMAND') job.command = value;
    else if (key === 'ANALYSIS') job.analysis = value;
    else if (key === 'ANALYSIS_VERSION') job.analysisVersion = value;
    else if (key === 'CORES') job.coreType = value;
    else if (key === 'CORES_PER_SLOT') job.coresPerSlot = positive(key, value);
    else if (key === 'SLOTS') job.slots = positive(key, value);
    else if (key === 'WALLTIME')
      job.walltimeHours = positive(key, value); // hours, sent as is
    else if (key === 'PROJECT_ID') job.projectId = value;
    else if (key === 'USE_RESCALE_LICENSE') job.useRescaleLicense = /^(true|1|yes)$/i.test(value);
    else if (key === 'TAGS' || key === 'AUTOMATION' || key === 'USER_DEFINED_LICENSE_SETTINGS')
      continue; // accepted, applied by the platform UI
    else throw new CourierError('invalid_input', `Unknown directive #RESCALE_${key} in the submit script.`, { field: key });
  }
  if (job.walltimeHours > 336)
    throw new CourierError('invalid_input', `#RESCALE_WALLTIME is in hours: ${job.walltimeHours} is more than 14 days (did you give seconds?).`, {
      field: 'WALLTIME',
    });
  return job;
}

/** A flat zip of the other input files, streamed (never all in memory). */
async function zipFiles(files: string[], target: string): Promise<void> {
  const out = createWriteStream(target);
  const done = new Promise<void>((res, rej) => {
    out.on('finish', res);
    out.on('error', rej);
  });
  // Awaited below; this only keeps a write error during the reading loop from being "unhandled".
  done.catch(() => undefined);
  const zip = new Zip((err, chunk, final) => {
    if (err) return out.destroy(err);
    out.write(chunk);
    if (final) out.end();
  });
  for (const f of files) {
    const entry = new ZipDeflate(basename(f), { level: 6 });
    zip.add(entry);
    for await (const chunk of createReadStream(f, { highWaterMark: 1 << 20 })) entry.push(chunk as Uint8Array);
    entry.push(new Uint8Array(0), true);
  }
  zip.end();
  await done;
}

/** `submit -i SCRIPT [FILE...] [--waive-sla] [-e]`: uploads run.sh and input.zip, creates the job, submits it. */
export async function submitCommand(
  ctx: CliContext,
  out: Out,
  o: { inputFile: string; files?: string[]; waiveSla?: boolean; extended?: boolean },
): Promise<void> {
  const scriptPath = resolve(o.inputFile);
  requireFile(o.inputFile, 'the script (-i)');
  const others = (o.files ?? []).map((f) => resolve(f));
  for (const [i, f] of others.entries()) requireFile(o.files?.[i] ?? f, 'an input file');
  const job = parseDirectives(readFileSync(scriptPath, 'utf8'));
  const conn = await authenticate(ctx, out);
  const stage = mkdtempSync(join(tmpdir(), 'courier-submit-'));
  try {
    copyFileSync(scriptPath, join(stage, 'run.sh'));
    const uploads = [join(stage, 'run.sh')];
    if (others.length) {
      out.log('Zipping Files');
      await zipFiles(others, join(stage, 'input.zip'));
      uploads.push(join(stage, 'input.zip'));
    }
    out.log('Uploading Files');
    const s = await runTransfers(ctx, conn, out, ['submit', scriptPath, ...others], (t) => t.enqueueUpload(uploads));
    const bad = s.items.find((i) => i.state !== 'done');
    if (bad) throw new CourierError('server_error', `${bad.name} was not uploaded: ${bad.error?.message ?? bad.state}.`);
    const inputFiles = s.items.map((i) => ({ id: i.remoteFileId!, decompress: true }));
    out.log('Job: Saving Job');
    const created = await conn.api.createJob({
      name: job.name,
      isLowPriority: !!o.waiveSla,
      ...(job.projectId ? { project_id: job.projectId } : {}),
      jobanalyses: [
        {
          command: job.command,
          analysis: { code: job.analysis, version: job.analysisVersion },
          hardware: { coreType: job.coreType, coresPerSlot: job.coresPerSlot, slots: job.slots, walltime: job.walltimeHours },
          inputFiles,
          envVars: job.env,
          useRescaleLicense: job.useRescaleLicense,
        },
      ],
    });
    out.log(`Job ${created.id}: Saved`);
    out.log(`Job ${created.id}: Submitting`);
    // No blind retry: an unclear failure here is reported with the id, so nothing is submitted twice.
    await conn.api.submitJob(created.id).catch((e: unknown) => {
      throw new CourierError(
        'server_error',
        `Job ${created.id} was created but the submit may not have gone through (${(e as Error).message}). Check with \`courier status -j ${created.id}\` before submitting again.`,
      );
    });
    if (o.extended) out.result(JSON.stringify(await conn.api.getJob(created.id)));
    else out.result(`Job ${created.id} submitted.`);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
