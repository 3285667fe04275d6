// The platform's hardware and software catalog, cached on disk per account so templates can be
// checked (and forms filled) offline; every answer says how old it is.
import { join } from 'node:path';
import * as z from 'zod';
import { DEFAULT_CURRENCY } from '../../../shared/cost';
import { CourierError } from '../../../shared/errors';
import { catalogAnalysis, catalogCoreType, type CatalogView } from '../../../shared/jobs';
import type { RescaleApi } from '../rescale/api';
import { isGpuCoreType, type Analysis, type CoreType } from '../rescale/models';
import { readJson, writeJsonAtomic } from './files';

const MAX_AGE_MS = 24 * 3600_000;

const cacheFile = z.object({
  fetchedAt: z.number(),
  coreTypes: z.array(catalogCoreType),
  analyses: z.array(catalogAnalysis),
  skipped: z.object({ coreTypes: z.number(), analyses: z.number() }).optional(),
  currency: z.string().optional(),
});
type CacheFile = z.infer<typeof cacheFile>;

function toCoreType(t: CoreType): CacheFile['coreTypes'][number] {
  return {
    code: t.code,
    name: t.name || t.code,
    cores: t.cores,
    gpu: isGpuCoreType(t),
    ...(t.description ? { description: t.description } : {}),
    price: t.price,
    lowPriorityPrice: t.lowPriorityPrice,
  };
}

function toAnalysis(a: Analysis): CacheFile['analyses'][number] {
  // A software entry without a name still shows, under its code.
  return {
    code: a.code,
    name: a.name || a.code,
    versions: a.versions.map((v) => ({ version: v.version ?? v.versionCode, versionCode: v.versionCode, allowedCoreTypes: v.allowedCoreTypes })),
  };
}

export class CatalogService {
  private readonly memo = new Map<string, CacheFile>();
  constructor(
    private readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {}

  private file(accountId: string): string {
    return join(this.dir, `${accountId.replace(/[^A-Za-z0-9_-]/g, '_')}.json`);
  }

  private view(c: CacheFile, stale: boolean, error?: string): CatalogView {
    const skipped = c.skipped && c.skipped.coreTypes + c.skipped.analyses > 0 ? { skipped: c.skipped } : {};
    const currency = c.currency ?? DEFAULT_CURRENCY;
    return {
      coreTypes: c.coreTypes,
      analyses: c.analyses,
      fetchedAt: c.fetchedAt,
      ageSeconds: Math.max(0, Math.round((this.now() - c.fetchedAt) / 1000)),
      stale,
      ...(error ? { error } : {}),
      ...skipped,
      currency,
    };
  }

  /** What is on disk, without asking the platform (null when never fetched). */
  cached(accountId: string): CatalogView | null {
    let c = this.memo.get(accountId);
    if (!c) {
      const parsed = cacheFile.safeParse(readJson(this.file(accountId)));
      if (!parsed.success) return null;
      c = parsed.data;
      this.memo.set(accountId, c);
    }
    // A cache written before prices were kept (no currency) is refreshed like an old one.
    return this.view(c, this.now() - c.fetchedAt > MAX_AGE_MS || c.currency === undefined);
  }

  /** The cache when fresh; otherwise the platform's answer, falling back to the cache when it cannot be asked. */
  async get(accountId: string, api: RescaleApi, opts: { refresh?: boolean } = {}): Promise<CatalogView> {
    const cached = this.cached(accountId);
    if (cached && !cached.stale && !opts.refresh) return cached;
    try {
      const [coreTypes, analyses] = await Promise.all([api.coreTypes(), api.analyses()]);
      const c: CacheFile = {
        fetchedAt: this.now(),
        coreTypes: coreTypes.items.filter((t) => t.isActive !== false).map(toCoreType),
        analyses: analyses.items.map(toAnalysis),
        // The client logs what was left out; the view carries the counts for a quiet warning.
        skipped: { coreTypes: coreTypes.skipped.count, analyses: analyses.skipped.count },
        currency: coreTypes.items.find((t) => t.currency)?.currency?.toUpperCase() ?? DEFAULT_CURRENCY,
      };
      writeJsonAtomic(this.file(accountId), c);
      this.memo.set(accountId, c);
      return this.view(c, false);
    } catch (e) {
      if (!cached) throw e;
      return { ...cached, stale: true, error: e instanceof CourierError ? e.message : 'The catalog could not be refreshed.' };
    }
  }

  forget(accountId: string): void {
    this.memo.delete(accountId);
  }
}
