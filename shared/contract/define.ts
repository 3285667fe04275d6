import type { z } from 'zod';
import type { RpcResult } from '../errors';

/** A request: validated input in, validated output out. */
export interface RequestSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
}
export const request = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O): RequestSpec<I, O> => ({ input, output });

/** Requests grouped by domain: `contract.requests.transfers.start`. */
export type RequestTree = Record<string, Record<string, RequestSpec>>;
export type EventMap = Record<string, z.ZodType>;

// The only place channel names are spelled: every transport derives them from here.
export const requestChannel = (domain: string, method: string): string => `courier:${domain}.${method}`;
export const eventChannel = (name: string): string => `courier:event.${name}`;

/** What a caller sees: one async function per request, resolving to a result (never throwing). */
export type BridgeApi<R extends RequestTree, E extends EventMap> = {
  readonly [D in keyof R]: {
    readonly [M in keyof R[D]]: (input: z.input<R[D][M]['input']>) => Promise<RpcResult<z.output<R[D][M]['output']>>>;
  };
} & {
  readonly on: <K extends keyof E & string>(event: K, listener: (payload: z.output<E[K]>) => void) => () => void;
};

/** The same API with results unwrapped: resolves to the value, rejects on failure (renderer client). */
export type ClientApi<R extends RequestTree> = {
  readonly [D in keyof R]: {
    readonly [M in keyof R[D]]: (input: z.input<R[D][M]['input']>) => Promise<z.output<R[D][M]['output']>>;
  };
};

/** What main implements: one async function per request. */
export type HandlerTree<R extends RequestTree, Ctx> = {
  [D in keyof R]: {
    [M in keyof R[D]]: (input: z.output<R[D][M]['input']>, ctx: Ctx) => Promise<z.input<R[D][M]['output']>>;
  };
};

export type Invoke = (channel: string, input: unknown) => Promise<RpcResult<unknown>>;
export type Subscribe = (channel: string, listener: (payload: unknown) => void) => () => void;

/**
 * Builds the caller-side API from the contract over any transport (preload IPC, WebSocket,
 * in-memory). The transport only moves JSON-safe values; typing comes from the contract.
 */
export function buildBridge<R extends RequestTree, E extends EventMap>(
  contract: { requests: R; events: E },
  invoke: Invoke,
  subscribe: Subscribe,
): BridgeApi<R, E> {
  const api: Record<string, unknown> = {};
  for (const [domain, methods] of Object.entries(contract.requests)) {
    const group: Record<string, (input: unknown) => Promise<RpcResult<unknown>>> = {};
    for (const method of Object.keys(methods)) {
      const channel = requestChannel(domain, method);
      group[method] = (input: unknown) => invoke(channel, input);
    }
    api[domain] = Object.freeze(group);
  }
  api.on = (event: string, listener: (payload: unknown) => void) => {
    if (!(event in contract.events)) throw new Error(`Unknown event ${event}`);
    return subscribe(eventChannel(event), listener);
  };
  return Object.freeze(api) as BridgeApi<R, E>;
}

/** Every request channel of a contract, with its spec (for routers). */
export function listRequests(requests: RequestTree): { channel: string; domain: string; method: string; spec: RequestSpec }[] {
  const out: { channel: string; domain: string; method: string; spec: RequestSpec }[] = [];
  for (const [domain, methods] of Object.entries(requests)) {
    for (const [method, spec] of Object.entries(methods)) out.push({ channel: requestChannel(domain, method), domain, method, spec });
  }
  return out;
}
