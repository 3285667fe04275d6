import { describe, expect, test } from 'vitest';
import { parseDirectives } from '../../../cli/compat/submit';

describe('submit -i directives', () => {
  test("rescale-cli's defaults when the script says nothing", () => {
    expect(parseDirectives('#!/bin/sh\necho hi\n')).toMatchObject({
      name: 'Unnamed Job',
      coreType: 'emerald',
      coresPerSlot: 1,
      slots: 1,
      walltimeHours: 48,
      analysis: 'user_included',
      command: './run.sh',
    });
  });
  test('reads every directive; walltime stays in hours', () => {
    const job = parseDirectives(
      '#RESCALE_NAME Train MNIST\n#RESCALE_ANALYSIS chainer\n#RESCALE_ANALYSIS_VERSION 1.22.0-cuda8-gpu-centos\n#RESCALE_CORES obsidian\n#RESCALE_CORES_PER_SLOT 2\n#RESCALE_SLOTS 1\n#RESCALE_WALLTIME 6\n#RESCALE_ENV_SEED 42\n#RESCALE_COMMAND ./run.sh --gpu\n',
    );
    expect(job).toMatchObject({
      name: 'Train MNIST',
      analysis: 'chainer',
      analysisVersion: '1.22.0-cuda8-gpu-centos',
      coreType: 'obsidian',
      coresPerSlot: 2,
      walltimeHours: 6,
      env: { SEED: '42' },
      command: './run.sh --gpu',
    });
  });
  test('bad values and unknown directives name what is wrong', () => {
    expect(() => parseDirectives('#RESCALE_SLOTS two')).toThrow(/#RESCALE_SLOTS must be a whole number/);
    expect(() => parseDirectives('#RESCALE_WALLTIME 3600')).toThrow(/in hours/);
    expect(() => parseDirectives('#RESCALE_CORS emerald')).toThrow(/Unknown directive #RESCALE_CORS/);
  });
});
