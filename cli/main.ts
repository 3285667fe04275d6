import { Command, InvalidArgumentError } from 'commander';
import { courierVersion } from '../main/core/version';
import { runWeb } from './web-command';

function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535 (0 = any free port).');
  return n;
}

export function buildProgram(): Command {
  const program = new Command('courier').description('Courier: fast, safe transfers and GPU jobs on Rescale.').version(courierVersion);
  program
    .command('web')
    .description('Run Courier in your browser (loopback web host).')
    .option('--port <n>', 'port to listen on (default: any free port)', portNumber)
    .option('--no-open', 'only print the URL, do not open a browser')
    .option('--data <dir>', 'data folder (default: the per-user Courier folder)')
    .action(async (o: { port?: number; open: boolean; data?: string }) => runWeb({ ...o, ...(o.data ? { dataDir: o.data } : {}) }));
  return program;
}

export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
