import { describe, expect, test } from 'vitest';
import { assertNever } from '../../shared/assert-never';

describe('assertNever', () => {
  test('names what arrived when it is a word or a number, and never prints an object (it may hold keys)', () => {
    expect(() => assertNever('sideways' as never, 'transfer state')).toThrow(
      "Unexpected transfer state 'sideways': this version of Courier does not handle it.",
    );
    expect(() => assertNever({ op: 'x', key: 'c2VjcmV0' } as never, 'worker task')).toThrow(/^Unexpected worker task: this version/);
    expect(() => assertNever({ key: 'c2VjcmV0' } as never, 'worker task')).not.toThrow(/c2VjcmV0/);
  });
});
