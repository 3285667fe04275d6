import { spawn } from 'node:child_process';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
// @ts-expect-error plain JS
import { buildCli } from '../../scripts/build-cli.mjs';
import { SandboxStorage } from '../support/sandbox-storage';
import { ensureBig } from './data';
import { startSandboxProcess } from './procs';
const ROOT = new URL('../../', import.meta.url).pathname;
const work = '/tmp/probe/work';
await rm(work, { recursive: true, force: true }); await mkdir(work, { recursive: true });
await buildCli({ quiet: true });
const sb = await startSandboxProcess(join(work, 'sandbox'));
const cd = join(work, 'cd');
function c(args: string[], env: Record<string,string> = {}) {
  return new Promise<void>((res) => {
    const t0 = performance.now();
    const ch = spawn('/usr/bin/time', ['-f', 'TIME %e s %U u %S s %M KB', process.execPath, ...(process.env.PROF && args[0]==='download-file' ? ['--cpu-prof','--cpu-prof-dir=/tmp/probe/prof','--cpu-prof-interval=250'] : []), 'cli/bin.mjs', '-X', sb.apiUrl, '-p', sb.token, '--data', cd, '-q', ...args], { cwd: ROOT, env: { ...process.env, COURIER_TRACE: process.env.TRACE ?? '', ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
    ch.on('exit', () => { console.log(`wall ${(performance.now()-t0).toFixed(0)} ms`); res(); });
  });
}
const big = await ensureBig('/tmp/probe/big.bin', Number(process.env.MIB ?? 1024) * 2**20);
const small = '/tmp/probe/one.bin';
await (await import('node:fs/promises')).writeFile(small, Buffer.alloc(1024, 7));
for (let i = 0; i < 2; i++) await c(['upload', '-f', small]);
console.log('=== upload big'); await c(['upload', '-f', big]);
const storage = new SandboxStorage({ apiUrl: sb.apiUrl, token: sb.token, s3Endpoint: sb.s3Endpoint });
const listing = await storage.listFolder((await storage.uploadTarget()).rootFolderId);
const id = listing.files.find((f) => f.name === 'big.bin')!.id;
for (let i = 0; i < Number(process.env.DL ?? 2); i++) {
  await rm('/tmp/probe/dl', { recursive: true, force: true }); await mkdir('/tmp/probe/dl');
  const ab = i % 2 === 0;
  const env: Record<string, string> = ab ? JSON.parse(process.env.AB_ENV ?? '{}') : {};
  console.log('=== download big variant=' + ab); await c(['download-file', '--file-id', id, '-o', '/tmp/probe/dl'], env);
}
await sb.stop();
