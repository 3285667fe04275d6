import type { Json } from '../util/json';
import { ANALYSES, CORE_TYPES, findAnalysis, type AnalysisDef, type CoreTypeDef } from './catalog-data';
import { json, notFound } from './http';
import { paginate } from './pagination';
import type { ApiCtx, Router } from './router';

function coreTypeView(c: CoreTypeDef, v2: boolean): Json {
  const base = {
    code: c.code,
    name: c.name,
    displayOrder: c.displayOrder,
    isActive: true,
    isDeprecated: false,
    isPrimary: c.code === 'emerald',
    cores: c.cores,
    memory: c.memory,
    storage: c.storage,
    hasSsd: true,
    io: '10 Gbps',
    storageIo: 'SSD',
    processorInfo: c.processorInfo,
    description: c.description,
    compute: c.gpuCount > 0 ? 'GPU' : null,
    remoteVizAllowed: c.gpuCount > 0,
    gpuCount: c.gpuCount,
    gpuType: c.gpuType,
  };
  return v2 ? { ...base, price: c.price, lowPriorityPrice: c.lowPriorityPrice, walltimeRequired: c.walltimeRequired } : base;
}

function analysisView(a: AnalysisDef, v2: boolean): Json {
  const base = {
    code: a.code,
    name: a.name,
    description: a.description,
    vendorName: a.vendorName,
    versions: a.versions.map((v, i) => ({
      id: `${a.code}-${i}`,
      version: v.version,
      versionCode: v.versionCode,
      allowedCoreTypes: v.allowedCoreTypes,
      stdCommand: '',
      mpiCommand: '',
      smpCommand: '',
      eula: null,
    })),
    industries: [],
    hasRescaleLicense: false,
    hasShortTermLicense: false,
    licenseSettings: [],
    optimizerType: null,
    pricing: null,
    thumbnail: null,
    resources: [],
    displayOrder: ANALYSES.indexOf(a),
  };
  return v2 ? { ...base, supportDesks: [] } : base;
}

export function catalogRoutes(r: Router): void {
  for (const v of ['v2', 'v3'] as const) {
    const v2 = v === 'v2';
    r.add(`/api/${v}/coretypes/`, { GET: (ctx: ApiCtx) => paginate(ctx, CORE_TYPES, (c) => coreTypeView(c, v2)) });
    r.add(`/api/${v}/analyses/`, { GET: (ctx: ApiCtx) => paginate(ctx, ANALYSES, (a) => analysisView(a, v2)) });
    r.add(`/api/${v}/analyses/:code/`, {
      GET: (ctx: ApiCtx) => {
        const a = findAnalysis(ctx.params['code'] ?? '');
        return a ? json(200, analysisView(a, v2)) : notFound();
      },
    });
  }
}
