// Set-up for the jobs integration tests: a sandbox (real HTTP, real S3 objects, simulated jobs),
// a whole Courier core on a temp data folder signed in to it, every contract event recorded,
// and helpers to call requests through the router and to wait with deadlines.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requestChannel, type CourierClient, type EventName } from '../../shared/contract';
import type { EventPayload } from '../../main/core/events/hub';
import { createCourier, type Courier, type CourierPorts } from '../../main/core/courier';
import type { JobsTuning } from '../../main/core/jobs/service';
import { PlaintextFileSecretStore } from '../../main/core/secrets/file-store';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../sandbox';

export const FAST_TUNING: JobsTuning = {
  leaseMs: 4_000,
  backoff: { baseMs: 200, capMs: 1_000 },
  idleMs: 300,
  pollTiming: { fastMs: 250, slowMs: 1_000 },
  poller: { requestsPerSecond: 20, burst: 20, offlineProbeMs: 500 },
  outputsWaitMs: 30_000,
  watchMs: 300,
};

export interface RecordedEvent {
  name: EventName;
  payload: unknown;
}

export interface JobsEnv {
  dir: string;
  sb: RunningSandbox;
  courier: Courier;
  accountId: string;
  events: RecordedEvent[];
  shown: { title: string; body: string; jobId?: string }[];
  call<D extends keyof CourierClient & string, M extends keyof CourierClient[D] & string>(
    domain: D,
    method: M,
    input: Parameters<CourierClient[D][M]>[0],
  ): ReturnType<CourierClient[D][M]>;
  eventsOf<K extends EventName>(name: K): EventPayload<K>[];
  /** A local file (e.g. the seed's run script). */
  file(name: string, content: string): Promise<string>;
  stopSandbox(): Promise<void>;
  restartSandbox(): Promise<void>;
  /** Another Courier on the same data folder (a second process, in effect). */
  openCourier(extra?: Partial<CourierPorts>): Promise<Courier>;
  close(): Promise<void>;
}

export async function jobsEnv(o: { sandbox?: SandboxOptions; tuning?: JobsTuning; ports?: Partial<CourierPorts> } = {}): Promise<JobsEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'courier-jobs-'));
  const sandboxOpts: SandboxOptions = { faults: true, jobSeconds: 2, dataDir: join(dir, 'sandbox'), ...o.sandbox };
  let sb = await startSandbox(sandboxOpts);
  const ports = { port: Number(new URL(sb.apiUrl).port), s3Port: Number(new URL(sb.s3Endpoint).port) };
  const dataDir = join(dir, 'data');
  const secrets = new PlaintextFileSecretStore(join(dir, 'secrets.json'));
  const shown: JobsEnv['shown'] = [];
  const extra: Courier[] = [];
  const open = (more: Partial<CourierPorts> = {}) =>
    createCourier({
      shell: 'web',
      version: '0.0.0-test',
      dataDir,
      secrets,
      jobsTuning: o.tuning ?? FAST_TUNING,
      notifier: { show: (n) => shown.push(n) },
      ...o.ports,
      ...more,
    });
  const courier = await open();
  courier.settings.update({ downloads: { folder: join(dir, 'downloads') } });
  const account = await courier.accounts.add({
    platform: { kind: 'sandbox', apiUrl: sb.apiUrl, s3Endpoint: sb.s3Endpoint },
    apiKey: sb.token,
    label: 'Sandbox',
  });
  const events: RecordedEvent[] = [];
  courier.hub.subscribe((name, payload) => events.push({ name, payload }));
  let stopped = false;
  return {
    dir,
    get sb() {
      return sb;
    },
    courier,
    accountId: account.id,
    events,
    shown,
    call: ((domain: string, method: string, input: unknown) =>
      courier.router.dispatch(requestChannel(domain, method), input, { transport: 'memory' }).then((r) => {
        if (!r.ok) throw Object.assign(new Error(`${domain}.${method}: ${r.error.code}: ${r.error.message}`), { rpc: r.error });
        return r.value;
      })) as JobsEnv['call'],
    eventsOf(name) {
      return events.filter((e) => e.name === name).map((e) => e.payload) as never;
    },
    async file(name, content) {
      await mkdir(join(dir, 'inputs'), { recursive: true });
      const p = join(dir, 'inputs', name);
      await writeFile(p, content);
      return p;
    },
    async stopSandbox() {
      await sb.stop();
      stopped = true;
    },
    async restartSandbox() {
      if (!stopped) await sb.stop();
      sb = await startSandbox({ ...sandboxOpts, ...ports, token: sb.token });
      stopped = false;
    },
    async openCourier(more) {
      const c = await open(more);
      extra.push(c);
      return c;
    },
    async close() {
      for (const c of extra) await c.close().catch(() => undefined);
      await courier.close();
      if (!stopped) await sb.stop();
      // A request still in flight when core closed may take a rate-limit token (a file under
      // data/limits) while the folder is removed: retry instead of failing on ENOTEMPTY.
      await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}

/** The outbox event that ends submission `id` (submitted or failed), once it has been emitted. */
export function outboxFinal(env: JobsEnv, id: string) {
  return until(`submission ${id} to be submitted or failed`, () =>
    env.eventsOf('outboxChanged').find((e) => e.id === id && (e.state === 'submitted' || e.state === 'failed')),
  );
}

/** Polls `fn` until it returns a truthy value or the deadline passes (no blind sleeps). */
export async function until<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 30_000, everyMs = 50): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Requests the sandbox served, by "METHOD /route/" (its own counters). */
export function served(sb: RunningSandbox, key: string): number {
  return sb.stats().api[key] ?? 0;
}

export const CREATE = 'POST /api/v2/jobs/';
export const SUBMIT = 'POST /api/v2/jobs/{id}/submit/';

/** A direct call to the sandbox's API (what the web UI or another tool would do). */
export async function rest<T = unknown>(sb: RunningSandbox, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sb.apiUrl}${path}`, {
    method,
    headers: { Authorization: `Token ${sb.token}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** Server-side decrypted bytes of a file (GET /api/v2/files/{id}/contents/). */
export async function contents(sb: RunningSandbox, fileId: string): Promise<Buffer> {
  const res = await fetch(`${sb.apiUrl}/api/v2/files/${fileId}/contents/`, { headers: { Authorization: `Token ${sb.token}` } });
  if (!res.ok) throw new Error(`contents ${fileId} → ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

export interface ListedJob {
  id: string;
  name: string;
  jobStatus: { content: string };
}

export async function platformJobs(sb: RunningSandbox): Promise<ListedJob[]> {
  return (await rest<{ results: ListedJob[] }>(sb, 'GET', '/api/v2/jobs/?page_size=1000')).results;
}
