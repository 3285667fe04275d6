import { spawn } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureBig } from './data';
import { startSandboxProcess, awsEnv, rcloneEnv } from './procs';
const work = '/tmp/floor/work';
await rm(work, { recursive: true, force: true }); await mkdir(work, { recursive: true });
const sb = await startSandboxProcess(join(work, 'sandbox'));
const big = await ensureBig('/tmp/probe/big.bin', 1024 * 2 ** 20);
function t(cmd: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<string>((res) => {
    const ch = spawn('/usr/bin/time', ['-f', '%e s  %U u %S s', cmd, ...args], { env, stdio: ["ignore", "ignore", "pipe"] });
    let e = ''; ch.stderr.on('data', (d) => (e += d)); ch.on('exit', () => res(e.trim().slice(-600)));
  });
}
const aenv = awsEnv(sb); const renv = rcloneEnv(sb);
console.log('aws up', await t('/usr/bin/aws', ['--endpoint-url', sb.s3Endpoint, 's3', 'cp', '--only-show-errors', big, `s3://${sb.s3Admin.bucket}/floor/big.bin`], aenv));
const nenv = { ...process.env, AWS_ACCESS_KEY_ID: sb.s3Admin.accessKeyId, AWS_SECRET_ACCESS_KEY: sb.s3Admin.secretAccessKey, REGION: sb.s3Admin.region };
for (let i = 0; i < Number(process.env.N ?? 2); i++) {
  await rm('/tmp/floor/out.bin', { force: true });
  console.log('rclone copyto', await t('rclone', ['copyto', '--s3-no-check-bucket', `s3r:${sb.s3Admin.bucket}/floor/big.bin`, '/tmp/floor/out.bin'], renv));
  for (const mode of (process.env.MODES ?? '-,d,dh,dw,dhw').split(',')) {
    await rm('/tmp/floor/out.bin', { force: true });
    console.log('node', mode.padEnd(4), await t(process.execPath, [process.env.SCRIPT ?? '/tmp/floor/get.mjs', sb.s3Endpoint, sb.s3Admin.bucket, 'floor/big.bin', String(2 ** 30), mode, '/tmp/floor/out.bin'], nenv));
  }
}
await sb.stop();
