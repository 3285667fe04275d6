import { z } from 'zod';

// Frames of the WebSocket transport. The payloads inside are checked by the contract.
export const wsClientFrame = z.object({ t: z.literal('req'), id: z.number().int(), ch: z.string().max(200), input: z.unknown() });
export type WsClientFrame = z.infer<typeof wsClientFrame>;

export type WsServerFrame =
  | { t: 'res'; id: number; result: unknown }
  | { t: 'evt'; ch: string; payload: unknown };

/** Path of the socket on the web host. */
export const wsPath = '/rpc';
