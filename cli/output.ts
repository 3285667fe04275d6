import { CourierError } from '../shared/errors';

/** rescale-cli's log time: local "YYYY-MM-DD HH:MM:SS,mmm". */
export function slf4jTime(d = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())},${p(d.getMilliseconds(), 3)}`;
}

/** rescale-cli's JSON time: UTC with milliseconds and an explicit +00:00 (never Z). */
export function isoPlusZero(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

/** Exit code of rescale-cli (and Courier's compatible mode) on any error. */
export const EXIT_ERROR = 33;

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
      if (!quiet) process.stdout.write(`${slf4jTime()} - ${m}\n`);
    },
    result: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
  };
}

/** Prints an error the way rescale-cli does (one line on stdout) and sets exit code 33. */
export function reportError(e: unknown, out: Pick<Out, 'quiet'>): void {
  const message = e instanceof CourierError ? e.message : e instanceof Error ? e.message : String(e);
  if (!out.quiet) process.stdout.write(`${slf4jTime()} - ERROR - ${message}\n`);
  else process.stderr.write(`ERROR - ${message}\n`);
  process.exitCode = EXIT_ERROR;
}
