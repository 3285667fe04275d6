// Jobs created straight on the sandbox (as the web UI would) for the live-file tests, and the
// finished log the platform keeps, to compare followed lines with.
import type { RunningSandbox } from '../../sandbox';
import { contents, rest } from './jobs-env';

type Sb = RunningSandbox;

export interface LiveJobSpec {
  code: string;
  version: string;
  coreType: string;
  cores: number;
}
export const CHAINER: LiveJobSpec = { code: 'chainer', version: '1.22.0-cuda8-gpu-centos', coreType: 'obsidian', cores: 2 };
export const OPENFOAM: LiveJobSpec = { code: 'openfoam', version: 'v2306-intelmpi', coreType: 'emerald', cores: 2 };

/** Creates and submits a job straight on the platform (as the web UI would). */
export async function submitJob(sb: Sb, spec: LiveJobSpec, name: string): Promise<string> {
  const id = await createJob(sb, spec, name);
  await rest(sb, 'POST', `/api/v2/jobs/${id}/submit/`);
  return id;
}

/** The job saved on the platform, not submitted: it has no run yet. */
export async function createJob(sb: Sb, spec: LiveJobSpec, name: string): Promise<string> {
  const job = await rest<{ id: string }>(sb, 'POST', '/api/v2/jobs/', {
    name,
    jobanalyses: [
      {
        analysis: { code: spec.code, version: spec.version },
        command: 'run.sh',
        hardware: { coreType: spec.coreType, coresPerSlot: spec.cores },
        inputFiles: [],
      },
    ],
  });
  return job.id;
}

/** The finished process_output.log the platform keeps, as lines. */
export async function finalLogLines(sb: Sb, jobId: string): Promise<string[]> {
  const files = await rest<{ results: { id: string; name: string }[] }>(sb, 'GET', `/api/v2/jobs/${jobId}/files/`);
  const log = files.results.find((f) => f.name === 'process_output.log')!;
  const text = (await contents(sb, log.id)).toString('utf8');
  return text.replace(/\n$/, '').split('\n');
}
