import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { describe, expect, test } from 'vitest';
import { settingsSchema, SETTINGS_VERSION } from '../../../shared/settings';
import { SETTINGS_TABLE } from '../../../shared/settings-table';
import { DEFAULT_LIMITS } from '../../../main/core/transfer/types';
import { limitsFrom } from '../../../main/core/courier';
import { addTransferFlags, cliLimits } from '../../../cli/transfer-flags';
import { README, withTable } from '../../../scripts/settings-doc';

const tuned = (l: { parallelFiles?: number; partsPerFile?: number; partSizeBytes?: number }) => ({
  parallelFiles: l.parallelFiles,
  partsPerFile: l.partsPerFile,
  partSizeBytes: l.partSizeBytes,
});

function parse(args: string[]) {
  const program = addTransferFlags(new Command('t').exitOverride().configureOutput({ writeErr: () => {} }));
  program.parse(args, { from: 'user' });
  return program.opts();
}

describe('one table of settings', () => {
  test('the app (settings), the engine and the CLI start from the same defaults', () => {
    const app = tuned(limitsFrom(settingsSchema.parse({ version: SETTINGS_VERSION })));
    expect(app).toEqual(tuned(DEFAULT_LIMITS));
    expect(tuned(cliLimits({}, {}))).toEqual(app);
    expect(app.parallelFiles).toBe(SETTINGS_TABLE.parallelFiles.default);
  });

  test('the settings schema enforces the bounds of the table', () => {
    const at = (parallelFiles: number) => settingsSchema.safeParse({ version: SETTINGS_VERSION, transfers: { parallelFiles } }).success;
    expect(at(SETTINGS_TABLE.parallelFiles.max)).toBe(true);
    expect(at(SETTINGS_TABLE.parallelFiles.max + 1)).toBe(false);
    expect(at(SETTINGS_TABLE.parallelFiles.min - 1)).toBe(false);
  });

  test('CLI flags: help shows the default, values are checked against the bounds, a flag beats its env variable', () => {
    const program = addTransferFlags(new Command('t'));
    const help = program.helpInformation().replace(/\s+/g, ' ');
    expect(help).toContain(
      '--parallel-files <n> files transferred at once, all transfers together; a file of at most 1 MiB takes a quarter of a slot (default 12, 1-64 files; env COURIER_PARALLEL_FILES)',
    );
    expect(parse(['--parallel-files', '3', '--part-mib', '32'])).toEqual({ parallelFiles: 3, partMib: 32 });
    expect(() => parse(['--parallel-files', '0'])).toThrow(
      "option '--parallel-files <n>' argument '0' is invalid. A whole number from 1 to 64 (files) is needed.",
    );
    expect(() => parse(['--part-mib', '4'])).toThrow(/from 5 to 512 \(MiB\)/);
    expect(() => parse(['--parallel-files', '2.5'])).toThrow(/argument '2.5' is invalid/);
    const env = { COURIER_PARALLEL_FILES: '2', COURIER_PART_MIB: '5' };
    expect(cliLimits({}, env)).toEqual({ parallelFiles: 2, partsPerFile: 4, partSizeBytes: 5 * 1024 * 1024 });
    expect(cliLimits({ parallelFiles: 7 }, env).parallelFiles).toBe(7);
    expect(() => cliLimits({}, { COURIER_PARALLEL_FILES: 'many' })).toThrow(
      "COURIER_PARALLEL_FILES: a whole number from 1 to 64 (files) is needed; got 'many'.",
    );
  });

  test('the transfer README shows the table as it is (npx tsx scripts/settings-doc.ts rewrites it)', () => {
    const readme = readFileSync(README, 'utf8');
    expect(readme).toBe(withTable(readme));
    expect(readme).toContain('| `transfers.parallelFiles` | 12 files | 1–64 |');
  });
});
