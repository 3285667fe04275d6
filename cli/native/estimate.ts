// `courier jobs estimate --template NAME [--hours H]`: what a launch of the template would cost,
// from the catalog's core type prices (shared/cost.ts does the arithmetic the launch dialog does).
// Without a walltime and without --hours there is no total: the hourly price is printed alone
// (`total` and `hours` are null in --json) with a line saying how to get one.
import { InvalidArgumentError, type Command } from 'commander';
import { estimate, formatMoney, type Estimate } from '../../shared/cost';
import type { JobCost } from '../../shared/jobs';
import { action } from '../action';
import { clean, jsonText, type Out } from '../output';
import { call } from './core-call';

/** `--hours`: a positive number of hours (fractions allowed: an estimate, not a walltime). */
export function hoursArg(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+(\.\d+)?\s*$/.test(value) || !(n > 0) || n > 10_000) throw new InvalidArgumentError('Give a number of hours greater than 0, e.g. 4 or 0.5.');
  return n;
}

function printEstimate(out: Out, name: string, e: Estimate): void {
  const money = (n: number | null) => formatMoney(n, e.currency) ?? 'price not available';
  out.result(`Template:\t${clean(name)}`);
  out.result(`Hardware:\t${clean(e.coreType)} × ${e.cores} core${e.cores === 1 ? '' : 's'}${e.lowPriority ? ' (low priority)' : ''}`);
  out.result(`Hourly:\t${money(e.hourly)}${e.hourly === null ? '' : ` per hour (${e.currency})`}`);
  if (e.hours === null) {
    out.result('Total:\tno walltime in the template: give --hours H for a total');
    return;
  }
  out.result(`Total:\t${money(e.total)} for ${e.hours} h`);
}

/** `jobs show`: the cost so far (final once the job has ended) and the hourly price it comes from. */
export function costLine(c: JobCost): string {
  const soFar = formatMoney(c.soFar, c.currency, 'en-US', c.endedAt === null);
  const hourly = formatMoney(c.hourly, c.currency);
  const hw = `${clean(c.coreType)} × ${c.cores}${c.lowPriority ? ', low priority' : ''}`;
  if (soFar === null || hourly === null) return `  cost   price not available (${hw})`;
  return `  cost   ${soFar}${c.endedAt === null ? ' so far' : ''} (${hourly} per hour, ${hw})${c.walltimeHours ? `; walltime ${c.walltimeHours} h` : ''}`;
}

export function registerEstimateCommand(jobs: Command): void {
  jobs
    .command('estimate')
    .description("what a launch of a template costs: hourly price and the total for its walltime (or --hours), from the platform's prices")
    .requiredOption('-t, --template <name>', 'template id or name, e.g. chainer')
    .option('--hours <h>', "hours to price (default: the template's walltime)", hoursArg)
    .action(
      action<{ template: string; hours?: number }>(async (ctx, out, o) => {
        const c = await ctx.courierWithAccount();
        const entry = await call(c, 'templates', 'get', { id: o.template });
        const catalog = await call(c, 'catalog', 'get', {});
        const e = estimate(entry.template, catalog, o.hours);
        if (out.json) return out.result(jsonText({ template: entry.template.id, ...e }));
        if (!catalog.coreTypes.some((t) => t.code === e.coreType)) out.log(`The catalog has no core type "${clean(e.coreType)}".`);
        printEstimate(out, entry.template.name, e);
      }),
    );
}
