import { InvalidArgumentError } from 'commander';

// Values checked where commander parses them, so a bad one is one usage line naming the option
// (exit 33) before anything is sent: never a zod path like "inputs.0.fileId", and never a path
// like "../x" pasted into a platform URL.

const ID = /^[A-Za-z0-9]{1,64}$/;

function idOf(kind: string, example: string, where: string): (value: string) => string {
  return (value) => {
    if (!ID.test(value)) throw new InvalidArgumentError(`A Rescale ${kind} id is letters and digits, like ${example}: ${where}.`);
    return value;
  };
}

export const jobId = idOf('job', 'tGaYS', '`courier jobs list` shows your jobs');
export const fileId = idOf('file', 'JVHffb', '`courier list-files -j JOB` shows the files of a job');
export const folderId = idOf('folder', 'xKpQa', 'leave -d out to upload into My Library');
export const sourceFolderId = idOf('folder', 'xKpQa', '`courier upload DIR` prints the id of each folder it uploads');
export const runId = idOf('run', 'mUtDv', 'leave -r out to list every file of the job');

/** For variadic options and arguments: commander hands each value with the list so far. */
export function each(check: (value: string) => string): (value: string, previous: string[] | undefined) => string[] {
  return (value, previous) => [...(previous ?? []), check(value)];
}

/** `jobs list --limit`: the platform's page is 1 to 200 jobs. */
export function listLimit(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > 200) throw new InvalidArgumentError('Give a whole number from 1 to 200, e.g. 50.');
  return n;
}

/** `download --if-exists`: what a download does where a file of its name already is. */
export const IF_EXISTS = ['keep-both', 'overwrite', 'skip'] as const;
export type IfExists = (typeof IF_EXISTS)[number];
