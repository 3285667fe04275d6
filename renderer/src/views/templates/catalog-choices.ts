// What the catalog offers for a draft: its analysis and version, and the core types that version
// allows. Pure data shaping, apart from the software fields that render it.
import type { CatalogView } from '../../../../shared/jobs';
import type { Draft } from './useTemplateForm';

/** An empty number box is NaN, so the schema names it as missing. */
export const num = (v: string): number => (v.trim() === '' ? Number.NaN : Number(v));

export function catalogChoices(catalog: CatalogView | null, d: Draft) {
  const analysis = catalog?.analyses.find((a) => a.code === d.analysis.code);
  const version = analysis?.versions.find((v) => v.versionCode === d.analysis.version);
  const coreTypes = catalog?.coreTypes.filter((c) => !version || version.allowedCoreTypes.length === 0 || version.allowedCoreTypes.includes(c.code)) ?? [];
  const coreType = catalog?.coreTypes.find((c) => c.code === d.hardware.coreType);
  return { analysis, version, coreTypes, coreType };
}

export type CatalogChoices = ReturnType<typeof catalogChoices>;

/** The first version of an analysis, picked when the analysis changes. */
export const firstVersion = (catalog: CatalogView, code: string): string => catalog.analyses.find((a) => a.code === code)?.versions[0]?.versionCode ?? '';

/** The smallest size of a core type, picked when the core type changes. */
export const firstCores = (catalog: CatalogView, code: string, fallback: number): number =>
  catalog.coreTypes.find((c) => c.code === code)?.cores[0] ?? fallback;
