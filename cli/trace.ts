// COURIER_TRACE=1: one stderr line per phase of a run (time since the process started, CPU so
// far), and at exit the CPU of every thread. For finding where a whole-process run spends its
// time; off by default, and then free (one env lookup).
import { readdirSync, readFileSync } from 'node:fs';

const on = Boolean(process.env.COURIER_TRACE);

/** Whether COURIER_TRACE is on: for a probe that costs something (a task sent only to time it). */
export const tracing = on;
let exitHooked = false;

/** Notes that the run reached `phase`. */
export function trace(phase: string, o: { threads?: boolean } = {}): void {
  if (!on) return;
  const cpu = process.cpuUsage();
  process.stderr.write(`[trace] +${performance.now().toFixed(0)} ms ${phase} (cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms)\n`);
  if (o.threads) process.stderr.write(`[trace] thread CPU s (user+system): ${JSON.stringify(threadCpu())}\n`);
  if (!exitHooked) {
    exitHooked = true;
    process.once('exit', () => trace('exit', { threads: true }));
  }
}

/** CPU per thread from Linux /proc (empty elsewhere). */
function threadCpu(): Record<string, string> {
  const out: Record<string, string> = {};
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      const name = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      const [u, s] = [Number(stat[11]) / 100, Number(stat[12]) / 100];
      if (u + s >= 0.05) out[`${name}#${tid}`] = `${u.toFixed(2)}+${s.toFixed(2)}`;
    }
  } catch {
    // not Linux
  }
  return out;
}
