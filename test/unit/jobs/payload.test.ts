// The contract test of the job body: exactly what POST /api/v2/jobs/ receives for a template.
import { describe, expect, test } from 'vitest';
import { jobTemplate } from '../../../shared/jobs';
import { buildCreateBody, launchItems, resolveLaunch } from '../../../main/core/jobs/payload';
import { PRESETS, findPreset } from '../../../main/core/jobs/presets';

const chainer = findPreset('chainer')!;
const NOW = new Date(2026, 10, 28, 9, 0, 0);

describe('the create body', () => {
  test("the seed's Chainer job, exactly (booleans are booleans, the versionCode, coreType as a code)", () => {
    const r = resolveLaunch(chainer, { inputs: launchItems(chainer, [{ path: '/work/chainerAPI/run_chainer_from_API.sh' }]), values: {} }, NOW);
    const body = buildCreateBody(r, ['JVHffb'], 'cr-abcd2345', '1d5e0f7c-0000-4000-8000-000000000001');
    expect(JSON.stringify(body)).toBe(
      JSON.stringify({
        name: 'Hello Chainer! [cr-abcd2345]',
        description: 'Launched by Courier from the template "Chainer GPU (Hello Chainer!)". courier-submission:1d5e0f7c-0000-4000-8000-000000000001',
        isLowPriority: true,
        jobanalyses: [
          {
            analysis: { code: 'chainer', version: '1.22.0-cuda8-gpu-centos' },
            command: './run_chainer_from_API.sh',
            useMpi: false,
            hardware: { coreType: 'obsidian', coresPerSlot: 2, slots: 1 },
            inputFiles: [{ id: 'JVHffb' }],
            envVars: {},
          },
        ],
      }),
    );
  });

  test('a folder input goes out as its archive with decompress: true; a file input keeps the bare {id}', () => {
    const items = [{ kind: 'folder' as const, path: '/work/data', name: 'data', files: 2000, bytes: 1 }, ...launchItems(chainer, [{ path: '/work/run.sh' }])];
    const r = resolveLaunch(chainer, { inputs: items, values: {} }, NOW);
    const body = buildCreateBody(r, ['ZipZip', 'RunRun'], 'cr-x', 'id');
    expect(JSON.stringify(body.jobanalyses[0]?.inputFiles)).toBe(JSON.stringify([{ id: 'ZipZip', decompress: true }, { id: 'RunRun' }]));
  });

  test('walltime goes out in hours as entered (never ×3600), env vars and the project id included', () => {
    const t = jobTemplate.parse({
      ...chainer,
      id: 'x',
      hardware: { coreType: 'obsidian', coresPerSlot: 4, slots: 2, walltimeHours: 48 },
      lowPriority: false,
      useMpi: true,
      env: { EPOCHS: '{epochs}', OMP_NUM_THREADS: '4', TAG: '{name}-{template}' },
      parameters: [{ name: 'epochs', default: '20' }],
      projectId: 'pRoJ1',
      command: 'python train.py --epochs {epochs} --data {inputs}',
    });
    const r = resolveLaunch(t, { inputs: launchItems(t, [{ path: '/d/a.zip' }, { fileId: 'QqQq1', name: 'b.zip' }]), values: { epochs: '5' } }, NOW);
    const body = buildCreateBody(r, ['AaAa1', 'QqQq1'], 'cr-zz', 'id');
    expect(body.jobanalyses[0]?.hardware).toEqual({ coreType: 'obsidian', coresPerSlot: 4, slots: 2, walltime: 48 });
    expect(body.isLowPriority).toBe(false);
    expect(body.jobanalyses[0]?.useMpi).toBe(true);
    expect(body.jobanalyses[0]?.command).toBe('python train.py --epochs 5 --data a.zip b.zip');
    expect(body.jobanalyses[0]?.envVars).toEqual({ EPOCHS: '5', OMP_NUM_THREADS: '4', TAG: 'Hello Chainer!-Chainer GPU (Hello Chainer!)' });
    expect(body.jobanalyses[0]?.inputFiles).toEqual([{ id: 'AaAa1' }, { id: 'QqQq1' }]);
    expect(body.project_id).toBe('pRoJ1');
    expect(JSON.stringify(body)).not.toMatch(/"(true|false)"/);
  });

  test('every preset builds a valid body', () => {
    for (const p of PRESETS) {
      const r = resolveLaunch(p, { inputs: launchItems(p, [{ path: '/tmp/run.sh' }]), values: {} }, NOW);
      expect(() => buildCreateBody(r, ['F1'], 'cr-a', 'id')).not.toThrow();
    }
  });

  test('a body with the wrong number of input ids is refused before it is sent', () => {
    const r = resolveLaunch(chainer, { inputs: launchItems(chainer, [{ path: '/tmp/run.sh' }]), values: {} }, NOW);
    expect(() => buildCreateBody(r, [], 'cr-a', 'id')).toThrow(/Expected 1 input file ids/);
  });
});

describe('placeholders at launch', () => {
  const base = (over: Record<string, unknown>) => jobTemplate.parse({ ...chainer, id: 't', ...over });

  test("{input} is the first input's file name; {date}, {template} are filled; ${VAR} and {{ }} are left to the shell", () => {
    const t = base({ command: 'echo ${HOME} {{literal}} && ./{input} > {date}.txt', jobName: '{template} on {date}' });
    const r = resolveLaunch(t, { inputs: launchItems(t, [{ path: 'C:\\work\\run.sh' }]), values: {} }, NOW);
    expect(r.command).toBe('echo ${HOME} {literal} && ./run.sh > 2026-11-28.txt');
    expect(r.jobName).toBe('Chainer GPU (Hello Chainer!) on 2026-11-28');
  });

  test('an unknown placeholder is an error naming it and the field', () => {
    const t = base({ command: './{input} --lr {rate} {epochs}' });
    expect(() => resolveLaunch(t, { inputs: launchItems(t, [{ path: '/r.sh' }]), values: {} })).toThrow(/command: unknown placeholders \{rate\}, \{epochs\}/);
    try {
      resolveLaunch(t, { inputs: launchItems(t, [{ path: '/r.sh' }]), values: {} });
    } catch (e) {
      expect((e as { field?: string }).field).toBe('command');
    }
  });

  test('{input} without any input says the job needs one', () => {
    expect(() => resolveLaunch(chainer, { inputs: [], values: {} })).toThrow(/needs at least one input file/);
  });

  test('parameters: defaults, launch values, missing and unknown values', () => {
    const t = base({
      command: './{input} {epochs} {gpu}',
      parameters: [
        { name: 'epochs', default: '20' },
        { name: 'gpu', label: 'GPU index' },
      ],
    });
    const items = launchItems(t, [{ path: '/r.sh' }]);
    expect(() => resolveLaunch(t, { inputs: items, values: {} })).toThrow(/Enter a value for "GPU index"/);
    expect(resolveLaunch(t, { inputs: items, values: { gpu: '0' } }).command).toBe('./r.sh 20 0');
    expect(resolveLaunch(t, { inputs: items, values: { gpu: '1', epochs: '3' } }).command).toBe('./r.sh 3 1');
    expect(() => resolveLaunch(t, { inputs: items, values: { gpu: '0', lr: '1' } })).toThrow(/no parameter \{lr\}/);
  });

  test('the job name cannot refer to itself', () => {
    const t = base({ jobName: 'run {name}' });
    expect(() => resolveLaunch(t, { inputs: launchItems(t, [{ path: '/r.sh' }]), values: {} })).toThrow(/cannot use \{name\}/);
  });
});
