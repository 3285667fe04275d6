import type { Phrase } from '../../../shared/activity-phrases';
// Saved job templates: one JSON file in the data folder (0600, atomic writes), re-read on every
// call so the desktop app and the CLI see each other's edits. Presets are built in and read-only.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CourierError } from '../../../shared/errors';
import { jobTemplate, templateDraft, templateExport, TEMPLATE_VERSION, type JobTemplate, type TemplateDraft } from '../../../shared/jobs';
import { readJson, withFileLock, writeJsonAtomic } from './files';
import { findPreset, PRESETS } from './presets';
import { checkTemplate, issuesSentence, placeholderIssues, zodIssues } from './validate';

interface FileShape {
  version: 1;
  templates: unknown[];
}

export interface TemplateRef {
  template: JobTemplate;
  builtIn: boolean;
}

function slug(name: string): string {
  const s = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${s || 'template'}-${randomBytes(3).toString('hex')}`;
}

function invalid(issues: { field: string; message: string }[]): CourierError {
  return new CourierError('invalid_input', issuesSentence(issues), { field: issues[0]?.field ?? 'template' });
}

export class TemplateStore {
  readonly file: string;
  constructor(
    dataDir: string,
    private readonly now: () => number = Date.now,
    private readonly warn: (p: Phrase) => void = () => undefined,
  ) {
    this.file = join(dataDir, 'templates.json');
  }

  /** Valid templates, and raw entries that no longer parse (kept in the file, never dropped). */
  private load(): { templates: JobTemplate[]; broken: unknown[] } {
    const raw = readJson(this.file) as Partial<FileShape> | undefined;
    const templates: JobTemplate[] = [];
    const broken: unknown[] = [];
    for (const t of raw?.templates ?? []) {
      const p = jobTemplate.safeParse(t);
      if (p.success) templates.push(p.data);
      else {
        broken.push(t);
        this.warn({
          key: 'templateUnreadable',
          params: {
            reason: zodIssues(p.error)
              .map((i) => `${i.field}: ${i.message}`)
              .join('; '),
            file: this.file,
          },
        });
      }
    }
    return { templates, broken };
  }

  private mutate<T>(fn: (templates: JobTemplate[]) => { next: JobTemplate[]; result: T }): Promise<T> {
    return withFileLock(this.file, () => {
      const { templates, broken } = this.load();
      const { next, result } = fn(templates);
      writeJsonAtomic(this.file, { version: 1, templates: [...next, ...broken] } satisfies FileShape);
      return result;
    });
  }

  list(): JobTemplate[] {
    return this.load().templates;
  }

  /** By id (saved, then presets), then by name — `courier jobs submit --template chainer`. */
  find(idOrName: string): TemplateRef | undefined {
    const saved = this.list();
    const key = idOrName.trim();
    const byId = saved.find((t) => t.id === key);
    if (byId) return { template: byId, builtIn: false };
    const preset = PRESETS.find((p) => p.id === key.toLowerCase());
    if (preset) return { template: preset, builtIn: true };
    const byName = saved.find((t) => t.name.toLowerCase() === key.toLowerCase());
    if (byName) return { template: byName, builtIn: false };
    const presetByName = findPreset(key);
    return presetByName ? { template: presetByName, builtIn: true } : undefined;
  }

  get(idOrName: string): TemplateRef {
    const found = this.find(idOrName);
    if (!found)
      throw new CourierError(
        'not_found',
        `There is no template "${idOrName}". Saved: ${
          this.list()
            .map((t) => t.id)
            .join(', ') || 'none'
        }; built in: ${PRESETS.map((p) => p.id).join(', ')}.`,
        { field: 'templateId' },
      );
    return found;
  }

  /** Creates or replaces; the form's rules and placeholders are checked (the catalog is advisory). */
  async save(draft: TemplateDraft): Promise<JobTemplate> {
    const d = templateDraft.safeParse(draft);
    if (!d.success) throw invalid(zodIssues(d.error));
    if (d.data.id && PRESETS.some((p) => p.id === d.data.id)) {
      throw new CourierError('conflict', `"${d.data.id}" is a built-in template and cannot be changed. Duplicate it to make your own.`, { field: 'id' });
    }
    return this.mutate((templates) => {
      const at = this.now();
      const existing = d.data.id ? templates.find((t) => t.id === d.data.id) : undefined;
      const candidate = {
        ...d.data,
        id: d.data.id ?? slug(d.data.name),
        version: TEMPLATE_VERSION,
        createdAt: existing?.createdAt ?? d.data.createdAt ?? at,
        updatedAt: at,
      };
      const { template, issues } = checkTemplate(candidate);
      if (!template || issues.length) throw invalid(issues);
      const next = existing ? templates.map((t) => (t.id === template.id ? template : t)) : [...templates, template];
      return { next, result: template };
    });
  }

  async delete(id: string): Promise<boolean> {
    if (PRESETS.some((p) => p.id === id)) throw new CourierError('conflict', `"${id}" is built in and cannot be deleted.`, { field: 'id' });
    return this.mutate((templates) => ({ next: templates.filter((t) => t.id !== id), result: templates.some((t) => t.id === id) }));
  }

  async duplicate(id: string, name?: string): Promise<JobTemplate> {
    const { template } = this.get(id);
    const copy: TemplateDraft = { ...template, id: undefined, name: name ?? `${template.name} (copy)`, createdAt: undefined, updatedAt: undefined };
    return this.save(copy);
  }

  export(id: string): { json: string; fileName: string } {
    const { template } = this.get(id);
    const { createdAt: _c, updatedAt: _u, ...portable } = template;
    return {
      json: JSON.stringify({ format: 'courier-job-template', version: TEMPLATE_VERSION, template: portable }, null, 2),
      fileName: `${template.id}.courier-template.json`,
    };
  }

  /** Accepts an export file (or a bare template); a clashing id gets a fresh one, never overwrites. */
  async import(json: string): Promise<JobTemplate> {
    let raw: unknown;
    try {
      raw = JSON.parse(json);
    } catch (e) {
      throw new CourierError('invalid_input', `This is not JSON (${(e as Error).message}).`, { field: 'json' });
    }
    const wrapped = typeof raw === 'object' && raw !== null && 'format' in raw;
    if (wrapped) {
      const f = raw as { format?: unknown; version?: unknown };
      if (f.format !== 'courier-job-template')
        throw new CourierError('invalid_input', `This file is a "${String(f.format)}", not a Courier job template.`, { field: 'format' });
      if (typeof f.version === 'number' && f.version > TEMPLATE_VERSION) {
        throw new CourierError('invalid_input', `This template was saved by a newer Courier (format version ${f.version}); update Courier to import it.`, {
          field: 'version',
        });
      }
    }
    const candidate = wrapped ? (raw as { template?: unknown }).template : raw;
    const parsed = (wrapped ? templateExport.shape.template : jobTemplate).safeParse(candidate);
    if (!parsed.success) throw invalid(zodIssues(parsed.error, 'template.'));
    const pIssues = placeholderIssues(parsed.data);
    if (pIssues.length) throw invalid(pIssues.map((i) => ({ ...i, field: `template.${i.field}` })));
    const taken = PRESETS.some((p) => p.id === parsed.data.id) || this.list().some((t) => t.id === parsed.data.id);
    return this.save({ ...parsed.data, id: taken ? undefined : parsed.data.id, createdAt: undefined });
  }
}
