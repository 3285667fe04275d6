// `{input}`-style placeholders in a template's job name, command and environment values.
// `${VAR}` is left alone (it is the shell's), and `{{` / `}}` stand for literal braces.
import { BUILTIN_PLACEHOLDERS, PLACEHOLDER_NAME, type JobTemplate } from '../../../shared/jobs';

const TOKEN = /\{\{|\}\}|\$\{[^}]*\}|\{([^{}]*)\}/g;

/** The placeholder names used in a text, in order of appearance (duplicates removed). */
export function placeholdersIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(TOKEN)) {
    const name = m[1];
    if (name !== undefined && PLACEHOLDER_NAME.test(name) && !out.includes(name)) out.push(name);
  }
  return out;
}

/** Replaces every placeholder; names without a value are returned in `unknown` (the text keeps them). */
export function fill(text: string, values: Readonly<Record<string, string>>): { text: string; unknown: string[] } {
  const unknown: string[] = [];
  const out = text.replace(TOKEN, (whole, name: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    if (name === undefined || !PLACEHOLDER_NAME.test(name)) return whole; // ${VAR} or "{ not a name }"
    const v = values[name];
    if (v === undefined) {
      if (!unknown.includes(name)) unknown.push(name);
      return whole;
    }
    return v;
  });
  return { text: out, unknown };
}

/** The fields of a template that may hold placeholders, with the names a form shows next to them. */
export function placeholderFields(t: Pick<JobTemplate, 'jobName' | 'command' | 'env'>): { field: string; text: string }[] {
  return [
    { field: 'jobName', text: t.jobName },
    { field: 'command', text: t.command },
    ...Object.entries(t.env).map(([k, v]) => ({ field: `env.${k}`, text: v })),
  ];
}

/** Names a template may use: the built-ins and its declared parameters. */
export function knownNames(t: Pick<JobTemplate, 'parameters'>): string[] {
  return [...BUILTIN_PLACEHOLDERS, ...t.parameters.map((p) => p.name)];
}

export function describeUnknown(unknown: string[], known: string[]): string {
  const list = unknown.map((u) => `{${u}}`).join(', ');
  return `unknown placeholder${unknown.length > 1 ? 's' : ''} ${list} (known: ${known.map((k) => `{${k}}`).join(', ')}; declare others as parameters, write {{ }} for literal braces)`;
}
