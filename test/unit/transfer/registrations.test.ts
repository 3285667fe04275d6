// The registration figures the progress feed sends: registered of total, waiting, and an ETA
// from the API limiter's pace (or the observed pace when the storage has no limiter).
import { describe, expect, it } from 'vitest';
import { RegistrationTally } from '../../../main/core/transfer/registrations';

describe('RegistrationTally', () => {
  it('counts uploads through their states; a cancelled one leaves the total', () => {
    const t = new RegistrationTally(() => 2);
    for (let i = 0; i < 5; i++) t.move(null, 'queued');
    t.move('queued', 'running');
    t.move('running', 'verifying');
    t.move('queued', 'running');
    t.move('running', 'verifying');
    t.move('verifying', 'done');
    t.move('queued', 'cancelled');
    expect({ total: t.total, done: t.done, waiting: t.waiting }).toEqual({ total: 4, done: 1, waiting: 1 });
  });

  it('ETA: remaining registrations at the limiter pace, never before the bytes', () => {
    const t = new RegistrationTally(() => 1.7);
    for (let i = 0; i < 300; i++) t.move(null, 'verifying');
    for (let i = 0; i < 45; i++) t.move('verifying', 'done');
    expect(t.figures(0)).toEqual({ done: 45, total: 300, waiting: 255, perSecond: 1.7, etaSeconds: Math.ceil(255 / 1.7) });
    expect(t.figures(400)?.etaSeconds).toBe(400);
  });

  it('without a limiter the pace is measured; unknown until registrations complete', () => {
    const t = new RegistrationTally(() => null);
    for (let i = 0; i < 10; i++) t.move(null, 'verifying');
    t.sample(0);
    expect(t.figures(null, 0)?.etaSeconds).toBeNull();
    for (let i = 0; i < 4; i++) t.move('verifying', 'done');
    t.sample(1000);
    const f = t.figures(null, 1000);
    expect(f?.perSecond).toBe(4);
    expect(f?.etaSeconds).toBe(2);
    expect(new RegistrationTally(() => 2).figures(null)).toBeUndefined();
  });
});
