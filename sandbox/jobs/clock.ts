import type { JobPlan, JobRec } from '../store/state';

/** Share of the run time at which each status appears after submit (`waiting` steps only in a waiting plan). */
const STEPS: { status: string; at: number; waiting?: true }[] = [
  { status: 'Pending', at: 0 },
  { status: 'Waiting for Queue', at: 0.05, waiting: true },
  { status: 'Queued', at: 0.1 },
  { status: 'Waiting for Cluster', at: 0.175, waiting: true },
  { status: 'Started', at: 0.25 },
  { status: 'Validated', at: 0.4 },
  { status: 'Executing', at: 0.5 },
];

/** Reason the platform gives on a stopped job (seen in the Nextflow executor's checks). */
export const STOP_REASON = 'User Terminated';
export const SUCCESS_REASON = 'Completed successfully';
export const FAIL_EXIT_CODE = 1;
export const FAIL_REASON = `Command exited with code ${FAIL_EXIT_CODE}`;
/** Words that end each kind of run: the platform's, never a client's invention. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['Completed', 'Failed', 'Force Stop']);

/** Words in a job's name that choose its plan (the control route can override them). */
export const PLAN_WORDS = { fail: '[fail]', forceStop: '[force-stop]', untilStopped: '[until-stopped]', waiting: '[waiting]' } as const;

export interface StatusEvent {
  status: string;
  at: number;
  reason: string | null;
}

/** How this job's run goes: from words in its name, then what /__sandbox/jobs/{id}/plan set. */
export function jobPlan(job: JobRec): JobPlan {
  const name = job.name.toLowerCase();
  const ending = name.includes(PLAN_WORDS.fail)
    ? 'fail'
    : name.includes(PLAN_WORDS.forceStop)
      ? 'force-stop'
      : name.includes(PLAN_WORDS.untilStopped)
        ? 'until-stopped'
        : 'complete';
  return { ending, waiting: name.includes(PLAN_WORDS.waiting), ...job.plan };
}

/** Pause between Stopping and the final status after a stop request. */
export function stopDelayMs(job: JobRec): number {
  return Math.min(3000, Math.max(100, (job.runSeconds ?? 10) * 150));
}

function ending(plan: JobPlan, start: number, dur: number): StatusEvent[] {
  const at = (f: number) => start + Math.round(f * dur);
  if (plan.ending === 'fail') return [{ status: 'Failed', at: at(1), reason: FAIL_REASON }];
  // Runs (its program's output complete) until someone stops it: tests that act on a running job
  // while a slow machine catches up do not race its end.
  if (plan.ending === 'until-stopped') return [];
  // A stop that does not finish by itself is forced: the platform ends it as "Force Stop".
  if (plan.ending === 'force-stop')
    return [
      { status: 'Stopping', at: at(0.75), reason: STOP_REASON },
      { status: 'Force Stop', at: at(1), reason: null },
    ];
  return [{ status: 'Completed', at: at(1), reason: SUCCESS_REASON }];
}

/**
 * The job's whole planned history, oldest first, computed from stored timestamps only,
 * so it is the same before and after a restart.
 */
export function plannedHistory(job: JobRec): StatusEvent[] {
  if (job.submittedAt === undefined) return [];
  const start = job.submittedAt;
  const dur = (job.runSeconds ?? 10) * 1000;
  const plan = jobPlan(job);
  const events = [
    ...STEPS.filter((s) => !s.waiting || plan.waiting).map((s) => ({ status: s.status, at: start + Math.round(s.at * dur), reason: null })),
    ...ending(plan, start, dur),
  ];
  const stopAt = job.stopAt;
  if (stopAt === undefined) return events;
  // Already stopping on its own (a force-stop plan): a user's stop changes nothing.
  if (events.some((e) => e.status === 'Stopping' && e.at <= stopAt)) return events;
  const kept = events.filter((e) => e.at < stopAt && e.status !== 'Stopping' && !FINAL_STATUSES.has(e.status));
  const last = plan.ending === 'force-stop' ? { status: 'Force Stop', reason: null } : { status: 'Completed', reason: STOP_REASON };
  return [...kept, { status: 'Stopping', at: stopAt, reason: STOP_REASON }, { ...last, at: stopAt + stopDelayMs(job) }];
}

export function visibleHistory(job: JobRec, now = Date.now()): StatusEvent[] {
  return plannedHistory(job).filter((e) => e.at <= now);
}

/** '' for a job never submitted (what the jobs list shows for a saved job). */
export function currentStatus(job: JobRec, now = Date.now()): string {
  return visibleHistory(job, now).at(-1)?.status ?? '';
}

/** When the job reaches its final status (Completed, Failed or Force Stop). */
export function endedAt(job: JobRec): number | undefined {
  return plannedHistory(job).find((e) => FINAL_STATUSES.has(e.status))?.at;
}

/** How the run ended, for its log: null while it runs. */
export function endingOf(job: JobRec): { status: string; stopped: boolean; exitCode: number | null } | null {
  const h = plannedHistory(job);
  const final = h.find((e) => FINAL_STATUSES.has(e.status));
  if (!final) return null;
  const stopped = h.some((e) => e.status === 'Stopping');
  return { status: final.status, stopped, exitCode: stopped ? null : final.status === 'Failed' ? FAIL_EXIT_CODE : 0 };
}

export function isFinished(job: JobRec, now = Date.now()): boolean {
  const done = endedAt(job);
  return done !== undefined && done <= now;
}

export function isActive(job: JobRec, now = Date.now()): boolean {
  return job.submittedAt !== undefined && !isFinished(job, now);
}

/** The single run: it exists once the cluster has Started. */
export function runWindow(job: JobRec, now = Date.now()): { started: number; completed: number | null } | null {
  const h = visibleHistory(job, now);
  const started = h.find((e) => e.status === 'Started');
  if (!started) return null;
  const done = h.find((e) => FINAL_STATUSES.has(e.status));
  return { started: started.at, completed: done ? done.at : null };
}
