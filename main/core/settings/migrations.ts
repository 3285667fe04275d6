import { SETTINGS_VERSION } from '../../../shared/settings';

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : {});

/**
 * Step-by-step migrations: migrations[n] turns version n into n+1. Files without a version are
 * version 1 (Courier 0.0.x): flat `downloadDir`, `theme`, `language`, and transfer limits named
 * `maxConcurrent` with the bandwidth cap in KB/s.
 */
export const migrations: Record<number, (old: Raw) => Raw> = {
  1: (old) => {
    const t = obj(old.transfers);
    const kbps = typeof t.bandwidthKBps === 'number' && t.bandwidthKBps > 0 ? t.bandwidthKBps : null;
    return {
      version: 2,
      accounts: Array.isArray(old.accounts) ? old.accounts : [],
      activeAccountId: typeof old.activeAccountId === 'string' ? old.activeAccountId : null,
      transfers: {
        ...(typeof t.maxConcurrent === 'number' ? { parallelFiles: t.maxConcurrent } : {}),
        ...(typeof t.partSizeMiB === 'number' ? { partSizeMiB: t.partSizeMiB } : {}),
        bandwidthBytesPerSecond: kbps === null ? null : Math.round(kbps * 1024),
      },
      downloads: { ...(typeof old.downloadDir === 'string' ? { folder: old.downloadDir } : {}) },
      appearance: {
        ...(typeof old.theme === 'string' ? { theme: old.theme } : {}),
        ...(typeof old.language === 'string' ? { language: old.language } : {}),
      },
    };
  },
};

/** Applies every migration from the file's version up to the current one. */
export function migrate(raw: Raw): { data: Raw; from: number } {
  const from = typeof raw.version === 'number' ? raw.version : 1;
  let data = raw;
  for (let v = from; v < SETTINGS_VERSION; v++) {
    const step = migrations[v];
    if (!step) throw new Error(`No settings migration from version ${v}`);
    data = step(data);
  }
  return { data, from };
}
