// Waiting for a submission or a job to get somewhere. The answer is read from jobs.db, which
// every Courier process on the data folder writes: on each event of this process and once a
// second, so progress made by another process (the app sending the submission, or downloading
// the outputs) ends the wait as surely as this process's own.
import { InvalidArgumentError } from 'commander';
import { CourierError } from '../../shared/errors';
import { statusDef } from '../../shared/job-status';
import type { JobChanged } from '../../shared/jobs';
import type { Courier } from '../../main/core/courier';
import type { Submission } from '../../main/core/jobs/outbox-store';
import { jobChangedView } from '../../main/core/jobs/views';
import { clean, CliStop, EXIT_TIMEOUT, slf4jTime, type Out } from '../output';
import { call } from './core-call';

/** The platform's word, cleaned; "(not known to Courier)" after one the vocabulary lacks, so nobody waits on it as an ending. */
export function statusWord(status: string): string {
  return status && !statusDef(status) ? `${clean(status)} (not known to Courier)` : clean(status);
}

/** A --timeout: the original text (for messages) and when it runs out. */
export interface Deadline {
  text: string;
  at: number;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "90" (seconds), "90s", "15m", "2h", "500ms". */
export function parseDuration(value: string): Deadline {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  const ms = m ? Math.round(Number(m[1]) * (UNIT_MS[m[2] ?? 's'] as number)) : NaN;
  if (!m || !(ms > 0)) throw new InvalidArgumentError(`"${value}" is not a duration; use a number with s, m or h, e.g. 90s, 15m or 2h.`);
  return { text: value.trim(), at: Date.now() + ms };
}

/**
 * Resolves with the first value `check` returns; rejects with what it throws, or with
 * `timedOut()` at the deadline. The interval also keeps the process alive meanwhile.
 */
export function until<T>(c: Courier, check: () => T | undefined, deadline: Deadline | undefined, timedOut: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let off: () => void = () => undefined;
    const tick = setInterval(() => run(), 1000);
    const timer = deadline ? setTimeout(() => settle(() => reject(timedOut())), Math.max(0, deadline.at - Date.now())) : undefined;
    function settle(f: () => void): void {
      off();
      clearInterval(tick);
      if (timer) clearTimeout(timer);
      f();
    }
    function run(): void {
      try {
        const v = check();
        if (v !== undefined) settle(() => resolve(v));
      } catch (e) {
        settle(() => reject(e));
      }
    }
    off = c.hub.subscribe((name) => {
      if (name === 'jobChanged' || name === 'outboxChanged') run();
    });
    run();
  });
}

function accountOf(c: Courier): string {
  const id = c.accounts.activeId();
  if (!id) throw new CourierError('unauthorized', 'No account is signed in for this run.');
  return id;
}

/** "Job X reached terminal status: Completed", plus what it means when that is not plain success. */
export function endLine(j: JobChanged): string {
  const reason = j.history[0]?.statusReason;
  const word = j.status.toLowerCase() === j.outcome ? '' : j.outcome;
  const extra = j.outcome === 'completed' ? '' : ` (${[word, reason].filter(Boolean).join(': ')})`;
  return clean(`Job ${j.jobId} reached terminal status: ${j.status}${extra === ' ()' ? '' : extra}`);
}

/**
 * The end line with what came back: "…; 1 output file(s) matching *.log in DIR". The filters are
 * said because a template (the presets: `*.log`) may bring back only some of a job's outputs, and
 * a bare count read as "the job wrote one file".
 */
export function endLineWithOutputs(j: JobChanged): string {
  const o = j.outputs;
  if (!o.dir) return endLine(j);
  const matching = o.filters?.length ? ` matching ${o.filters.join(' ')}` : '';
  const rest = matching ? ` (every output: \`courier sync -j ${j.jobId}\`)` : '';
  return `${endLine(j)}; ${o.files} output file(s)${clean(matching)} in ${o.dir}${rest}`;
}

/**
 * Shows the notices of a job this command follows, as they come, until the returned function is
 * called: a warning (walltime near, still running) as a `WARN -` line on stderr, and, when the
 * command has no end line of its own for the job (`finished`), the finished notice too. Following
 * is what lets this process claim them (notify/notifier.ts), so a quiet command follows nothing
 * and leaves them to the app.
 */
export function showNotices(c: Courier, out: Out, accountId: string, jobId: string, o: { finished: boolean }): () => void {
  if (out.quiet) return () => undefined;
  return c.jobs.notifications.follow(accountId, jobId, (n) => {
    if (n.kind === 'finished' && !o.finished) return;
    const level = n.kind === 'warning' || n.level !== 'info' ? 'WARN' : 'INFO';
    process.stderr.write(`${slf4jTime()} - ${level} - ${clean(n.title)} — ${clean(n.body)}\n`);
  });
}

/**
 * Follows a job (`jobs.follow`: tracked and polled by this process; reported like any error when
 * the id is bad) and shows its notices: what `jobs watch`, `submit --wait` and `tail --follow` do.
 */
export async function followJob(c: Courier, out: Out, jobId: string, o: { finished: boolean }): Promise<{ accountId: string; unfollow: () => void }> {
  await call(c, 'jobs', 'follow', { jobId });
  const accountId = accountOf(c);
  return { accountId, unfollow: showNotices(c, out, accountId, jobId, o) };
}

/** How long a command whose followed job has ended waits for the job's finished notice before leaving it to the app. */
const NOTICE_WAIT_MS = 30_000;

/** The deadline of that wait, from now (one for all the jobs a command waits on). */
export function noticeDeadline(): Deadline {
  return { text: '', at: Date.now() + NOTICE_WAIT_MS };
}

/**
 * Waits until the job's finished notice has been given (by this process to its follower, or by
 * another one), so a command does not end just before printing it. A notice still owed at the
 * deadline is left to the app.
 */
export async function noticeGiven(c: Courier, out: Out, accountId: string, jobId: string, deadline: Deadline): Promise<void> {
  if (out.quiet) return; // it follows nothing (showNotices), so it claims nothing: the app gives the notice
  const row = c.jobs.tracked.get(accountId, jobId);
  if (row && !row.terminal)
    c.jobs.poller.track(row); // the run ended: see it now, not at the next slow poll
  else if (row) c.jobs.announceSettled(row); // it ended before this command followed it
  await until(
    c,
    () => (c.jobs.tracked.get(accountId, jobId)?.notified ?? true) || undefined,
    deadline,
    () => new Error('timeout'),
  ).catch(() => undefined);
}

/** Follows a job until it ends and, when asked, its outputs have settled; its end line is the caller's. */
export async function waitForJob(c: Courier, out: Out, jobId: string, o: { outputs: boolean; deadline?: Deadline }): Promise<JobChanged> {
  const { accountId, unfollow } = await followJob(c, out, jobId, { finished: false });
  try {
    return await followUntilEnd(c, out, accountId, jobId, o);
  } finally {
    unfollow();
  }
}

function followUntilEnd(c: Courier, out: Out, accountId: string, jobId: string, o: { outputs: boolean; deadline?: Deadline }): Promise<JobChanged> {
  let last = '';
  let printed = 0;
  let current: JobChanged | null = null;
  return until(
    c,
    () => {
      const row = c.jobs.tracked.get(accountId, jobId);
      if (!row) throw new CourierError('not_found', `Job ${jobId} is no longer on the platform (it was deleted); stopped waiting.`);
      current = jobChangedView(row);
      // Every step the history gained, oldest first: a short step between two polls still shows.
      for (const h of current.history.slice(0, Math.max(0, current.history.length - printed)).reverse()) {
        if (h.status === last) continue;
        out.log(`Job ${jobId}: ${clean(last) || '-'} -> ${statusWord(h.status)}`);
        last = h.status;
      }
      printed = Math.max(printed, current.history.length);
      // Owed outputs nobody is fetching (the process that claimed them died, its lease ran out): take them over.
      if (o.outputs && row.terminal && (row.outputsState === 'pending' || row.outputsState === 'downloading')) {
        c.jobs.outputs.fetchFor(row).catch(() => undefined); // a failure is recorded on the row, and read here
      }
      const outputsSettled = !o.outputs || ['done', 'failed', 'none'].includes(current.outputs.state);
      return row.terminal && outputsSettled ? current : undefined;
    },
    o.deadline,
    () => {
      const ended = current !== null && ['completed', 'failed', 'stopped'].includes(current.outcome);
      const where = !current?.status ? 'not started' : ended ? `${clean(current.status)}; its outputs are still downloading` : clean(current.status);
      return new CliStop(
        `Stopped waiting after ${o.deadline?.text}: job ${jobId} is still ${where}. It keeps running on the platform (Courier did not stop it); keep watching with \`courier jobs watch ${jobId}${o.outputs ? ' --outputs' : ''}\` (with the same account options).`,
        EXIT_TIMEOUT,
      );
    },
  );
}

/**
 * The submission that holds `s` back, if one is parked (waiting for the connection or a retry,
 * as recorded at or after `since`): `s` itself, or the oldest open one of its account, since an
 * account's submissions go out in order.
 */
function parkedBy(c: Courier, s: Submission, since = 0): Submission | undefined {
  const parked = (x: Submission) => (x.waiting === 'connection' || x.waiting === 'retry') && x.updatedAt >= since;
  if (parked(s)) return s;
  const head = c.jobs.store.oldestOpen(s.accountId);
  return head && head.id !== s.id && parked(head) ? head : undefined;
}

/** Waits until the outbox has sent the submission (its job id), or it failed. */
export function waitForSubmitted(c: Courier, out: Out, id: string, deadline: Deadline | undefined): Promise<string> {
  let state = 'queued';
  let told = false;
  return until(
    c,
    () => {
      const s = c.jobs.store.get(id);
      if (!s) throw new CourierError('not_found', `The submission ${id} is no longer in the outbox.`);
      state = s.state;
      if (!told && parkedBy(c, s)?.waiting === 'connection') {
        told = true;
        out.log(
          `Rescale cannot be reached; this command keeps trying. If you stop it (Ctrl-C or --timeout), the job stays queued in the outbox (see \`courier jobs list\`); \`courier jobs send\` sends it later.`,
        );
      }
      if (s.state === 'failed' || s.state === 'cancelled')
        throw new CourierError('server_error', `The submission ${s.state}: ${clean(s.error?.message ?? 'see `courier jobs list`')}`);
      return s.state === 'submitted' && s.jobId ? s.jobId : undefined;
    },
    deadline,
    () =>
      new CliStop(
        `Stopped waiting after ${deadline?.text}: the submission ${id} is still ${state} in the outbox (it was not cancelled, and goes on when a Courier process that can send it runs). See it with \`courier jobs list\`.`,
        EXIT_TIMEOUT,
      ),
  );
}

/**
 * Waits until the submission is out (submitted), failed, or parked: waiting for the connection
 * or a retry, as recorded at or after `since` (an older "waiting" is the one being retried now).
 */
export function waitForOutcome(c: Courier, id: string, since = 0): Promise<Submission> {
  return until(
    c,
    () => {
      const s = c.jobs.store.get(id);
      if (!s) throw new CourierError('not_found', `The submission ${id} is no longer in the outbox.`);
      if (s.state === 'submitted' || s.state === 'failed' || s.state === 'cancelled') return s;
      const by = parkedBy(c, s, since);
      return by ? { ...s, waiting: by.waiting, error: by.error } : undefined;
    },
    undefined,
    () => new Error('unreachable'),
  );
}
