// `courier templates list|show|import|export`: saved job templates and the GPU presets.
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { CourierError } from '../../shared/errors';
import { action } from '../action';
import type { CliContext } from '../context';
import { escapeJsonControls, jsonText, type Out } from '../output';
import { checkOutputFile, readInputFile } from '../paths';
import { call } from './core-call';

async function listTemplates(ctx: CliContext, out: Out): Promise<void> {
  const c = await ctx.courier();
  const r = await call(c, 'templates', 'list', {});
  if (out.json) return out.result(jsonText(r));
  for (const e of r.templates) {
    const t = e.template;
    out.result(
      `${t.id}\t${t.name}\t${t.analysis.code} ${t.analysis.version}\t${t.hardware.coreType} ×${t.hardware.coresPerSlot}${e.builtIn ? '\t(preset)' : ''}${e.issues.length ? `\t${e.issues.length} problem(s)` : ''}`,
    );
  }
}

async function showTemplate(ctx: CliContext, out: Out): Promise<void> {
  const c = await ctx.courier();
  out.result(jsonText(await call(c, 'templates', 'get', { id: ctx.args[0]! }), 2));
}

async function importTemplate(ctx: CliContext, out: Out): Promise<void> {
  const c = await ctx.courier();
  const file = ctx.args[0]!;
  const e = await call(c, 'templates', 'import', { json: readInputFile(file, 'the template file') }).catch((err: unknown) => {
    // Core does not know the file's name; the person needs it, and what a template file is.
    if (err instanceof CourierError && err.field === 'json')
      throw new CourierError(err.code, `${file}: ${err.message} Give a file written by \`courier templates export\` (or Export in the app).`);
    throw err;
  });
  out.result(`Imported "${e.template.name}" (${e.template.id})${e.issues.length ? `; ${e.issues.map((i) => `${i.field}: ${i.message}`).join('; ')}` : ''}`);
}

async function exportTemplate(ctx: CliContext, out: Out, o: { output?: string }): Promise<void> {
  const c = await ctx.courier();
  const r = await call(c, 'templates', 'export', { id: ctx.args[0]! });
  if (o.output) {
    checkOutputFile(o.output, '-o');
    writeFileSync(o.output, r.json);
    out.log(`Wrote ${o.output}`);
  } else out.result(escapeJsonControls(r.json));
}

/** Adds `templates` and its commands; returns the group (rerun adds `import-job` to it). */
export function registerTemplateCommands(program: Command): Command {
  const templates = program.command('templates').description('job templates (GPU presets included)');
  templates.command('list').description('saved templates and presets, with any problems against the platform catalog').action(action(listTemplates));
  templates.command('show <template>').description('print a template as JSON').action(action(showTemplate));
  templates.command('import <file>').description('import a template exported from Courier').action(action(importTemplate));
  templates
    .command('export <template>')
    .description('write a template as JSON (to -o FILE or stdout)')
    .option('-o, --output <file>', 'file to write')
    .action(action(exportTemplate));
  return templates;
}
