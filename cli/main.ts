import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { each, fileId, folderId, jobId, runId } from './arg-checks';
import { CourierError } from '../shared/errors';
import { courierVersion } from '../main/core/version';
import type { CliContext, GlobalFlags } from './context';
import { registerAccountCommands } from './native/accounts';
import { registerJobCommands } from './native/jobs';
import { addTransferFlags } from './transfer-flags';
import { EXIT_ERROR, makeOut, reportError, slf4jTime, type Out } from './output';
import { trace } from './trace';
import { closeEarlyPool, startPoolEarly } from './early-pool';

/**
 * A command's implementation, imported when the command runs: `--version` and `--help` load
 * only commander and the command table (the core, the transfer engine and SQLite stay unloaded).
 */
function lazy<M, K extends keyof M>(load: () => Promise<M>, name: K): M[K] {
  return ((...args: unknown[]) => load().then((m) => (m[name] as (...a: unknown[]) => unknown)(...args))) as M[K];
}
const jobCommands = () => import('./compat/job-commands');
const transferCommands = () => import('./compat/transfer-commands');
const statusCommand = lazy(jobCommands, 'statusCommand');
const stopCommand = lazy(jobCommands, 'stopCommand');
const deleteCommand = lazy(jobCommands, 'deleteCommand');
const listFilesCommand = lazy(jobCommands, 'listFilesCommand');
const uploadCommand = lazy(transferCommands, 'uploadCommand');
const syncCommand = lazy(transferCommands, 'syncCommand');
const downloadCommand = lazy(transferCommands, 'downloadCommand');
const downloadFileCommand = lazy(transferCommands, 'downloadFileCommand');
const submitCommand = lazy(() => import('./compat/submit'), 'submitCommand');
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
    if (o.transfers?.(flags)) startPoolEarly();
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
const TRANSFERS = { transfers: () => true };

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

/** Commander's own errors (unknown option, bad value) in the same ERROR line as every other. */
function commanderErrorLine(str: string): void {
  const text = str.trim();
  if (text.startsWith('error: ')) process.stdout.write(`${slf4jTime()} - ERROR - ${text.slice('error: '.length)}\n`);
  else process.stderr.write(`${text}\n`);
}

export function buildProgram(): Command {
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
        'Exit codes: 0 done, 33 error (one ERROR line says what and what to do), 124 a --timeout ran out.',
    )
    .showHelpAfterError('(run with --help for usage)')
    // Set before any subcommand exists: subcommands copy these settings when created.
    .exitOverride()
    .configureOutput({ outputError: commanderErrorLine });

  addTransferFlags(program);

  // rescale-cli compatible job commands
  program
    .command('status')
    .description('print the status of a job')
    .requiredOption('-j, --job <id>', 'job id', jobId)
    .option('-e, --extended', 'print JSON')
    .action(action(statusCommand));
  program.command('stop').description('stop a running job').requiredOption('-j, --job <id>', 'job id', jobId).action(action(stopCommand));
  program.command('delete').description('delete a job').requiredOption('-j, --job <id>', 'job id', jobId).action(action(deleteCommand));
  program
    .command('list-files')
    .description("list the files of a job's active run (or -r RUN)")
    .requiredOption('-j, --job <id>', 'job id', jobId)
    .option('-r, --run <run>', 'run id', runId)
    .action(action(listFilesCommand));

  program
    .command('upload')
    .description('upload files and folders (folders keep their structure); rescale-cli style: upload -f FILE... [-d FOLDER] [-e]')
    .argument('[paths...]', 'files or folders to upload')
    .option('-f, --files <files...>', 'files to upload (rescale-cli style)')
    .option('-d, --directory <folderId>', 'Rescale folder id to upload into', folderId)
    .option('-e, --extended', 'print the uploaded files as one JSON line (rescale-cli -e)')
    .option('--as-archive', 'upload each folder as one .zip: one file on the platform, registered once; unpack it yourself or in a job')
    .action(
      action<{ files?: string[]; directory?: string; extended?: boolean; asArchive?: boolean }>(
        (ctx, out, o) => uploadCommand(ctx, out, { ...o, ...(o.files ? {} : { paths: ctx.args[0] as unknown as string[] }) }),
        TRANSFERS,
      ),
    );
  program
    .command('sync')
    .description('download the output files of a job into ./rescale_job_<JOB>/ (existing files are skipped)')
    .requiredOption('-j, --job <id>', 'job id', jobId)
    .option('-f, --files <globs...>', 'only files whose name matches, e.g. "*.log"')
    .option('--exclude <terms...>', 'skip files whose name contains any of these (case-insensitive)')
    .option('-s, --search <terms...>', 'only files whose name contains all of these (case-insensitive)')
    .option('-o, --output-dir <dir>', 'where to write (default ./rescale_job_<JOB>)')
    .action(action(syncCommand, TRANSFERS));
  program
    .command('download')
    .description('download Rescale files by id, or the outputs of a job (--job, --filter "*.log")')
    .argument('[fileIds...]', 'Rescale file ids', each(fileId))
    .option('-j, --job <id>', 'a job whose output files to download', jobId)
    .option('--filter <globs...>', 'with --job: only files whose name matches')
    .option('-o, --output-dir <dir>', 'where to write (default . ; with --job ./rescale_job_<JOB>)')
    .action(
      action<{ job?: string; filter?: string[]; outputDir?: string }>(
        (ctx, out, o) => downloadCommand(ctx, out, { ...o, ids: ctx.args[0] as unknown as string[] }),
        TRANSFERS,
      ),
    );
  program
    .command('download-file')
    .description('download one file: --file-id ID, or -j JOB -f NAME')
    .option('--file-id <id>', 'Rescale file id', fileId)
    .option('-j, --job <id>', 'job id', jobId)
    .option('-f, --file <name>', 'file name within the job')
    .option('-o, --output-dir <dir>', 'where to write (default .)')
    .option('-e, --extended', 'print the file record as JSON instead of downloading')
    .action(action<{ extended?: boolean }>((ctx, out, opts) => downloadFileCommand(ctx, out, opts), { transfers: (opts) => !opts.extended }));

  program
    .command('submit')
    .description('rescale-cli submit: run a script with #RESCALE_* directives; other files go up as input.zip')
    .requiredOption('-i, --input-file <script>', 'the script (uploaded as run.sh)')
    .argument('[files...]', 'other input files (zipped flat into input.zip)')
    .option('--waive-sla', 'low priority (cheaper, may wait)')
    .option('-e, --extended', 'print the created job as JSON')
    .addOption(new Option('-t, --type <t>').hideHelp())
    .action(
      action<{ inputFile: string; waiveSla?: boolean; extended?: boolean }>((ctx, out, o) =>
        submitCommand(ctx, out, { ...o, files: ctx.args[0] as unknown as string[] }),
      ),
    );

  registerAccountCommands(program);
  registerJobCommands(program);

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
  return program;
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
