// The one contract: every request and event of Courier, declared once. The preload bridge,
// the ipcMain router, the WebSocket transport and the renderer client are derived from it.
import { accountEvents, accountRequests } from './accounts';
import { appEvents, appRequests } from './app';
import { jobEvents, jobRequests } from './jobs';
import { fileRequests } from './files';
import { transferEvents, transferRequests } from './transfers';
import type { BridgeApi, ClientApi, HandlerTree } from './define';

export const contract = {
  requests: {
    ...appRequests,
    ...accountRequests,
    ...transferRequests,
    ...fileRequests,
    ...jobRequests,
  },
  events: {
    ...appEvents,
    ...accountEvents,
    ...transferEvents,
    ...jobEvents,
  },
};

export type Contract = typeof contract;
export type Requests = Contract['requests'];
export type Events = Contract['events'];
export type CourierApi = BridgeApi<Requests, Events>;
export type CourierClient = ClientApi<Requests>;
export type CourierHandlers<Ctx> = HandlerTree<Requests, Ctx>;
export type EventName = keyof Events & string;
export { requestChannel, eventChannel, buildBridge, listRequests } from './define';
