import type { z } from 'zod';
import { contract, listRequests, type CourierHandlers } from '../../../shared/contract';
import { CourierError, type RpcResult } from '../../../shared/errors';

export interface CallContext {
  transport: 'electron' | 'web' | 'memory';
}

export interface RouterLog {
  error(message: string, detail?: unknown): void;
}

export interface Router {
  /** Every request channel, for transports that must register them one by one (ipcMain.handle). */
  readonly channels: readonly string[];
  dispatch(channel: string, rawInput: unknown, ctx: CallContext): Promise<RpcResult<unknown>>;
}

/** The first zod issue as a sentence a person can act on, naming the field. */
function describeIssue(error: z.ZodError): { message: string; field?: string } {
  const issue = error.issues[0];
  if (!issue) return { message: 'The request was not valid.' };
  const field = issue.path.map(String).join('.');
  return field ? { message: `${field}: ${issue.message}`, field } : { message: issue.message };
}

/**
 * Validates every input, runs the handler, validates the output, and turns every failure
 * into a typed error result: main never throws raw errors across the boundary.
 * Sender checks happen in the transports before dispatch (they know who is calling).
 */
export function createRouter(handlers: CourierHandlers<CallContext>, log: RouterLog): Router {
  type Ctx = CallContext;
  type Entry = { input: z.ZodType; output: z.ZodType; run: (input: unknown, ctx: Ctx) => Promise<unknown> };
  const table = new Map<string, Entry>();
  const tree = handlers as unknown as Record<string, Record<string, (input: unknown, ctx: Ctx) => Promise<unknown>>>;
  for (const { channel, domain, method, spec } of listRequests(contract.requests)) {
    const run = tree[domain]?.[method];
    if (!run) throw new Error(`No handler for ${channel}`);
    table.set(channel, { input: spec.input, output: spec.output, run });
  }

  return {
    channels: [...table.keys()],
    async dispatch(channel, rawInput, ctx) {
      const entry = table.get(channel);
      if (!entry) return { ok: false, error: { code: 'invalid_input', message: `Unknown request ${channel}.` } };
      const parsed = entry.input.safeParse(rawInput ?? {});
      if (!parsed.success) {
        const { message, field } = describeIssue(parsed.error);
        return { ok: false, error: field ? { code: 'invalid_input', message, field } : { code: 'invalid_input', message } };
      }
      try {
        const value = await entry.run(parsed.data, ctx);
        const out = entry.output.safeParse(value);
        if (!out.success) {
          log.error(`Handler ${channel} returned a value that does not match the contract`, out.error.issues);
          return { ok: false, error: { code: 'internal', message: 'Courier produced an unexpected answer. The details are in the activity log.' } };
        }
        return { ok: true, value: out.data };
      } catch (e) {
        if (e instanceof CourierError) return { ok: false, error: e.toRpcError() };
        log.error(`Handler ${channel} failed`, e);
        return { ok: false, error: { code: 'internal', message: 'Something went wrong inside Courier. The details are in the activity log.' } };
      }
    },
  };
}
