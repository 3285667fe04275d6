import { CourierError } from '../shared/errors';
import { describeFsError } from './paths';

/** rescale-cli's log time: local "YYYY-MM-DD HH:MM:SS,mmm". */
export function slf4jTime(d = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())},${p(d.getMilliseconds(), 3)}`;
}

/** Exit code of rescale-cli (and Courier's compatible mode) on any error. */
export const EXIT_ERROR = 33;
/** A --timeout ran out before what was awaited happened (as timeout(1) exits). */
export const EXIT_TIMEOUT = 124;
/** Ctrl-C stopped the command (128 + SIGINT, as a shell reports it). */
export const EXIT_INTERRUPTED = 130;

/** Not an error: the command stops here with this message and exit code (e.g. a --timeout). */
export class CliStop extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliStop';
  }
}

// ESC/CSI sequences (colours, cursor moves, OSC titles and links) and the lone controls left:
// C0, DEL, C1 (0x9b is a one-byte CSI) and the bidi overrides that reorder what a terminal shows.
/* eslint-disable no-control-regex -- matching control characters is the point here */
const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]|\x9b[0-?]*[ -/]*[@-~]/g;
const CONTROLS = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */

/**
 * A string from the platform (a file or job name, a status, an error text) made safe to print
 * on a terminal: escape sequences and control characters removed (tabs and line breaks become
 * spaces, so a name cannot split a table row); printable Unicode is kept as it is.
 */
export function clean(s: string): string {
  return s.replace(ESCAPES, '').replace(CONTROLS, (c) => (c === '\t' || c === '\n' || c === '\r' ? ' ' : ''));
}

/**
 * JSON for stdout. JSON.stringify escapes C0 but leaves DEL, C1 and bidi controls raw; they are
 * written as \u escapes here, so the value is unchanged for a parser and inert on a terminal.
 */
export function jsonText(value: unknown, indent?: number): string {
  return escapeJsonControls(JSON.stringify(value, null, indent));
}

export function escapeJsonControls(json: string): string {
  return json.replace(/[\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Every printed line goes through clean() (our own line breaks and tab columns kept): the last guard for text that came from the platform. */
function printable(text: string): string {
  return text
    .split('\n')
    .map((line) => line.split('\t').map(clean).join('\t'))
    .join('\n');
}

export interface Out {
  /** Progress and log lines ("- Authenticated as …"); suppressed by -q. */
  log(message: string): void;
  /** The command's result, always printed (JSON lines, status sentences). */
  result(text: string): void;
  quiet: boolean;
  json: boolean;
}

export function makeOut(opts: { quiet?: boolean; json?: boolean }): Out {
  const quiet = !!opts.quiet;
  return {
    quiet,
    json: !!opts.json,
    log: (m) => {
      if (!quiet) process.stdout.write(`${slf4jTime()} - ${printable(m)}\n`);
    },
    result: (t) => process.stdout.write(`${printable(t.endsWith('\n') ? t.slice(0, -1) : t)}\n`),
  };
}

/** Prints an error the way rescale-cli does (one line on stdout) and sets exit code 33. */
export function reportError(e: unknown, out: Pick<Out, 'quiet'>, advice?: string): void {
  if (e instanceof CliStop) {
    if (!out.quiet) process.stdout.write(`${slf4jTime()} - ${clean(e.message)}\n`);
    else process.stderr.write(`${clean(e.message)}\n`);
    process.exitCode = e.exitCode;
    return;
  }
  const base = e instanceof CourierError ? e.message : (describeFsError(e) ?? (e instanceof Error ? e.message : String(e)));
  const message = clean(advice ? `${base} ${advice}` : base);
  if (!out.quiet) process.stdout.write(`${slf4jTime()} - ERROR - ${message}\n`);
  else process.stderr.write(`ERROR - ${message}\n`);
  process.exitCode = EXIT_ERROR;
}
