// The simulated run's working directory while it runs: its inputs, and the files the program
// writes, which grow with the run's elapsed time. Contents are a pure function of the job's
// stored timestamps and a read time, so two reads at the same moment agree, a restarted
// sandbox shows the same bytes, and the finished log (an output) is the live log at the end.
import { findCoreType } from '../api/catalog-data';
import type { SandboxCore } from '../core';
import type { JobRec } from '../store/state';
import { isoMicro } from '../util/time';
import { endedAt, endingOf, jobPlan, PLAN_WORDS, runWindow } from './clock';
import { chainerLogReport, CHAINER_EPOCHS, programLines } from './live-logs';
import { workingDir, workingDirLines, type WorkingDir } from './unpack';

export const LOG = 'process_output.log';

export interface LiveFile {
  path: string;
  size: number;
  modifiedAt: number;
  /** Written by the run (null for an input, which is not part of a snapshot). */
  body: string | null;
}

/** The program prints from Executing (half the run time) until 95% of it, at an even pace. */
function programClock(job: JobRec): { start: number; dur: number } {
  const s = (job.runSeconds ?? 10) * 1000;
  return { start: (job.submittedAt ?? 0) + 0.5 * s, dur: 0.45 * s };
}

/** How many of `total` lines are out at `t` (a fraction: the next line is half written), and since when. */
function progress(from: number, dur: number, total: number, t: number): { count: number; half: boolean; since: number } {
  const x = Math.max(0, Math.min(1, (t - from) / dur)) * total;
  const count = Math.min(total, Math.floor(x));
  const half = count < total && x - count >= 0.5;
  const since = from + ((half ? count + 0.5 : count) / total) * dur;
  return { count, half, since: Math.min(t, Math.max(from, since)) };
}

function headerLines(core: SandboxCore, job: JobRec, wd: WorkingDir): string[] {
  const lines = [`[sandbox] Rescale sandbox simulated run for job ${job.id} "${job.name}"`];
  for (const a of job.analyses) {
    const ct = findCoreType(a.coreType);
    const gpus = ct && ct.gpuCount > 0 ? `, GPU: ${ct.gpuType}` : '';
    const inputs = a.inputFiles.map((f) => String(core.store.state.files[f.id]?.record['name'] ?? f.id));
    lines.push(
      `Analysis: ${a.code} ${a.versionCode}`,
      `Core type: ${a.coreType} (${a.coresPerSlot} cores per slot x ${a.slots} slot(s)${gpus})`,
      `MPI: ${a.useMpi}`,
      `Input files: ${inputs.join(', ') || '(none)'}`,
      `Command: ${a.command}`,
    );
  }
  lines.push(...workingDirLines(wd), '[sandbox] The command is not executed: the program output below is simulated.');
  return lines;
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

const isGpu = (job: JobRec) => (findCoreType(job.analyses[0]?.coreType ?? '')?.gpuCount ?? 0) > 0;

/** process_output.log at `t`: header, the program's lines so far (a half-written last one), and the ending once over. */
function processLog(core: SandboxCore, job: JobRec, wd: WorkingDir, t: number): { text: string; modifiedAt: number } {
  const run = runWindow(job, t);
  const clock = programClock(job);
  const restart = job.liveRestartAt !== undefined && job.liveRestartAt <= t ? job.liveRestartAt : undefined;
  const program = programLines(job.analyses[0]?.code ?? 'user_included', isGpu(job), restart === undefined ? 0 : 1);
  const from = restart ?? clock.start;
  const end = endedAt(job);
  // A stopped or failed run prints nothing after its end.
  const p = progress(from, clock.dur, program.length, end !== undefined ? Math.min(t, end) : t);
  const head = restart !== undefined ? [`[sandbox] The program restarted at ${isoMicro(restart)}; its log starts over.`] : headerLines(core, job, wd);
  const lines = [...head, ...program.slice(0, p.count)];
  if (end !== undefined && end <= t) {
    lines.push(...endLines(job), `[sandbox] Finished at ${isoMicro(end)}`);
    return { text: `${lines.join('\n')}\n`, modifiedAt: end };
  }
  const partial = p.half ? program[p.count]!.slice(0, Math.ceil(program[p.count]!.length / 2)) : '';
  return { text: `${lines.join('\n')}\n${partial}`, modifiedAt: Math.max(run?.started ?? from, p.since) };
}

const wdCache = new Map<string, Promise<WorkingDir>>();
/** The inputs never change once a job is created: their listing (which may decrypt a zip) is read once. */
export function cachedWorkingDir(core: SandboxCore, job: JobRec): Promise<WorkingDir> {
  let p = wdCache.get(job.id);
  if (!p) {
    p = workingDir(core, job);
    wdCache.set(job.id, p);
    p.catch(() => wdCache.delete(job.id));
  }
  return p;
}

/** Every file of the working directory at `t` (empty before the run starts), by path. */
export async function liveFilesAt(core: SandboxCore, job: JobRec, t: number): Promise<LiveFile[]> {
  const run = runWindow(job, t);
  if (!run) return [];
  const wd = await cachedWorkingDir(core, job);
  const files: LiveFile[] = wd.files.map((f) => ({ path: f.path, size: f.size, modifiedAt: run.started, body: null }));
  const log = processLog(core, job, wd, t);
  files.push({ path: LOG, size: Buffer.byteLength(log.text), modifiedAt: log.modifiedAt, body: log.text });
  if (job.analyses[0]?.code === 'chainer') {
    const clock = programClock(job);
    const epochs = Math.floor(Math.max(0, Math.min(1, (Math.min(t, endedAt(job) ?? t) - clock.start) / clock.dur)) * CHAINER_EPOCHS);
    if (epochs > 0) {
      const body = `${chainerLogReport(epochs)}`;
      files.push({ path: 'result/log', size: Buffer.byteLength(body), modifiedAt: clock.start + (epochs / CHAINER_EPOCHS) * clock.dur, body });
    }
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The finished log, as an output file: exactly the live log at the end of the run. */
export async function finalLog(core: SandboxCore, job: JobRec, end: number): Promise<string> {
  return processLog(core, job, await cachedWorkingDir(core, job), end).text;
}
