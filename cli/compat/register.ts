// The rescale-cli compatible commands (status, stop, delete, list-files, upload, sync, download,
// download-file, submit): their options and help. The implementations are imported only when a
// command runs, so `--help` and `--version` never load the core.
import { Option, type Command } from 'commander';
import { each, fileId, folderId, IF_EXISTS, jobId, runId, sourceFolderId, type IfExists } from '../arg-checks';
import { action, lazy, TRANSFERS } from '../action';

const jobCommands = () => import('./job-commands');
const transferCommands = () => import('./transfer-commands');
const statusCommand = lazy(jobCommands, 'statusCommand');
const stopCommand = lazy(jobCommands, 'stopCommand');
const deleteCommand = lazy(jobCommands, 'deleteCommand');
const listFilesCommand = lazy(jobCommands, 'listFilesCommand');
const uploadCommand = lazy(transferCommands, 'uploadCommand');
const syncCommand = lazy(transferCommands, 'syncCommand');
const downloadCommand = lazy(transferCommands, 'downloadCommand');
const downloadFileCommand = lazy(transferCommands, 'downloadFileCommand');
const submitCommand = lazy(() => import('./submit'), 'submitCommand');
const listFolderCommand = lazy(() => import('./list-folder'), 'listFolderCommand');

export function registerCompatCommands(program: Command): void {
  registerCompatJobCommands(program);
  registerCompatTransferCommands(program);
  registerCompatSubmit(program);
}

/** A command about one job: `-j JOB` is required, as in rescale-cli. */
function jobCommand(program: Command, name: string, description: string): Command {
  return program.command(name).description(description).requiredOption('-j, --job <id>', 'job id', jobId);
}

function registerCompatJobCommands(program: Command): void {
  jobCommand(program, 'status', 'print the status of a job').option('-e, --extended', 'print JSON').action(action(statusCommand));
  jobCommand(program, 'stop', 'stop a running job').action(action(stopCommand));
  jobCommand(program, 'delete', 'delete a job').action(action(deleteCommand));
  jobCommand(program, 'list-files', 'list the files of a job (of one run with -r RUN)')
    .option('-r, --run <run>', 'run id', runId)
    .action(action(listFilesCommand));
}

function registerCompatTransferCommands(program: Command): void {
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
  jobCommand(program, 'sync', 'download the output files of a job into ./rescale_job_<JOB>/ (existing files are skipped)')
    .option('-f, --files <globs...>', 'only files whose name matches, e.g. "*.log"')
    .option('--exclude <terms...>', 'skip files whose name contains any of these (case-insensitive)')
    .option('-s, --search <terms...>', 'only files whose name contains all of these (case-insensitive)')
    .option('-o, --output-dir <dir>', 'where to write (default ./rescale_job_<JOB>)')
    .action(action(syncCommand, TRANSFERS));
  program
    .command('download')
    .description('download Rescale files by id, a Rescale folder with its sub-folders (--folder), or the outputs of a job (--job, --filter "*.log")')
    .argument('[fileIds...]', 'Rescale file ids', each(fileId))
    .option('--folder <id>', 'a Rescale folder to download with everything below it (`courier upload DIR` prints its id)', sourceFolderId)
    .option('-j, --job <id>', 'a job whose output files to download', jobId)
    .option('--filter <globs...>', 'with --job: only files whose name matches')
    .option('-o, --output-dir <dir>', 'where to write (default . ; with --folder ./rescale_folder_<ID> ; with --job ./rescale_job_<JOB>)')
    .addOption(ifExistsOption())
    .action(
      action<{ job?: string; folder?: string; filter?: string[]; outputDir?: string; ifExists?: IfExists }>(
        (ctx, out, o) => downloadCommand(ctx, out, { ...o, ids: ctx.args[0] as unknown as string[] }),
        TRANSFERS,
      ),
    );
  program
    .command('ls')
    .description('list a Rescale folder (default: My Library): its folders and files, with their ids')
    .argument('[folderId]', 'the folder (`courier upload DIR` prints the ids of the folders it makes)', sourceFolderId)
    .action(action((ctx, out) => listFolderCommand(ctx, out, ctx.args[0] as string | undefined)));
  program
    .command('download-file')
    .description('download one file: --file-id ID, or -j JOB -f NAME')
    .option('--file-id <id>', 'Rescale file id', fileId)
    .option('-j, --job <id>', 'job id', jobId)
    .option('-f, --file <name>', 'file name within the job')
    .option('-o, --output-dir <dir>', 'where to write (default .)')
    .option('-e, --extended', 'print the file record as JSON instead of downloading')
    .addOption(ifExistsOption())
    .action(
      action<{ extended?: boolean; ifExists?: IfExists }>((ctx, out, opts) => downloadFileCommand(ctx, out, opts), { transfers: (opts) => !opts.extended }),
    );
}

/** What a download does where a file of its name already is; never loses a file unless asked to. */
function ifExistsOption(): Option {
  return new Option(
    '--if-exists <what>',
    'where a file of that name already is: keep-both (default; the new one is named "NAME (1).ext"), overwrite, or skip',
  ).choices(IF_EXISTS);
}

function registerCompatSubmit(program: Command): void {
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
}
