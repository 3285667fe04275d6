import * as z from 'zod';
import { TEMPLATE_IMPORT_MAX_CHARS } from './contract/jobs';

// Frames of the WebSocket transport. The payloads inside are checked by the contract.
export const wsClientFrame = z.object({ t: z.literal('req'), id: z.number().int(), ch: z.string().max(200), input: z.unknown() });

export type WsServerFrame = { t: 'res'; id: number; result: unknown } | { t: 'evt'; ch: string; payload: unknown };

/** Path of the socket on the web host. */
export const wsPath = '/rpc';

/**
 * The largest frame the web host accepts, in bytes. It must carry the contract's largest request,
 * a template import at its maximum length, however it is written: JSON.stringify turns one UTF-16
 * unit into at most 6 bytes (a control character or a lone surrogate becomes `\u001f`), plus the
 * frame's own fields. Larger frames close the socket (1009) before any of it is parsed.
 */
export const wsMaxPayload = TEMPLATE_IMPORT_MAX_CHARS * 6 + 64 * 1024;
