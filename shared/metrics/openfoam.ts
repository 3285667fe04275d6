import { NUMBER, toNumber, type MetricParser, type MetricPoint } from './types';

// `Time = 0.005` opens a time step ("ExecutionTime = …" does not: it must start the line).
const TIME = new RegExp(String.raw`^\s*Time = (${NUMBER})s?\s*$`);
// `smoothSolver:  Solving for Ux, Initial residual = 0.0123, Final residual = 1e-06, No Iterations 3`
const SOLVING = new RegExp(String.raw`Solving for (\w+), Initial residual = (${NUMBER})`);

export const isOpenFoamLine = (line: string): boolean => TIME.test(line) || SOLVING.test(line);

/**
 * OpenFOAM solver output: the initial residual of each field per time step, x = Time.
 * A field solved more than once in a step (p in a PISO loop) counts its first solve, as
 * foamMonitor and PyFoam plot it: that is the residual the step started from.
 */
export function openFoamParser(): MetricParser {
  let time: number | null = null;
  let seen = new Set<string>();
  return {
    kind: 'openfoam',
    xLabel: 'Time',
    feed(lines) {
      const points: MetricPoint[] = [];
      for (const line of lines) {
        const t = TIME.exec(line);
        if (t) {
          time = toNumber(t[1]);
          seen = new Set();
          continue;
        }
        const s = time === null ? null : SOLVING.exec(line);
        const y = toNumber(s?.[2]);
        if (!s?.[1] || y === null || time === null || seen.has(s[1])) continue;
        seen.add(s[1]);
        points.push({ series: s[1], x: time, y });
      }
      return points;
    },
  };
}
