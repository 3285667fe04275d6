// The benchmarks' page is written by several benchmarks and by people: a benchmark rewrites only
// its own section, and a run of some cases keeps the rows of the others, dated.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cliMarkdown, replaceSection, section, WHOLE_PROCESS, type CliResults } from '../../bench/cli-report';

const page = readFileSync(new URL('../../../docs/benchmarks.md', import.meta.url), 'utf8');
const tool = (seconds: number) => ({ seconds, cpuSeconds: 1, peakRssMiB: 50 });
const folderOnly: CliResults = {
  date: '2026-12-07T07:00:00.000Z',
  runs: 1,
  loadBefore: 0.5,
  loadAfter: 1,
  rows: [{ case: 'download a folder of 2,000 files of 64 KiB', bytes: 2000 * 65536, courier: tool(2), aws: tool(8), rclone: tool(1) }],
};

describe('the whole-process section of docs/benchmarks.md', () => {
  it('a run of one case replaces its row and keeps the others and the start-up table, marked with their date', () => {
    const old = section(page, WHOLE_PROCESS);
    expect(old).not.toBeNull();
    const oldRows = old!.split('\n').filter((l) => /^\| (upload|download) /.test(l));
    expect(oldRows.length).toBeGreaterThanOrEqual(3);
    const md = cliMarkdown(folderOnly, old);
    const rows = md.split('\n').filter((l) => /^\| (upload|download) /.test(l));
    expect(rows.length).toBe(oldRows.length);
    expect(rows.filter((l) => l.startsWith('| download a folder of 2,000 files of 64 KiB |'))).toHaveLength(1); // the new one, undated
    expect(rows.filter((l) => / \(measured [^)]+\) \|/.test(l))).toHaveLength(oldRows.length - 1);
    expect(md).toContain('| `courier --version` |');
    expect(md).toMatch(/^\| start-up \(measured [^;]+; /m);
    // Run again on its own output: the dates stay as they were, not stacked.
    const again = cliMarkdown(folderOnly, md);
    expect(again.split('\n').filter((l) => /^\| (upload|download) /.test(l))).toEqual(rows);
  });

  it('a benchmark writing its section leaves the rest of the page as it was', () => {
    const md = cliMarkdown(folderOnly, section(page, WHOLE_PROCESS));
    const next = replaceSection(page, WHOLE_PROCESS, md);
    const outside = (doc: string) => doc.slice(0, doc.indexOf(`<!-- ${WHOLE_PROCESS}:start -->`)) + doc.slice(doc.indexOf(`<!-- ${WHOLE_PROCESS}:end -->`));
    expect(outside(next)).toBe(outside(page)); // other sections, and what is written about the figures
  });
});
