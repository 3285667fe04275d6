import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { courierVersion } from '../main/core/version';
import type { GlobalFlags } from './context';
import { lazy } from './action';
import { registerCompatCommands } from './compat/register';
import { registerAccountCommands } from './native/accounts';
import { registerJobCommands } from './native/jobs';
import { addTransferFlags } from './transfer-flags';
import { EXIT_ERROR, reportError, slf4jTime } from './output';
import { trace } from './trace';

const runWeb = lazy(() => import('./web-command'), 'runWeb');

function portNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535 (0 = any free port).');
  return n;
}

/** rescale-cli accepts multi-letter short flags; commander does not, so spell them out first. */
export function normalizeArgv(argv: string[]): string[] {
  const aliases: Record<string, string> = { '-fid': '--file-id', '-lh': '--load-hours' };
  return argv.map((a) => aliases[a] ?? a);
}

/** Commander's own errors (unknown option, bad value) in the same ERROR line as every other. */
function commanderErrorLine(str: string): void {
  const text = str.trim();
  if (text.startsWith('error: ')) process.stdout.write(`${slf4jTime()} - ERROR - ${text.slice('error: '.length)}\n`);
  else process.stderr.write(`${text}\n`);
}

/** The root command: the global flags, the help's epilogue and the error convention. */
function rootProgram(): Command {
  const program = new Command('courier')
    .description(
      'Courier: fast, safe transfers and GPU jobs on Rescale.\nCompatible with rescale-cli: `courier -X URL upload -p KEY -f FILE -e` works like `java -jar rescale.jar ...`.',
    )
    .version(courierVersion, '-v, --version')
    .option('-X, --api-base-url <url>', 'platform address, e.g. https://platform.rescale.jp (env RESCALE_API_URL)')
    .option('-p, --api-token <key>', 'API key (env RESCALE_API_KEY); overrides stored accounts')
    .option('-q, --quiet', 'no log lines, only results')
    .option('--profile <name>', 'a Courier account (label or id), or a section of ~/.config/rescale/apiconfig')
    .option('--data <dir>', 'Courier data folder (default: the per-user one)')
    .option('--json', 'machine-readable output (native commands)')
    .addOption(new Option('--no-prompt').hideHelp())
    .addOption(new Option('--enableErrorTracking').hideHelp())
    .addHelpText(
      'after',
      '\nEnvironment:\n  RESCALE_API_KEY, RESCALE_API_URL   the key and platform for this run (as -p, -X)\n' +
        '  COURIER_PASSPHRASE                 opens the encrypted key file (keys.encrypted.json) without a prompt\n' +
        '  COURIER_KEY_STORE                  encrypted-file | memory | file (unencrypted, opt-in): where stored keys go\n\n' +
        'Exit codes: 0 done, 33 error (one ERROR line says what and what to do), 124 a --timeout ran out, 130 paused by Ctrl-C.',
    )
    .showHelpAfterError('(run with --help for usage)')
    // Set before any subcommand exists: subcommands copy these settings when created.
    .exitOverride()
    .configureOutput({ outputError: commanderErrorLine });
  addTransferFlags(program);
  return program;
}

export function buildProgram(): Command {
  const program = rootProgram();
  registerCompatCommands(program);
  registerAccountCommands(program);
  registerJobCommands(program);
  registerHostCommands(program);
  return program;
}

/** `web` and `sandbox`: long-running hosts, outside the one-shot action wrapper. */
function registerHostCommands(program: Command): void {
  program
    .command('web')
    .description('run Courier in your browser (loopback web host)')
    .option('--port <n>', 'port to listen on (default: any free port)', portNumber)
    .option('--no-open', 'only print the URL, do not open a browser')
    .action(async (o: { port?: number; open: boolean }, cmd: Command) => {
      const g = cmd.optsWithGlobals() as GlobalFlags;
      await runWeb({ ...o, ...(g.data ? { dataDir: g.data } : {}) });
    });

  program
    .command('sandbox')
    .description('run a local Rescale (API + S3) for demos and tests; prints one JSON line when ready')
    .helpOption(false)
    .allowUnknownOption(true)
    .argument('[args...]')
    .action(async (args: string[], _o: unknown, cmd: Command) => {
      // --data is also a global flag, so commander hands it to us there.
      const g = cmd.optsWithGlobals() as GlobalFlags;
      const { runSandboxCli } = await import('../sandbox');
      await runSandboxCli([...(g.data ? ['--data', g.data] : []), ...args]);
    });
}

/**
 * Every way a run can fail ends as one ERROR line and exit 33 (a --timeout as its own code),
 * never a stack trace: usage errors, errors outside the action wrapper (web, sandbox) and, in
 * one-shot commands, promises nobody awaited.
 */
export async function main(argv: string[]): Promise<void> {
  trace('main');
  const quiet = argv.includes('-q') || argv.includes('--quiet');
  try {
    await buildProgram().parseAsync(normalizeArgv(argv));
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and --version end with 0; usage errors were printed by commanderErrorLine.
      process.exitCode = e.exitCode === 0 ? 0 : EXIT_ERROR;
      return;
    }
    reportError(e, { quiet });
  }
}
