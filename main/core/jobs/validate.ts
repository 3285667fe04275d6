// Every problem of a template, by field: the form's own rules (zod), placeholders, and the
// platform's catalog (software, versions, core types allowed per version, core counts).
import type { z } from 'zod';
import { jobTemplate, type CatalogView, type JobTemplate, type TemplateIssue } from '../../../shared/jobs';
import { describeUnknown, knownNames, placeholderFields, placeholdersIn } from './placeholders';

type Catalog = Pick<CatalogView, 'coreTypes' | 'analyses'>;

export function zodIssues(error: z.ZodError, prefix = ''): TemplateIssue[] {
  return error.issues.map((i) => ({ field: prefix + i.path.map(String).join('.'), message: i.message }));
}

/** Placeholders that are neither built in nor declared parameters, and parameters declared twice. */
export function placeholderIssues(t: JobTemplate): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const known = knownNames(t);
  for (const { field, text } of placeholderFields(t)) {
    const used = placeholdersIn(text);
    const unknown = used.filter((u) => !known.includes(u));
    if (unknown.length) issues.push({ field, message: describeUnknown(unknown, known) });
    if (field === 'jobName' && used.includes('name')) issues.push({ field, message: 'the job name cannot use {name} (it is the job name itself)' });
  }
  const seen = new Set<string>();
  t.parameters.forEach((p, i) => {
    if (knownNames({ parameters: [] }).includes(p.name))
      issues.push({ field: `parameters.${i}.name`, message: `{${p.name}} is filled by Courier; choose another name` });
    else if (seen.has(p.name)) issues.push({ field: `parameters.${i}.name`, message: `{${p.name}} is declared twice` });
    seen.add(p.name);
  });
  return issues;
}

/** Checks a template against the platform's catalog; the message says what would be accepted. */
export function catalogIssues(t: JobTemplate, catalog: Catalog): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  const analysis = catalog.analyses.find((a) => a.code === t.analysis.code);
  let allowed: string[] | null = null;
  if (!analysis) {
    issues.push({ field: 'analysis.code', message: `the platform has no software with the code "${t.analysis.code}"` });
  } else {
    const version = analysis.versions.find((v) => v.versionCode === t.analysis.version);
    const byDisplay = analysis.versions.find((v) => v.version === t.analysis.version);
    if (version) allowed = version.allowedCoreTypes;
    else if (byDisplay) {
      issues.push({ field: 'analysis.version', message: `"${t.analysis.version}" is the display name; jobs need the version code "${byDisplay.versionCode}"` });
    } else {
      const codes = analysis.versions.map((v) => v.versionCode).join(', ');
      issues.push({ field: 'analysis.version', message: `${analysis.name} has no version "${t.analysis.version}" (available: ${codes || 'none'})` });
    }
  }
  const coreType = catalog.coreTypes.find((c) => c.code === t.hardware.coreType);
  if (!coreType) {
    issues.push({ field: 'hardware.coreType', message: `the platform has no active core type "${t.hardware.coreType}"` });
  } else {
    if (allowed && allowed.length > 0 && !allowed.includes(coreType.code)) {
      issues.push({
        field: 'hardware.coreType',
        message: `${analysis?.name ?? t.analysis.code} ${t.analysis.version} cannot run on ${coreType.name} (allowed: ${allowed.join(', ')})`,
      });
    }
    if (coreType.cores.length > 0 && !coreType.cores.includes(t.hardware.coresPerSlot)) {
      issues.push({
        field: 'hardware.coresPerSlot',
        message: `${coreType.name} comes in ${coreType.cores.join(', ')} cores per slot, not ${t.hardware.coresPerSlot}`,
      });
    }
  }
  return issues;
}

/** Parses anything that claims to be a template and lists every problem. */
export function checkTemplate(raw: unknown, catalog?: Catalog | null): { template: JobTemplate | null; issues: TemplateIssue[] } {
  const parsed = jobTemplate.safeParse(raw);
  if (!parsed.success) return { template: null, issues: zodIssues(parsed.error) };
  const issues = [...placeholderIssues(parsed.data), ...(catalog ? catalogIssues(parsed.data, catalog) : [])];
  return { template: parsed.data, issues };
}

export function issuesSentence(issues: TemplateIssue[]): string {
  return issues.map((i) => `${i.field}: ${i.message}`).join('; ');
}
