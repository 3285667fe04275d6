// The transfer engine in a child process, for crash tests (kill -9) and for running with
// dropped privileges. Prints JSON lines: enqueued, progress (as the service emits them), settled.
//   node --import tsx test/support/engine-child.ts '<json ChildSpec>'
import { dirname, join } from 'node:path';
import { SharedRateLimiter } from '../../main/core/rescale/rate-limiter';
import { defaultBudgets } from '../../main/core/rescale/scopes';
import { createTransferService } from '../../main/core/transfer/service';
import { createAesGcmSealer } from '../../main/core/transfer/sealer';
import type { LimitsInput, TransferView } from '../../main/core/transfer/types';
import { SandboxStorage } from './sandbox-storage';

export interface ChildSpec {
  apiUrl: string;
  token: string;
  s3Endpoint: string;
  azureBlobEndpoint?: string | null;
  journalPath: string;
  sealerKeyHex: string;
  op: 'upload' | 'download' | 'resume';
  paths?: string[];
  ids?: string[];
  dir?: string;
  limits?: LimitsInput;
  /** The app's API limiter at this many v3 requests a second (state in `<journal dir>/limiter`); default: none. */
  apiRate?: number;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as ChildSpec;
const out = (o: unknown): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`);
};
const limiter = spec.apiRate
  ? new SharedRateLimiter(join(dirname(spec.journalPath), 'limiter'), spec.apiUrl, { ...defaultBudgets, user: { ratePerSecond: spec.apiRate, burst: 5 } })
  : undefined;
const svc = await createTransferService({
  storage: new SandboxStorage({
    apiUrl: spec.apiUrl,
    token: spec.token,
    s3Endpoint: spec.s3Endpoint,
    azureBlobEndpoint: spec.azureBlobEndpoint ?? null,
    ...(limiter ? { limiter } : {}),
  }),
  journalPath: spec.journalPath,
  sealer: createAesGcmSealer(Buffer.from(spec.sealerKeyHex, 'hex')),
  workerCount: 2,
  retry: { baseMs: 50, capMs: 1000 },
  ...(spec.limits ? { limits: spec.limits } : {}),
});
svc.onProgress((b) =>
  out({ event: 'progress', items: b.items.map((i) => ({ id: i.id, bytesDone: i.bytesDone, size: i.size, state: i.state })), overall: b.overall }),
);
let views: TransferView[];
if (spec.op === 'upload') views = await svc.enqueueUpload(spec.paths ?? []);
else if (spec.op === 'download') views = await svc.enqueueDownload(spec.ids ?? [], spec.dir ?? '.');
else views = svc.list().items;
out({ event: 'enqueued', ids: views.map((v) => v.id) });
const settled = await svc.whenSettled(views.map((v) => v.id));
out({ event: 'settled', views: settled });
await svc.close();
