// What the simulated programs print while they run: Chainer's PrintReport table and LogReport
// JSON for the chainer software, OpenFOAM's per-time-step solver residuals for openfoam, plain
// step lines for anything else. Every value is a function of the epoch/step number only, so a
// log read twice at the same elapsed time is byte-for-byte the same.

/** C's `%g` (6 significant digits, two-digit exponent), as Python and OpenFOAM print floats. */
export function fmtG(x: number, precision = 6): string {
  if (x === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= precision) {
    const [m, e] = x.toExponential(precision - 1).split('e');
    const mant = String(Number(m));
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return String(Number(x.toPrecision(precision)));
}

export const CHAINER_EPOCHS = 20;
const ITERS_PER_EPOCH = 600;

export interface EpochStats {
  epoch: number;
  iteration: number;
  'main/loss': number;
  'validation/main/loss': number;
  'main/accuracy': number;
  'validation/main/accuracy': number;
  elapsed_time: number;
}

/** A loss that falls quickly then flattens, with a small deterministic wobble. */
export function epochStats(e: number, variant = 0): EpochStats {
  const loss = (0.018 + 0.22 * Math.exp(-0.38 * (e - 1)) + 0.003 * Math.sin(e * 1.7)) * (1 + 0.013 * variant);
  const vloss = 0.8 * loss + 0.012 + 0.002 * Math.cos(e * 2.3);
  const r = (x: number) => Number(x.toPrecision(6));
  return {
    epoch: e,
    iteration: e * ITERS_PER_EPOCH,
    'main/loss': r(loss),
    'validation/main/loss': r(vloss),
    'main/accuracy': r(Math.min(0.9999, 1 - loss * 0.33)),
    'validation/main/accuracy': r(Math.min(0.9999, 1 - vloss * 0.42)),
    elapsed_time: r(e * 8.01738 + 0.137 * Math.sin(e)),
  };
}

const COLUMNS = ['epoch', 'main/loss', 'validation/main/loss', 'main/accuracy', 'validation/main/accuracy', 'elapsed_time'] as const;
const widths = COLUMNS.map((c) => Math.max(10, c.length));

/** PrintReport's table: a header row, then one row per epoch (`{:<Wg}` cells, two spaces apart). */
export function chainerLines(gpu: boolean, variant = 0): string[] {
  const header = COLUMNS.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const rows = Array.from({ length: CHAINER_EPOCHS }, (_, i) => {
    const s = epochStats(i + 1, variant);
    return COLUMNS.map((c, j) => `${fmtG(s[c])}`.padEnd(widths[j]!))
      .join('  ')
      .trimEnd();
  });
  return [`GPU: ${gpu ? 0 : -1}`, '# unit: 1000', '# Minibatch-size: 100', `# epoch: ${CHAINER_EPOCHS}`, '', header, ...rows];
}

/** LogReport's result/log after `epochs` epochs: the whole JSON array, rewritten each epoch. */
export function chainerLogReport(epochs: number): string {
  return JSON.stringify(
    Array.from({ length: epochs }, (_, i) => epochStats(i + 1)),
    null,
    4,
  );
}

export const FOAM_STEPS = 100;
const DELTA_T = 0.005;

function foamStep(k: number, variant: number): string[] {
  const t = fmtG(Number((k * DELTA_T).toFixed(6)));
  const decay = Math.exp(-0.045 * (k - 1)) * (1 + 0.013 * variant);
  const wob = (p: number) => 1 + 0.08 * Math.sin(k * p);
  const res = (base: number, p: number) => fmtG(base * decay * wob(p));
  const fin = (base: number, p: number) => fmtG(base * decay * wob(p) * 0.0087);
  const iters = (base: number) => Math.max(1, Math.round(base * (0.6 + 0.4 * decay)));
  return [
    `Courant Number mean: ${fmtG(0.0976 + 0.0002 * k + 0.0001 * variant)} max: ${fmtG(0.585 + 0.001 * k)}`,
    `Time = ${t}`,
    '',
    `smoothSolver:  Solving for Ux, Initial residual = ${res(0.0123, 1.3)}, Final residual = ${fin(0.0123, 1.3)}, No Iterations ${iters(3)}`,
    `smoothSolver:  Solving for Uy, Initial residual = ${res(0.0231, 0.7)}, Final residual = ${fin(0.0231, 0.7)}, No Iterations ${iters(3)}`,
    `GAMG:  Solving for p, Initial residual = ${res(0.0847, 1.9)}, Final residual = ${fin(0.0847, 1.9)}, No Iterations ${iters(12)}`,
    `time step continuity errors : sum local = ${fmtG(8.83e-5 * decay)}, global = ${fmtG(1.97e-7 * decay * Math.sin(k))}, cumulative = ${fmtG(2.4e-7 * Math.cos(k / 7))}`,
    `ExecutionTime = ${fmtG(0.11 * k)} s  ClockTime = ${Math.floor(0.11 * k)} s`,
    '',
  ];
}

export function foamLines(variant = 0): string[] {
  const banner = [
    '/*---------------------------------------------------------------------------*\\',
    '  =========                 |',
    '  \\\\      /  F ield         | OpenFOAM: The Open Source CFD Toolbox',
    '   \\\\    /   O peration     |',
    '    \\\\  /    A nd           | www.openfoam.com',
    '     \\\\/     M anipulation  |',
    '\\*---------------------------------------------------------------------------*/',
    'Create time',
    '',
    'Create mesh for time = 0',
    '',
    'Starting time loop',
    '',
  ];
  return [...banner, ...Array.from({ length: FOAM_STEPS }, (_, i) => foamStep(i + 1, variant)).flat(), 'End', ''];
}

export function genericLines(code: string, variant = 0): string[] {
  return Array.from({ length: 20 }, (_, i) => `[sandbox] ${code}: simulated step ${i + 1} of 20${variant ? ` (attempt ${variant + 1})` : ''}`);
}

/**
 * The program's whole output for the job's software (shown progressively while it runs).
 * `variant` 1 is a restarted program: its numbers differ slightly, as a rerun's do.
 */
export function programLines(code: string, gpu: boolean, variant = 0): string[] {
  if (code === 'chainer') return chainerLines(gpu, variant);
  if (code === 'openfoam') return foamLines(variant);
  return genericLines(code, variant);
}
