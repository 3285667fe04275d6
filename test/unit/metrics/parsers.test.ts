import { describe, expect, test } from 'vitest';
import { genericParser } from '../../../shared/metrics/generic';
import { openFoamParser } from '../../../shared/metrics/openfoam';
import { metricStream } from '../../../shared/metrics/stream';
import { trainingParser } from '../../../shared/metrics/training';
import type { MetricPoint } from '../../../shared/metrics/types';

const lines = (s: string) => s.replace(/^\n/, '').split('\n');
const of = (points: MetricPoint[], series: string) => points.filter((p) => p.series === series).map((p) => [p.x, p.y]);

// As Chainer 7's PrintReport and ProgressBar print train_mnist.py (progress bar lines between rows).
const CHAINER = lines(`
GPU: 0
# unit: 1000
# Minibatch-size: 100
# epoch: 20

epoch       main/loss   main/accuracy  validation/main/loss  validation/main/accuracy  elapsed_time
1           0.191836    0.942033       0.0921268             0.9712                    11.2327
     total [##................................................]  5.00%
this epoch [..................................................]  0.00%
       600 iter, 1 epoch / 20 epochs
    53.426 iters/sec. Estimated time to finish: 0:03:33.302937.
2           0.0748131   0.97645                                                        20.4046
3           0.0481262   0.98465        0.0669524             0.9797                    29.5722`);

const OPENFOAM = lines(`
Starting time loop

Courant Number mean: 0 max: 0
Time = 0.005

DILUPBiCGStab:  Solving for Ux, Initial residual = 1, Final residual = 2.96338e-06, No Iterations 1
DILUPBiCGStab:  Solving for Uy, Initial residual = 0, Final residual = 0, No Iterations 0
DICPCG:  Solving for p, Initial residual = 1, Final residual = 0.0492854, No Iterations 12
time step continuity errors : sum local = 0.000466513, global = -1.79995e-19, cumulative = -1.79995e-19
DICPCG:  Solving for p, Initial residual = 0.590864, Final residual = 2.65225e-07, No Iterations 35
ExecutionTime = 0.01 s  ClockTime = 0 s

Time = 0.01

DILUPBiCGStab:  Solving for Ux, Initial residual = 0.160686, Final residual = 6.83031e-06, No Iterations 1
DICPCG:  Solving for p, Initial residual = 0.633259, Final residual = 0.0188397, No Iterations 12
ExecutionTime = 0.02 s  ClockTime = 0 s`);

describe('training parser', () => {
  test('Chainer PrintReport: one point per column per row at x = epoch, blanks and the progress bar skipped', () => {
    const p = trainingParser().feed(CHAINER);
    expect(of(p, 'main/loss')).toEqual([
      [1, 0.191836],
      [2, 0.0748131],
      [3, 0.0481262],
    ]);
    expect(of(p, 'validation/main/loss')).toEqual([
      [1, 0.0921268],
      [3, 0.0669524],
    ]);
    expect(of(p, 'validation/main/accuracy')).toEqual([
      [1, 0.9712],
      [3, 0.9797],
    ]);
    expect(of(p, 'elapsed_time').map(([x]) => x)).toEqual([1, 2, 3]);
    expect(new Set(p.map((q) => q.series))).toEqual(
      new Set(['main/loss', 'main/accuracy', 'validation/main/loss', 'validation/main/accuracy', 'elapsed_time']),
    );
  });

  test('incremental: lines fed one at a time give the same points, each once', () => {
    const parser = trainingParser();
    const got = CHAINER.flatMap((l) => parser.feed([l]));
    expect(got).toEqual(trainingParser().feed(CHAINER));
    expect(parser.feed([])).toEqual([]);
  });

  test('PyTorch-style lines: Epoch N, Epoch [N/M], epoch=N, progress within the epoch', () => {
    const p = trainingParser().feed([
      'Epoch 3 train loss: 0.123 acc: 0.95',
      'epoch=4 loss=0.12 val_loss=0.2',
      'Epoch [5/10], Step [300/600], Loss: 0.0421',
      'Train Epoch: 6 [15000/60000 (25%)]\tLoss: 0.031',
      'Test set: Average loss: 0.0335, Accuracy: 9891/10000 (99%)',
    ]);
    expect(of(p, 'loss')).toEqual([
      [3, 0.123],
      [4, 0.12],
    ]);
    expect(of(p, 'acc')).toEqual([[3, 0.95]]);
    expect(of(p, 'val_loss')).toEqual([[4, 0.2]]);
    expect(of(p, 'Loss')).toEqual([
      [4.5, 0.0421],
      [5.25, 0.031],
    ]);
    expect(p.some((q) => q.series === 'Accuracy' || q.series === 'Step')).toBe(false);
  });
});

describe('OpenFOAM parser', () => {
  test('the initial residual of each field per time step, x = Time; a field solved twice counts its first solve', () => {
    const p = openFoamParser().feed(OPENFOAM);
    expect(of(p, 'Ux')).toEqual([
      [0.005, 1],
      [0.01, 0.160686],
    ]);
    expect(of(p, 'Uy')).toEqual([[0.005, 0]]);
    expect(of(p, 'p')).toEqual([
      [0.005, 1],
      [0.01, 0.633259],
    ]);
    expect(p).toHaveLength(5);
  });

  test('a time step split across two batches still counts each field once', () => {
    const parser = openFoamParser();
    const a = parser.feed(OPENFOAM.slice(0, 7));
    const b = parser.feed(OPENFOAM.slice(7));
    expect([...a, ...b]).toEqual(openFoamParser().feed(OPENFOAM));
  });
});

describe('generic parser', () => {
  test('name=value and name: value pairs, x = line number; clock times and words are not numbers', () => {
    const p = genericParser().feed(['step=10 loss=0.5 lr=1e-3', '12:30:05 INFO done', 'residual: 2.5E-04, status: ok', 'x=1.2.3']);
    expect(p).toEqual([
      { series: 'step', x: 1, y: 10 },
      { series: 'loss', x: 1, y: 0.5 },
      { series: 'lr', x: 1, y: 0.001 },
      { series: 'residual', x: 3, y: 0.00025 },
    ]);
  });
});

describe('metricStream auto', () => {
  test('reads generically until the log says its kind, then switches with a reset', () => {
    const s = metricStream('auto');
    const first = s.feed(['Job started, slots=1', 'GPU: 0']);
    expect(first).toMatchObject({ reset: false, kind: 'generic' });
    expect(first.points).toEqual([
      { series: 'slots', x: 1, y: 1 },
      { series: 'GPU', x: 2, y: 0 },
    ]);
    const second = s.feed(CHAINER.slice(4, 7));
    expect(second.reset).toBe(true);
    expect(second.kind).toBe('training');
    expect(of(second.points, 'main/loss')).toEqual([[1, 0.191836]]);
    expect(s.feed(CHAINER.slice(7)).reset).toBe(false);
  });

  test('detects OpenFOAM from its time loop', () => {
    const b = metricStream('auto').feed(OPENFOAM);
    expect(b.kind).toBe('openfoam');
    expect(b.xLabel).toBe('Time');
    expect(of(b.points, 'p')).toHaveLength(2);
  });
});
