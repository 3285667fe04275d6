import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox';

const run = promisify(execFile);
const courier = `node ${resolve('cli/bin.mjs')}`;
let sandbox: RunningSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ jobSeconds: 3, token: 'seed-flow-token-1234' });
});
afterAll(async () => {
  await sandbox?.stop();
});

async function seedFlow(sb: RunningSandbox): Promise<{ stdout: string; work: string }> {
  const work = mkdtempSync(join(tmpdir(), 'courier-seed-'));
  const { stdout } = await run('bash', ['test/support/seed-flow.sh'], {
    env: {
      ...process.env,
      RESCALE_CLI: courier,
      RESCALE_URL: sb.apiUrl,
      RESCALE_API_TOKEN: sb.token,
      WORK_DIR: work,
      COURIER_DATA_DIR: join(work, '.courier'),
    },
  });
  return { stdout, work };
}

describe("the seed's flow with courier in place of rescale.jar", () => {
  test('upload -e, jq the id, curl create + submit, poll, sync "*.log" — unchanged', async () => {
    const { stdout, work } = await seedFlow(sandbox);
    const jobId = /JOB_ID=(\w+)/.exec(stdout)?.[1];
    expect(jobId).toMatch(/^\w+$/);
    expect(stdout).toContain('STATUS=Completed');
    const log = readFileSync(join(work, `rescale_job_${jobId}`, 'process_output.log'), 'utf8');
    expect(log).toContain('./run_chainer_from_API.sh');
    expect(log).toContain('run_chainer_from_API.sh');
  });

  test('courier jobs submit --template chainer --wait does the same in one command', async () => {
    const work = mkdtempSync(join(tmpdir(), 'courier-seed1-'));
    const script = join(work, 'run_chainer_from_API.sh');
    await run('bash', ['-c', `printf '#!/bin/sh\\necho train\\n' > ${script}`]);
    const { stdout } = await run(
      'node',
      [resolve('cli/bin.mjs'), '-X', sandbox.apiUrl, '-p', sandbox.token, 'jobs', 'submit', '--template', 'chainer', '--input', script, '--wait'],
      {
        cwd: work,
        env: { ...process.env, COURIER_DATA_DIR: join(work, '.courier') },
      },
    );
    // The preset brings back *.log only, and the line says so (the job wrote other files too).
    const m = /Job (\w+) reached terminal status: Completed; (\d+) output file\(s\) matching \*\.log in (.+) \(every output: `courier sync -j (\w+)`\)$/m.exec(
      stdout,
    );
    const [, jobId, , dir, syncId] = m ?? [];
    expect(dir, stdout).toBe(join(work, `rescale_job_${jobId}`));
    expect(syncId).toBe(jobId);
    expect(readFileSync(join(dir!, 'process_output.log'), 'utf8')).toContain('run_chainer_from_API.sh');
  });
});

describe('the seed flow on an Azure storage account', () => {
  let azure: RunningSandbox;
  beforeAll(async () => {
    azure = await startSandbox({ jobSeconds: 3, token: 'seed-flow-azure-1234', storage: 'azure' });
  });
  afterAll(async () => {
    await azure?.stop();
  });

  test('upload -e, job, sync "*.log": the blobs go through the Azure blob service', async () => {
    const { stdout, work } = await seedFlow(azure);
    const jobId = /JOB_ID=(\w+)/.exec(stdout)?.[1];
    expect(stdout).toContain('STATUS=Completed');
    expect(stdout).toMatch(/"storageType": ?"AzureStorage"/);
    expect(readFileSync(join(work, `rescale_job_${jobId}`, 'process_output.log'), 'utf8')).toContain('run_chainer_from_API.sh');
    const ops = azure.stats().azure;
    expect(ops.PutBlob ?? 0).toBeGreaterThanOrEqual(1); // the upload
    expect(ops.GetBlob ?? 0).toBeGreaterThanOrEqual(1); // the sync
  });
});
