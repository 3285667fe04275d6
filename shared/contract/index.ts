// The one contract: every request and event of Courier, declared once. The preload bridge,
// the ipcMain router, the WebSocket transport and the renderer client are derived from it.
import { accountRequests } from './accounts';
import { appRequests } from './app';
import { jobRequests } from './jobs';
import { fileRequests } from './files';
import { transferRequests } from './transfers';
import { events, type Events } from './events';
import type { BridgeApi, ClientApi, HandlerTree } from './define';

export const contract = {
  requests: {
    ...appRequests,
    ...accountRequests,
    ...transferRequests,
    ...fileRequests,
    ...jobRequests,
  },
  // Declared on their own (events.ts): the event hub needs them without the requests.
  events,
};

export type Contract = typeof contract;
export type Requests = Contract['requests'];
export type CourierApi = BridgeApi<Requests, Events>;
export type CourierClient = ClientApi<Requests>;
export type CourierHandlers<Ctx> = HandlerTree<Requests, Ctx>;
export type { Events, EventName } from './events';
export { requestChannel, eventChannel, buildBridge, listRequests } from './define';
