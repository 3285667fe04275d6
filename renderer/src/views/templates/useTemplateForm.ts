import { useEffect, useMemo, useRef, useState } from 'react';
import { templateDraft, type JobTemplate, type TemplateIssue } from '../../../../shared/jobs';
import { api } from '../../api/client';

/** What the editor holds: a template with the id optional (new) and the bookkeeping left out. */
export type Draft = Omit<JobTemplate, 'id' | 'version' | 'createdAt' | 'updatedAt'> & { id?: string | undefined };

export function blankDraft(): Draft {
  return {
    name: '',
    description: '',
    jobName: '{input}',
    analysis: { code: '', version: '' },
    hardware: { coreType: '', coresPerSlot: 1, slots: 1 },
    command: '',
    useMpi: false,
    inputs: [],
    lowPriority: false,
    env: {},
    parameters: [],
    outputs: { autoDownload: true, filters: ['*.log'], folder: '' },
    notify: 'all',
  };
}

export function draftOf(t: JobTemplate): Draft {
  const { version: _v, createdAt: _c, updatedAt: _u, ...rest } = t;
  return rest;
}

/** The draft as it is saved: blank filter lines (a half-typed list) dropped. */
export function clean(d: Draft): Draft {
  return { ...d, outputs: { ...d.outputs, filters: d.outputs.filters.map((f) => f.trim()).filter(Boolean) } };
}

/** The shared zod rules, run as the user types (instant, no round trip). */
function localIssues(d: Draft): TemplateIssue[] {
  const r = templateDraft.safeParse(clean(d));
  return r.success ? [] : r.error.issues.map((i) => ({ field: i.path.map(String).join('.'), message: i.message }));
}

/**
 * The editor's state: the draft, its problems by field (the shared schema at once, then main's
 * check with placeholders and the platform's catalog), and which fields the user has touched.
 */
export function useTemplateForm(initial: Draft) {
  const [draft, setDraft] = useState<Draft>(initial);
  const [serverIssues, setServerIssues] = useState<TemplateIssue[]>([]);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [showAll, setShowAll] = useState(false);
  const version = useRef(0);

  const local = useMemo(() => localIssues(draft), [draft]);

  useEffect(() => {
    const mine = ++version.current;
    const timer = setTimeout(() => {
      // validate wants a whole template: a new one gets a stand-in id, and id issues are ignored.
      void api.templates
        .validate({ template: { ...clean(draft), id: draft.id ?? 'new-template' } })
        .then((r) => mine === version.current && setServerIssues(r.issues.filter((i) => i.field !== 'id')))
        .catch(() => undefined);
    }, 300);
    return () => clearTimeout(timer);
  }, [draft]);

  const issues = useMemo(() => {
    const seen = new Set(local.map((i) => `${i.field}|${i.message}`));
    return [...local, ...serverIssues.filter((i) => !seen.has(`${i.field}|${i.message}`))];
  }, [local, serverIssues]);

  /** The message for a field (or anything under it), once it was touched or a save was tried. */
  const errorFor = (field: string): string | undefined => {
    const visible = showAll || [...touched].some((t) => t === field || t.startsWith(`${field}.`) || field.startsWith(`${t}.`));
    if (!visible) return undefined;
    const hit = issues.find((i) => i.field === field || i.field.startsWith(`${field}.`));
    return hit?.message;
  };

  const update = (field: string, fn: (d: Draft) => Draft) => {
    setDraft(fn);
    setTouched((s) => (s.has(field) ? s : new Set(s).add(field)));
  };

  return {
    draft,
    issues,
    blocking: local.length,
    errorFor,
    update,
    revealAll: () => setShowAll(true),
    reset: (d: Draft) => (setDraft(d), setTouched(new Set()), setShowAll(false), setServerIssues([])),
  };
}

export type TemplateForm = ReturnType<typeof useTemplateForm>;
