import { TransferPool } from '../../main/core/transfer/pool';
const mb = () => (process.memoryUsage().rss / 1048576).toFixed(0);
console.log('start', mb());
const p = new TransferPool({ workerCount: Number(process.argv[2] ?? 2) });
await p.warm();
console.log('warm', mb());
// force SDK load in workers via a headObject to a bogus endpoint
await p.run<'headObject'>({ op: 'headObject', loc: { creds: { accessKeyId: 'a', secretAccessKey: 'b', region: 'us-east-1', endpoint: 'http://127.0.0.1:9', expiresAt: 0 }, bucket: 'b', key: 'k' } });
console.log('sdk', mb());
await p.close();
