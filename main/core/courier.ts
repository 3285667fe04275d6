import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { CourierHandlers } from '../../shared/contract';
import { ActivityLog } from './activity/log';
import { EventHub } from './events/hub';
import { createRouter, type CallContext, type Router } from './rpc/router';
import { appHandlers } from './handlers/app';

/** What the host (Electron shell, web host, tests) hands to core. */
export interface CourierPorts {
  shell: 'electron' | 'web';
  version: string;
  /** Per-user data folder: journal, outbox, settings, activity log (created 0700). */
  dataDir: string;
  /** Opens a validated http(s) URL in the OS browser; absent where there is none. */
  openExternal?: (url: string) => Promise<void>;
}

export interface Courier {
  readonly hub: EventHub;
  readonly activity: ActivityLog;
  readonly router: Router;
  readonly ports: CourierPorts;
  isOnline(): boolean;
  close(): Promise<void>;
}

/** The composition root of core: builds every service once and the handlers the router dispatches to. */
export async function createCourier(ports: CourierPorts): Promise<Courier> {
  mkdirSync(ports.dataDir, { recursive: true, mode: 0o700 });
  const hub = new EventHub();
  const activity = new ActivityLog(join(ports.dataDir, 'activity.jsonl'), hub);
  const online = true;

  const services = { hub, activity, ports, isOnline: () => online };
  const handlers: CourierHandlers<CallContext> = {
    ...appHandlers(services),
  };
  const router = createRouter(handlers, {
    error: (message, detail) => activity.error('app', `${message}: ${detail instanceof Error ? detail.message : JSON.stringify(detail)}`),
  });

  return {
    hub,
    activity,
    router,
    ports,
    isOnline: services.isOnline,
    async close() {},
  };
}

export type CoreServices = { hub: EventHub; activity: ActivityLog; ports: CourierPorts; isOnline: () => boolean };
