/** The sandbox's hardware and software catalogue: small, but shaped like the platform's. */

export interface CoreTypeDef {
  code: string;
  name: string;
  displayOrder: number;
  cores: number[];
  memory: number;
  storage: number;
  processorInfo: string;
  description: string;
  gpuCount: number;
  gpuType: string | null;
  price: number;
  lowPriorityPrice: string;
  walltimeRequired: boolean;
}

export const CORE_TYPES: CoreTypeDef[] = [
  {
    code: 'emerald',
    name: 'Emerald',
    displayOrder: 1,
    cores: [1, 2, 4, 8, 16, 32, 64],
    memory: 4000,
    storage: 32,
    processorInfo: 'Intel Xeon E5-2670 (Sandy Bridge)',
    description: 'General purpose CPU',
    gpuCount: 0,
    gpuType: null,
    price: 0.16,
    lowPriorityPrice: '0.08',
    walltimeRequired: false,
  },
  {
    code: 'onyx',
    name: 'Onyx',
    displayOrder: 2,
    cores: [1, 2, 4, 9, 18, 36, 72],
    memory: 3750,
    storage: 32,
    processorInfo: 'Intel Xeon Platinum 8124M (Skylake)',
    description: 'High clock CPU',
    gpuCount: 0,
    gpuType: null,
    price: 0.24,
    lowPriorityPrice: '0.12',
    walltimeRequired: false,
  },
  {
    code: 'nickel',
    name: 'Nickel',
    displayOrder: 3,
    cores: [2, 4, 8, 16, 32, 48, 96],
    memory: 8000,
    storage: 64,
    processorInfo: 'AMD EPYC 7R13 (Milan)',
    description: 'Memory-rich CPU',
    gpuCount: 0,
    gpuType: null,
    price: 0.2,
    lowPriorityPrice: '0.1',
    walltimeRequired: false,
  },
  {
    code: 'obsidian',
    name: 'Obsidian',
    displayOrder: 10,
    cores: [2, 4, 8, 16, 32],
    memory: 15250,
    storage: 250,
    processorInfo: 'Intel Xeon E5-2686 v4 + NVIDIA Tesla K80 GPU (1 GPU per 2 cores)',
    description: 'GPU: NVIDIA Tesla K80',
    gpuCount: 1,
    gpuType: 'NVIDIA Tesla K80',
    price: 0.9,
    lowPriorityPrice: '0.45',
    walltimeRequired: false,
  },
  {
    code: 'citrine',
    name: 'Citrine',
    displayOrder: 11,
    cores: [8, 16, 32, 64],
    memory: 7625,
    storage: 200,
    processorInfo: 'Intel Xeon Platinum 8175M + NVIDIA V100 GPU (1 GPU per 8 cores)',
    description: 'GPU: NVIDIA Tesla V100',
    gpuCount: 1,
    gpuType: 'NVIDIA Tesla V100',
    price: 3.1,
    lowPriorityPrice: '1.55',
    walltimeRequired: false,
  },
];

export interface AnalysisVersionDef {
  version: string;
  versionCode: string;
  allowedCoreTypes: string[];
}

export interface AnalysisDef {
  code: string;
  name: string;
  description: string;
  vendorName: string;
  versions: AnalysisVersionDef[];
  /** Platform quirk (Abaqus-like): the command must contain this word or the job is refused. */
  requiresInteractiveFlag?: boolean;
}

const ALL = CORE_TYPES.map((c) => c.code);
const CPU = CORE_TYPES.filter((c) => c.gpuCount === 0).map((c) => c.code);
const GPU = CORE_TYPES.filter((c) => c.gpuCount > 0).map((c) => c.code);

export const ANALYSES: AnalysisDef[] = [
  {
    code: 'user_included',
    name: 'Bring Your Own Software',
    description: '<p>Run your own binaries and scripts.</p>',
    vendorName: 'Custom',
    versions: [{ version: '0', versionCode: '0', allowedCoreTypes: ALL }],
  },
  {
    code: 'chainer',
    name: 'Chainer',
    description: '<p>A flexible framework for neural networks.</p>',
    vendorName: 'Preferred Networks',
    versions: [
      { version: '1.22.0 (CUDA 8, GPU)', versionCode: '1.22.0-cuda8-gpu-centos', allowedCoreTypes: GPU },
      { version: '1.22.0 (CPU)', versionCode: '1.22.0-cpu-centos', allowedCoreTypes: CPU },
    ],
  },
  {
    code: 'tensorflow',
    name: 'TensorFlow',
    description: '<p>Machine learning platform.</p>',
    vendorName: 'Google',
    versions: [{ version: '2.15 (CUDA 12)', versionCode: '2.15.0-cuda12-gpu', allowedCoreTypes: GPU }],
  },
  {
    code: 'openfoam',
    name: 'OpenFOAM',
    description: '<p>Open source CFD.</p>',
    vendorName: 'OpenCFD',
    versions: [
      { version: '2.3.1', versionCode: '2.3.1-openmpi', allowedCoreTypes: CPU },
      { version: 'v2306', versionCode: 'v2306-intelmpi', allowedCoreTypes: CPU },
    ],
  },
  {
    code: 'abaqus',
    name: 'Abaqus',
    description: '<p>Finite element analysis.</p>',
    vendorName: 'Dassault Systemes',
    versions: [{ version: '2023', versionCode: '2023-hf4', allowedCoreTypes: CPU }],
    requiresInteractiveFlag: true,
  },
];

export function findCoreType(code: string): CoreTypeDef | undefined {
  return CORE_TYPES.find((c) => c.code === code);
}

export function findAnalysis(code: string): AnalysisDef | undefined {
  return ANALYSES.find((a) => a.code === code);
}
