// The transfer tuning flags, built from the shared settings table so their help, bounds and
// defaults are the app's. A flag beats its environment variable; neither touches settings.json.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { checkSetting, settingProblem, SETTINGS_TABLE } from '../shared/settings-table';
import type { LimitsInput } from '../main/core/transfer/types';

const TUNABLE = ['parallelFiles', 'partsPerFile', 'partSizeMiB'] as const;
type Tunable = (typeof TUNABLE)[number];

/** The flags as commander stores them (camel case of the flag name). */
export type TransferFlags = { parallelFiles?: number; partsPerFile?: number; partMib?: number };
const flagKey: Record<Tunable, keyof TransferFlags> = { parallelFiles: 'parallelFiles', partsPerFile: 'partsPerFile', partSizeMiB: 'partMib' };

export function addTransferFlags(program: Command): Command {
  for (const key of TUNABLE) {
    const row = SETTINGS_TABLE[key];
    const option = new Option(`${row.flag} <n>`, `${row.help} (default ${row.default}, ${row.min}-${row.max} ${row.unit}; env ${row.env})`).argParser((v) => {
      const problem = settingProblem(key, v);
      // Commander's message names the flag and the value; this says what it needs.
      if (problem) throw new InvalidArgumentError(`${problem[0]?.toUpperCase()}${problem.slice(1)}.`);
      return Number(v);
    });
    program.addOption(option);
  }
  return program;
}

/** The limits of one CLI transfer run: flag, else environment variable, else the table's default. */
export function cliLimits(flags: TransferFlags, env: NodeJS.ProcessEnv): Required<Pick<LimitsInput, 'parallelFiles' | 'partsPerFile' | 'partSizeBytes'>> {
  const pick = (key: Tunable): number => {
    const row = SETTINGS_TABLE[key];
    const flag = flags[flagKey[key]];
    if (flag !== undefined) return flag;
    const fromEnv = env[row.env];
    return fromEnv === undefined ? row.default : checkSetting(key, fromEnv, row.env);
  };
  return { parallelFiles: pick('parallelFiles'), partsPerFile: pick('partsPerFile'), partSizeBytes: pick('partSizeMiB') * 1024 * 1024 };
}
