import { describe, expect, test } from 'vitest';
import { abortable } from '../../shared/abortable';

describe('abortable', () => {
  test('passes the result through when nothing aborts', async () => {
    expect(await abortable(Promise.resolve(7), new AbortController().signal)).toBe(7);
    expect(await abortable(Promise.resolve(8), undefined)).toBe(8);
  });

  test('rejects as soon as the signal aborts, with its reason, while the work is still pending', async () => {
    const c = new AbortController();
    const never = new Promise<number>(() => undefined);
    const waiting = abortable(never, c.signal);
    c.abort(new Error('stopped by the user'));
    await expect(waiting).rejects.toThrow('stopped by the user');
  });

  test('an already aborted signal rejects at once; a custom reason wins', async () => {
    const c = new AbortController();
    c.abort('not an Error');
    await expect(abortable(Promise.resolve(1), c.signal)).rejects.toThrow('aborted');
    await expect(abortable(Promise.resolve(1), c.signal, () => new RangeError('custom'))).rejects.toBeInstanceOf(RangeError);
  });

  test('a rejection of the work is passed on as an Error', async () => {
    await expect(abortable(Promise.reject('plain string'), new AbortController().signal)).rejects.toThrow('plain string');
  });
});
