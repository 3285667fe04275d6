// Built-in templates. They are read-only: duplicating one gives an editable copy.
import { jobTemplate, type JobTemplate, type JobTemplateInput } from '../../../shared/jobs';

const raw: JobTemplateInput[] = [
  {
    // The seed tutorial's job: Chainer's MNIST example on one K80 GPU, low priority, *.log synced back.
    id: 'chainer',
    name: 'Chainer GPU (Hello Chainer!)',
    description: 'Runs the uploaded script (e.g. run_chainer_from_API.sh) with Chainer 1.22.0 on CUDA 8, on one Obsidian GPU node.',
    jobName: 'Hello Chainer!',
    analysis: { code: 'chainer', version: '1.22.0-cuda8-gpu-centos' },
    hardware: { coreType: 'obsidian', coresPerSlot: 2, slots: 1 },
    command: './{input}',
    useMpi: false,
    lowPriority: true,
    outputs: { autoDownload: true, filters: ['*.log'] },
    notify: 'all',
  },
  {
    id: 'byos-cpu',
    name: 'Your own script on CPU (Emerald)',
    description: 'Bring your own software: runs the first input file as a script on 4 Emerald cores.',
    jobName: '{input}',
    analysis: { code: 'user_included', version: '0' },
    hardware: { coreType: 'emerald', coresPerSlot: 4, slots: 1, walltimeHours: 4 },
    command: 'chmod +x {input} && ./{input}',
    outputs: { autoDownload: true, filters: ['*.log'] },
  },
];

export const PRESETS: readonly JobTemplate[] = raw.map((t) => Object.freeze(jobTemplate.parse(t)));

export function findPreset(idOrName: string): JobTemplate | undefined {
  const key = idOrName.trim().toLowerCase();
  return PRESETS.find((p) => p.id === key) ?? PRESETS.find((p) => p.name.toLowerCase() === key);
}
