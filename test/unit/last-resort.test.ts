import { EventEmitter } from 'node:events';
import { describe, expect, test } from 'vitest';
import { installLastResort, isConnectionScoped } from '../../main/core/last-resort';
import { registerSecret } from '../../main/core/secrets/redact';

// The policy on a stand-in emitter (the real process is tested in integration/last-resort-process).
function harness(logsPerMinute?: number) {
  const target = new EventEmitter();
  const lines: { level: string; message: string; detail?: string }[] = [];
  const exits: number[] = [];
  const remove = installLastResort({
    target,
    log: (level, message, detail) => lines.push({ level, message, ...(detail ? { detail } : {}) }),
    exit: (c) => exits.push(c),
    ...(logsPerMinute ? { logsPerMinute } : {}),
  });
  return { target, lines, exits, remove };
}
const coded = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('isConnectionScoped', () => {
  test.each([
    [coded('ECONNRESET'), true],
    [coded('EPIPE'), true],
    [coded('WS_ERR_INVALID_UTF8'), true],
    [coded('WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'), true],
    [coded('HPE_INVALID_METHOD'), true],
    [coded('ERR_INVALID_URL'), true],
    [new URIError('URI malformed'), true],
    [coded('ENOSPC'), false],
    [new TypeError('x is not a function'), false],
    ['a string', false],
    [null, false],
  ])('%s → %s', (e, expected) => {
    expect(isConnectionScoped(e)).toBe(expected);
  });
});

describe('installLastResort', () => {
  test('a connection error, thrown or rejected, is a warning and the process keeps serving', () => {
    const h = harness();
    h.target.emit('uncaughtException', coded('ECONNRESET', 'read ECONNRESET'));
    h.target.emit('unhandledRejection', new URIError('URI malformed'));
    expect(h.exits).toEqual([]);
    expect(h.lines.map((l) => [l.level, l.message])).toEqual([
      ['warn', 'Courier kept running after a connection error: Error (ECONNRESET): read ECONNRESET'],
      ['warn', 'Courier kept running after a connection error: URIError: URI malformed'],
    ]);
  });

  test('any other unhandled rejection is an error and the process keeps serving', () => {
    const h = harness();
    h.target.emit('unhandledRejection', new Error('lost promise'));
    expect(h.exits).toEqual([]);
    expect(h.lines[0]).toMatchObject({ level: 'error', message: 'Courier kept running after an unhandled failure: Error: lost promise' });
  });

  test('any other uncaught exception is logged with its stack and the process exits', () => {
    const h = harness();
    h.target.emit('uncaughtException', new TypeError('state is broken'));
    expect(h.exits).toEqual([70]);
    expect(h.lines[0]!.level).toBe('error');
    expect(h.lines[0]!.message).toMatch(
      /stopped after an unexpected error: TypeError: state is broken\. Unfinished transfers and queued job submissions resume/,
    );
    expect(h.lines[0]!.detail).toMatch(/at /);
  });

  test('secrets in an error never reach the log', () => {
    registerSecret('s3cr3t-api-key-value');
    const h = harness();
    h.target.emit('unhandledRejection', new Error('GET http://127.0.0.1:1/?token=abcdefgh failed with s3cr3t-api-key-value'));
    h.target.emit('uncaughtException', new Error('Authorization: Token s3cr3t-api-key-value'));
    const all = JSON.stringify(h.lines);
    expect(all).not.toContain('s3cr3t-api-key-value');
    expect(all).not.toContain('abcdefgh');
    expect(all).toContain('[redacted]');
  });

  test('a flood is cut to the budget per minute', () => {
    const h = harness(3);
    for (let i = 0; i < 50; i++) h.target.emit('uncaughtException', coded('ECONNRESET'));
    expect(h.lines).toHaveLength(3);
    expect(h.exits).toEqual([]);
  });

  test('removal restores the emitter', () => {
    const h = harness();
    h.remove();
    expect(h.target.listenerCount('uncaughtException')).toBe(0);
    expect(h.target.listenerCount('unhandledRejection')).toBe(0);
  });
});
