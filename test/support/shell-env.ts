// Set-up for the shell tests: main/app's real start-up (startShell) against the Electron
// stand-in, on a temp data folder, with a small renderer build to serve over app://.
import { EventEmitter, once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventChannel, requestChannel, type CourierClient, type EventName } from '../../shared/contract';
import type { EventPayload } from '../../main/core/events/hub';
import type { RpcResult } from '../../shared/errors';
import type { Courier, CourierPorts } from '../../main/core/courier';
import { startShell, type ShellHandle } from '../../main/app/shell';
import { standin } from '../electron-standin';
import { FAST_TUNING } from './jobs-env';

export interface ShellEnv {
  dir: string;
  dataDir: string;
  rendererDir: string;
  handle: ShellHandle;
  courier: Courier;
  /** Uncaught errors the shell's last-resort handler sees (instead of the test process's). */
  processEvents: EventEmitter;
  /** A request from our renderer's main frame, over the shell's IPC bridge (throws on an error answer). */
  ipc<D extends keyof CourierClient & string, M extends keyof CourierClient[D] & string>(
    domain: D,
    method: M,
    input: Parameters<CourierClient[D][M]>[0],
  ): ReturnType<CourierClient[D][M]>;
  /** Contract events the shell forwarded to our window(s) so far, oldest first. */
  sent<K extends EventName>(name: K): EventPayload<K>[];
  /** Electron's quit sequence to its end (core closed); call only when nothing will ask. */
  quitted(): Promise<void>;
  close(): Promise<void>;
}

export const MAIN_FRAME = { url: 'app://courier/index.html', parent: null };

/** A renderer build in miniature, and a file next to it that must never be served. */
async function fakeRenderer(dir: string): Promise<string> {
  const rendererDir = join(dir, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Courier</title><script type="module" src="/assets/app.js"></script>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'export {};');
  await writeFile(join(dir, 'secret.txt'), 'not for the renderer');
  return rendererDir;
}

export async function startTestShell(
  o: { dir?: string; ports?: Partial<CourierPorts>; safeStorage?: Partial<typeof standin.storage> } = {},
): Promise<ShellEnv> {
  standin.reset();
  Object.assign(standin.storage, o.safeStorage ?? {});
  const dir = o.dir ?? (await mkdtemp(join(tmpdir(), 'courier-shell-')));
  const dataDir = join(dir, 'data');
  const rendererDir = await fakeRenderer(dir);
  const processEvents = new EventEmitter();
  // The tsx transfer worker (no build here), and short job timers.
  const handle = startShell({ dataDir, rendererDir, processEvents, ports: { transferWorkerFile: undefined, jobsTuning: FAST_TUNING, ...o.ports } });
  const courier = await handle.ready;
  if (!courier) throw new Error('the shell did not start (single-instance lock refused)');
  const quitted = async () => {
    if (!standin.quitted) await once(standin, 'quit');
  };
  return {
    dir,
    dataDir,
    rendererDir,
    handle,
    courier,
    processEvents,
    quitted,
    sent: (name) => standin.sentToWindows.filter((m) => m.channel === eventChannel(name)).map((m) => m.args[0]) as never,
    ipc: ((domain: string, method: string, input: unknown) =>
      standin.invoke(requestChannel(domain, method), input, MAIN_FRAME).then((r) => {
        const res = r as RpcResult<unknown>;
        if (!res.ok) throw new Error(`${domain}.${method}: ${res.error.code}: ${res.error.message}`);
        return res.value;
      })) as ShellEnv['ipc'],
    async close() {
      if (!standin.quitted) await courier.close().catch(() => undefined);
      standin.reset();
      if (!o.dir) await rm(dir, { recursive: true, force: true });
    },
  };
}
