import { join } from 'node:path';
import { buildBundles, courier, startSandboxProcess } from './procs';
await buildBundles('/work/main/bench/data/build');
const work = '/tmp/rssexp';
const sb = await startSandboxProcess(join(work, 'sb'));
try {
const base = { apiUrl: sb.apiUrl, token: sb.token, s3Endpoint: sb.s3Endpoint, stateDir: join(work, 'state') };
const r0 = await courier({ ...base, mode: 'upload', inputs: [] });
console.log('empty rss', r0.maxRssMiB.toFixed(0));
const r1 = await courier({ ...base, mode: 'upload', inputs: ['/work/main/bench/data/big-1024MiB.bin'], limits: JSON.parse(process.argv[2] ?? '{}') });
console.log('1G rss', r1.maxRssMiB.toFixed(0), r1.seconds.toFixed(1), 'cpu', r1.cpuSeconds.toFixed(1));
} finally { await sb.stop(); }
