import type { z } from 'zod';
import type { Requests } from '../../shared/contract';
import { CourierError } from '../../shared/errors';
import type { Courier } from '../../main/core/courier';

/**
 * The CLI as one more transport of the contract: native commands call the same handlers the
 * UI does (validated input and output, the same errors), in process.
 */
export async function call<D extends keyof Requests & string, M extends keyof Requests[D] & string>(
  c: Courier,
  domain: D,
  method: M,
  input: z.input<Requests[D][M] extends { input: infer I extends z.ZodType } ? I : never>,
): Promise<z.output<Requests[D][M] extends { output: infer O extends z.ZodType } ? O : never>> {
  // Imported here: the contract's schemas load zod, which `courier --help` should not wait for.
  const { requestChannel } = await import('../../shared/contract');
  const r = await c.router.dispatch(requestChannel(domain, method), input, { transport: 'memory' });
  if (!r.ok) throw new CourierError(r.error.code, r.error.message, r.error.field ? { field: r.error.field } : {});
  return r.value as never;
}
