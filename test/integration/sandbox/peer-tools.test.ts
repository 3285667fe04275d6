import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../sandbox/index';
import { toolAvailable } from './helpers';

// Peer S3 tools against the sandbox with the admin keys: each puts and gets a 100 MiB object.
const SIZE = 100 << 20;
const AWS = '/usr/bin/aws'; // not the pyenv v1 shim on PATH
const RCLONE = '/usr/bin/rclone';
const S3CMD = '/usr/bin/s3cmd';

let sb: RunningSandbox;
let dir: string;
let srcFile: string;
let srcHash: string;

function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(file, { highWaterMark: 1 << 20 })
      .on('data', (c) => h.update(c))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
}

function run(cmd: string, args: string[], env: Record<string, string | undefined>): Promise<void> {
  return new Promise((resolve, reject) => {
    const cleanEnv: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...process.env, ...env })) if (v !== undefined) cleanEnv[k] = v;
    const child = spawn(cmd, args, { env: cleanEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code}:\n${out}`))));
  });
}

beforeAll(async () => {
  sb = await startSandbox();
  dir = mkdtempSync(path.join(os.tmpdir(), 'sbx-peers-'));
  srcFile = path.join(dir, 'big.bin');
  writeFileSync(srcFile, randomBytes(SIZE));
  srcHash = await sha256File(srcFile);
});
afterAll(async () => {
  await sb?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function skipLine(tool: string, p: string): boolean {
  const ok = toolAvailable(p);
  if (!ok) console.log(`[sandbox peer-tools] ${tool} not found at ${p}: skipping its test`);
  return !ok;
}

/** Puts, checks the stored size and how it was sent (PutObject or multipart), gets, compares. */
async function roundTrip(
  tool: string,
  multipart: boolean,
  put: (key: string) => Promise<void>,
  get: (key: string, out: string) => Promise<void>,
): Promise<void> {
  const key = `peers/${tool}/big.bin`;
  const out = path.join(dir, `${tool}.out`);
  const before = sb.stats().s3;
  await put(key);
  const after = sb.stats().s3;
  const delta = (op: string) => (after[op] ?? 0) - (before[op] ?? 0);
  if (multipart) {
    expect(delta('UploadPart')).toBeGreaterThan(1);
    expect(delta('CompleteMultipartUpload')).toBe(1);
  } else expect(delta('PutObject')).toBe(1);
  await get(key, out);
  expect(await sha256File(out)).toBe(srcHash);
}

describe('peer S3 tools against the sandbox', () => {
  it.skipIf(skipLine('awscli v2', AWS))('aws s3 cp up and down (multipart)', async () => {
    const env = {
      AWS_ACCESS_KEY_ID: sb.s3Admin.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sb.s3Admin.secretAccessKey,
      AWS_DEFAULT_REGION: sb.region,
      AWS_CONFIG_FILE: path.join(dir, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none'),
      AWS_PAGER: '',
    };
    const base = ['--endpoint-url', sb.s3Endpoint, 's3', 'cp', '--no-progress', '--only-show-errors'];
    await roundTrip(
      'aws',
      true,
      (key) => run(AWS, [...base, srcFile, `s3://${sb.bucket}/${key}`], env),
      (key, out) => run(AWS, [...base, `s3://${sb.bucket}/${key}`, out], env),
    );
  });

  it.skipIf(skipLine('awscli v2', AWS))('aws s3 cp downloads signed for another region follow the region S3 names (HEAD included)', async () => {
    const env = (region: string) => ({
      AWS_ACCESS_KEY_ID: sb.s3Admin.accessKeyId,
      AWS_SECRET_ACCESS_KEY: sb.s3Admin.secretAccessKey,
      AWS_DEFAULT_REGION: region,
      AWS_CONFIG_FILE: path.join(dir, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none'),
      AWS_PAGER: '',
    });
    const base = ['--endpoint-url', sb.s3Endpoint, 's3', 'cp', '--no-progress', '--only-show-errors'];
    const small = path.join(dir, 'small.bin');
    const data = randomBytes(70_000);
    writeFileSync(small, data);
    await run(AWS, [...base, small, `s3://${sb.bucket}/peers/aws-region/small.bin`], env(sb.region));
    const before = sb.stats().regionErrors;
    const out = path.join(dir, 'small.out');
    // aws s3 cp starts with a HeadObject: its region error has no body, only the header to go by.
    await run(AWS, [...base, `s3://${sb.bucket}/peers/aws-region/small.bin`, out], env('us-west-2'));
    expect(await sha256File(out)).toBe(createHash('sha256').update(data).digest('hex'));
    expect(sb.stats().regionErrors - before).toBeGreaterThanOrEqual(1);
  });

  it.skipIf(skipLine('rclone', RCLONE))('rclone copyto up and down', async () => {
    const env = {
      AWS_CA_BUNDLE: undefined, // Debian's rclone cannot load the environment's CA bundle
      RCLONE_CONFIG: path.join(dir, 'rclone.conf'),
      RCLONE_CONFIG_SBX_TYPE: 's3',
      RCLONE_CONFIG_SBX_PROVIDER: 'Other',
      RCLONE_CONFIG_SBX_ENDPOINT: sb.s3Endpoint,
      RCLONE_CONFIG_SBX_ACCESS_KEY_ID: sb.s3Admin.accessKeyId,
      RCLONE_CONFIG_SBX_SECRET_ACCESS_KEY: sb.s3Admin.secretAccessKey,
      RCLONE_CONFIG_SBX_REGION: sb.region,
      RCLONE_CONFIG_SBX_FORCE_PATH_STYLE: 'true',
    };
    await roundTrip(
      'rclone',
      false, // below rclone's 200 MiB multipart cutoff
      (key) => run(RCLONE, ['copyto', srcFile, `sbx:${sb.bucket}/${key}`], env),
      (key, out) => run(RCLONE, ['copyto', `sbx:${sb.bucket}/${key}`, out], env),
    );
  });

  it.skipIf(skipLine('s3cmd', S3CMD))('s3cmd put and get (multipart)', async () => {
    const host = sb.s3Endpoint.replace(/^http:\/\//, '');
    const cfg = path.join(dir, 's3cfg');
    writeFileSync(
      cfg,
      [
        '[default]',
        `access_key = ${sb.s3Admin.accessKeyId}`,
        `secret_key = ${sb.s3Admin.secretAccessKey}`,
        `host_base = ${host}`,
        `host_bucket = ${host}`,
        'use_https = False',
        'signature_v2 = False',
        `bucket_location = ${sb.region}`,
        'multipart_chunk_size_mb = 15',
        '',
      ].join('\n'),
    );
    await roundTrip(
      's3cmd',
      true,
      (key) => run(S3CMD, ['-c', cfg, '--no-progress', 'put', srcFile, `s3://${sb.bucket}/${key}`], {}),
      (key, out) => run(S3CMD, ['-c', cfg, '--no-progress', 'get', `s3://${sb.bucket}/${key}`, out], {}),
    );
  });
});
