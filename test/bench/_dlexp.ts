import { join } from 'node:path';
import { courier, startSandboxProcess } from './procs';
const work = '/tmp/dlexp'; 
const sb = await startSandboxProcess(join(work, 'sb'));
const base = { apiUrl: sb.apiUrl, token: sb.token, s3Endpoint: sb.s3Endpoint, stateDir: join(work, 'state') };
const big = '/work/main/bench/data/big-1024MiB.bin';
const up = await courier({ ...base, mode: 'upload', inputs: [big] });
console.log('up', up.seconds.toFixed(2), 'cpu', up.cpuSeconds.toFixed(2), 'rss', up.maxRssMiB.toFixed(0));
const variants = JSON.parse(process.argv[2] ?? '[{}]');
for (const v of variants) {
  const r = await courier({ ...base, mode: 'download', inputs: [up.remoteIds[0]!], dir: join(work, 'dl'), limits: v });
  console.log('down', JSON.stringify(v), r.seconds.toFixed(2), 'cpu', r.cpuSeconds.toFixed(2), 'rss', r.maxRssMiB.toFixed(0), 'loop p99', r.loopP99Ms.toFixed(1));
}
await sb.stop();
