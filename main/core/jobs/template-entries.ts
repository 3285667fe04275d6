// The templates requests over the template store: every template comes with its problems
// against the cached catalog, which is fetched in the background when missing (a list never
// waits for the network).
import type { JobTemplate } from '../../../shared/jobs';
import { PRESETS } from './presets';
import type { TemplatesIn, TemplatesOut } from './request-types';
import type { JobsService } from './service';
import { catalogIssues, checkTemplate } from './validate';

type Entry = TemplatesOut<'get'>;

export class TemplateEntries {
  constructor(private readonly jobs: JobsService) {}

  private cachedCatalog() {
    const id = this.jobs.d.accounts.activeId();
    return id ? this.jobs.catalog.cached(id) : null;
  }

  private entry(template: JobTemplate, builtIn: boolean): Entry {
    const catalog = this.cachedCatalog();
    return { template, builtIn, issues: catalog ? catalogIssues(template, catalog) : [] };
  }

  async list(): Promise<TemplatesOut<'list'>> {
    const active = this.jobs.d.accounts.activeId();
    if (active && !this.cachedCatalog()) this.jobs.refreshCatalog(active);
    const saved = this.jobs.templates.list().map((t) => this.entry(t, false));
    return { templates: [...saved, ...PRESETS.map((t) => this.entry(t, true))], catalogAgeSeconds: this.cachedCatalog()?.ageSeconds ?? null };
  }

  async get(id: string): Promise<Entry> {
    const r = this.jobs.templates.get(id);
    return this.entry(r.template, r.builtIn);
  }

  async save(template: TemplatesIn<'save'>['template']): Promise<Entry> {
    return this.entry(await this.jobs.templates.save(template), false);
  }

  async delete(id: string): Promise<TemplatesOut<'delete'>> {
    return { deleted: await this.jobs.templates.delete(id) };
  }

  async duplicate(id: string, name?: string): Promise<Entry> {
    return this.entry(await this.jobs.templates.duplicate(id, name), false);
  }

  async import(json: string): Promise<Entry> {
    return this.entry(await this.jobs.templates.import(json), false);
  }

  async export(id: string): Promise<TemplatesOut<'export'>> {
    return this.jobs.templates.export(id);
  }

  async validate(template: unknown): Promise<TemplatesOut<'validate'>> {
    const catalog = this.cachedCatalog();
    const { issues } = checkTemplate(template, catalog);
    return { ok: issues.length === 0, issues, catalogAgeSeconds: catalog?.ageSeconds ?? null };
  }

  async presets(): Promise<TemplatesOut<'presets'>> {
    return { templates: PRESETS.map((t) => this.entry(t, true)) };
  }
}
