// The CLI's progress line says how many files are registered and when the last one will be,
// since registrations follow the stored bytes at the platform's API pace.
import { describe, expect, it } from 'vitest';
import { registrationsText } from '../../../cli/progress';

const overall = { bytesDone: 100, bytesTotal: 100, bytesPerSecond: 0, etaSeconds: 0, active: 40 };

describe('registrationsText', () => {
  it('shows registered of total with the ETA at the limiter pace', () => {
    expect(registrationsText({ ...overall, registrations: { done: 60, total: 300, waiting: 240, perSecond: 1.7, etaSeconds: 142 } })).toBe(
      '60/300 registered (ETA 2:22 at 1.7/s)',
    );
  });
  it('says nothing once every file is registered, or for downloads', () => {
    expect(registrationsText({ ...overall, registrations: { done: 300, total: 300, waiting: 0, perSecond: 1.7, etaSeconds: 0 } })).toBe('');
    expect(registrationsText(overall)).toBe('');
  });
});
