// `courier` run the way a user runs it (node cli/bin.mjs, against a sandbox, in a work folder with
// its own data folder), for the CLI's integration tests: exit code and both streams, never a throw.
import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCourier(sandbox: { apiUrl: string; token: string }, work: string, args: string[]): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      'node',
      [resolve('cli/bin.mjs'), '-X', sandbox.apiUrl, '-p', sandbox.token, ...args],
      { cwd: work, env: { ...process.env, COURIER_DATA_DIR: join(work, '.courier') } },
      (err, stdout, stderr) => done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
