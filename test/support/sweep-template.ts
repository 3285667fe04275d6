// The template the sweep tests launch rows of: a training command with two parameters, lr and
// seed, and outputs that are not downloaded. Tests that need a variant spread it.
import type { JobTemplateInput } from '../../shared/jobs';

export const TRAIN_SWEEP: JobTemplateInput = {
  id: 'train',
  name: 'Train',
  jobName: 'train lr={lr} seed={seed}',
  analysis: { code: 'user_included', version: '0' },
  hardware: { coreType: 'emerald', coresPerSlot: 1 },
  command: 'python train.py --lr {lr} --seed {seed}',
  parameters: [{ name: 'lr' }, { name: 'seed' }],
  outputs: { autoDownload: false, filters: ['*.log'] },
};
