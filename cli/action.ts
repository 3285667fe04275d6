// How a command runs: its implementation loaded on demand, a context opened and closed around it,
// and every failure reported as one ERROR line. Separate from main.ts so that the command
// registrars (cli/native/*, cli/compat/register.ts) can use it without importing the program.
import type { Command } from 'commander';
import { CourierError } from '../shared/errors';
import type { CliContext, GlobalFlags } from './context';
import { EXIT_ERROR, makeOut, reportError, type Out } from './output';
import { trace } from './trace';
import { closeEarlyPool, startPoolEarly } from './early-pool';

/**
 * A command's implementation, imported when the command runs: `--version` and `--help` load
 * only commander and the command table (the core, the transfer engine and SQLite stay unloaded).
 */
export function lazy<M, K extends keyof M>(load: () => Promise<M>, name: K): M[K] {
  return ((...args: unknown[]) => load().then((m) => (m[name] as (...a: unknown[]) => unknown)(...args))) as M[K];
}

/** What an offline error means for most commands: the CLI keeps no queue of its own. */
export const NOT_QUEUED = 'Nothing was queued and nothing retries in the background: run the same command again once the connection is back.';

/**
 * Runs a command with the context and the error convention (one ERROR line, exit 33).
 * `offline` is appended to an "unreachable" error: what happens now (NOT_QUEUED by default).
 */
export function action<T>(fn: (ctx: CliContext, out: Out, opts: T) => Promise<void>, o: { offline?: string; transfers?: (opts: T) => boolean } = {}) {
  return async (...args: unknown[]) => {
    const cmd = args.at(-1) as Command;
    const flags = cmd.optsWithGlobals() as GlobalFlags & T;
    // Before anything else loads: the worker threads boot while the main thread signs in.
    if (o.transfers?.(flags)) await startPoolEarly();
    const out = makeOut(flags);
    endOnUnhandledRejection(out);
    const { CliContext } = await import('./context');
    const ctx: CliContext = new CliContext(flags, process.env, cmd.processedArgs as string[]);
    trace('context');
    try {
      await fn(ctx, out, flags);
      trace('command done');
    } catch (e) {
      reportError(e, out, e instanceof CourierError && e.code === 'offline' ? (o.offline ?? NOT_QUEUED) : undefined);
    } finally {
      await ctx.close().catch((e: unknown) => reportError(e, out));
      await closeEarlyPool();
      trace('context closed');
    }
  };
}

/** Commands that move files start their worker threads first. */
export const TRANSFERS = { transfers: () => true };

/**
 * A one-shot command whose promise nobody awaited failed: report it like any error and end the
 * run (its result is unknown). Long-running `web` keeps its own policy (it logs and serves on).
 */
let rejectionNet = false;
function endOnUnhandledRejection(out: Out): void {
  if (rejectionNet) return;
  rejectionNet = true;
  process.on('unhandledRejection', (e) => {
    reportError(e, out);
    process.exit(EXIT_ERROR);
  });
}
