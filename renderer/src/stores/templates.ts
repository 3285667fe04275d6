import { create } from 'zustand';
import type { CatalogView, TemplateEntry } from '../../../shared/jobs';
import { api } from '../api/client';
import { messageOf } from '../lib/format';

interface TemplatesState {
  templates: TemplateEntry[];
  loaded: boolean;
  error: string | null;
  catalog: CatalogView | null;
  catalogError: string | null;
}

/** Saved templates and built-in presets, and the platform's catalog (software, core types). */
export const useTemplates = create<TemplatesState>(() => ({ templates: [], loaded: false, error: null, catalog: null, catalogError: null }));

let listing: Promise<void> | null = null;
export function refreshTemplates(): Promise<void> {
  listing ??= api.templates
    .list({})
    .then((r) => useTemplates.setState({ templates: r.templates, loaded: true, error: null }))
    .catch((e: unknown) => useTemplates.setState({ loaded: true, error: messageOf(e) }))
    .finally(() => (listing = null));
  return listing;
}

let fetching: Promise<void> | null = null;
export function loadCatalog(refresh = false): Promise<void> {
  if (!refresh && useTemplates.getState().catalog) return Promise.resolve();
  fetching ??= api.catalog
    .get({ refresh })
    .then((catalog) => useTemplates.setState({ catalog, catalogError: null }))
    .catch((e: unknown) => useTemplates.setState({ catalogError: messageOf(e) }))
    .finally(() => (fetching = null));
  return fetching;
}
