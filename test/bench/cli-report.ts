// The whole-process table (test/bench/cli-bench.ts): a section of docs/benchmarks.md between
// markers. Every benchmark rewrites only its own section; what is written about the figures
// (analysis, dated notes) lives outside them and is kept.
export interface CliTool {
  seconds: number;
  cpuSeconds: number;
  peakRssMiB: number;
}
export interface CliRow {
  case: string;
  bytes: number;
  courier: CliTool;
  aws: CliTool;
  rclone: CliTool;
}
export interface CliResults {
  date: string;
  runs: number;
  loadBefore: number;
  loadAfter?: number;
  rows: CliRow[];
  startup?: { nodeMs: number; versionMs: number; helpMs: number; /** `courier --help` run from the sources (the field kept its name for older results). */
    versionFromSourceMs: number; load: number };
  huge?: { fileMiB: number; seconds: number; peakRssMiB: number; load: number };
}

export const WHOLE_PROCESS = 'whole-process';
/** The in-process table and its method (test/bench/transfer-bench.ts), at the top of the page. */
export const IN_PROCESS = 'in-process';

/** Replaces the text between `<!-- name:start -->` and `<!-- name:end -->`, or appends the section. */
export function replaceSection(doc: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${body.trim()}\n${end}`;
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  if (a >= 0 && b > a) return doc.slice(0, a) + block + doc.slice(b + end.length);
  return `${doc.trimEnd()}\n\n${block}\n`;
}

/** The section as it stands in a page, to carry over when the rest is rewritten. */
export function section(doc: string, name: string): string | null {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const a = doc.indexOf(start);
  const b = doc.indexOf(end);
  return a >= 0 && b > a ? doc.slice(a + start.length, b) : null;
}

/**
 * What a run that measured only some cases (BENCH_CASES) keeps of the section it replaces: the
 * main table's rows of the other cases, each marked with the date they were measured, and the
 * start-up table or the large-upload line if this run has none. Without it, a run of one case
 * wiped the other rows from the page.
 */
export function carriedOver(old: string | null, r: CliResults): { rows: string[]; startup: string[]; huge: string[] } {
  const none = { rows: [], startup: [], huge: [] };
  if (!old) return none;
  const lines = old.split('\n');
  const when = /^Measured ([^,]+),/m.exec(old)?.[1] ?? 'an earlier run';
  const block = (first: (l: string) => boolean): string[] => {
    const at = lines.findIndex(first);
    if (at < 0) return [];
    const end = lines.findIndex((l, i) => i > at && !l.startsWith('|'));
    return lines.slice(at, end < 0 ? undefined : end);
  };
  const measured = new Set(r.rows.map((x) => x.case));
  const rows = block((l) => l.startsWith('| case |'))
    .slice(2)
    .filter((l) => !measured.has(caseOf(l)))
    .map((l) => (/ \(measured [^)]*\) \|/.test(l) ? l : l.replace(/^\| ([^|]*?) \|/, `| $1 (measured ${when}) |`)));
  const dated = (l: string, at: string, mark: string): string => (l.includes('measured ') ? l : l.replace(at, mark));
  return {
    rows,
    startup: r.startup ? [] : block((l) => l.startsWith('| start-up')).map((l) => dated(l, '| start-up (', `| start-up (measured ${when}; `)),
    huge: r.huge ? [] : lines.filter((l) => l.startsWith('A ') && l.includes('(`courier upload -f`)')).map((l) => dated(l, ': ', ` (measured ${when}): `)),
  };
}

/** A row's case, without the date an earlier run left on it. */
function caseOf(row: string): string {
  return (row.split('|')[1] ?? '').trim().replace(/ \(measured [^)]*\)$/, '');
}

export function cliMarkdown(r: CliResults, old: string | null = null): string {
  const kept = carriedOver(old, r);
  const mibs = (bytes: number, s: number) => (bytes >= 1 << 20 ? `${(bytes / 1048576 / s).toFixed(1)} MiB/s (${s.toFixed(2)} s)` : `${s.toFixed(2)} s`);
  const out = [
    '## The `courier` command, timed as whole processes',
    '',
    `Measured ${r.date}, median of ${r.runs} run(s), with \`npx tsx test/bench/cli-bench.ts\` (load average ${r.loadBefore.toFixed(1)} at the start, ${(r.loadAfter ?? NaN).toFixed(1)} at the end, on 2 vCPUs).`,
    'Each tool is timed from process start to exit, the way a user runs it, interleaved in the same run against the same',
    'sandbox: `courier upload -f FILE`, `courier download-file --file-id ID` and `courier download --folder ID` (the',
    'compiled build; encrypting, registering, decrypting and verifying SHA-512), `/usr/bin/aws s3 cp` (`--recursive`',
    'for the folder) and `rclone copyto` (bytes only; rclone checks MD5s). The folder is put once, unmeasured (Courier\'s',
    'in process with its rate limiter off), and every run writes a folder of its own. A few',
    'unmeasured 1 KiB uploads come first, so Courier has the account cache a previous command leaves. Peak RSS is the',
    "tool's whole process (GNU time; Courier's workers are threads of it). Before every timed run the dirty pages",
    "are written back (`sync`), and before every upload the page cache is emptied (as root) and the source file",
    "read back into it, so no run pays for the previous tool's data (test/bench/procs.ts, `settleDisk`,",
    '`resetPageCache`); each tool reads its download source once, unmeasured, before the download runs.',
    '',
    '| case | Courier | aws | rclone | Courier ÷ aws | Courier ÷ rclone | CPU s: Courier / aws / rclone | peak RSS MiB: Courier / aws / rclone |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const x of r.rows) {
    const three = (f: (t: CliTool) => string) => `${f(x.courier)} / ${f(x.aws)} / ${f(x.rclone)}`;
    out.push(
      `| ${x.case} | ${mibs(x.bytes, x.courier.seconds)} | ${mibs(x.bytes, x.aws.seconds)} | ${mibs(x.bytes, x.rclone.seconds)} | ${(x.aws.seconds / x.courier.seconds).toFixed(2)}× | ${(x.rclone.seconds / x.courier.seconds).toFixed(2)}× | ${three((t) => t.cpuSeconds.toFixed(1))} | ${three((t) => t.peakRssMiB.toFixed(0))} |`,
    );
  }
  out.push(...kept.rows);
  if (kept.startup.length > 0) out.push('', ...kept.startup);
  if (kept.huge.length > 0) out.push('', ...kept.huge);
  if (r.startup) {
    const s = r.startup;
    out.push('', `| start-up (median of 10; load ${s.load.toFixed(1)}) | ms |`, '|---|---:|');
    out.push(`| \`node -e 0\` (the floor) | ${s.nodeMs.toFixed(0)} |`);
    out.push(`| \`courier --version\` | ${s.versionMs.toFixed(0)} |`);
    out.push(`| \`courier --help\` | ${s.helpMs.toFixed(0)} |`);
    out.push(`| \`courier --help\` from the sources through tsx (no build; median of 3) | ${s.versionFromSourceMs.toFixed(0)} |`);
  }
  if (r.huge) out.push('', `A ${r.huge.fileMiB} MiB upload (\`courier upload -f\`): ${r.huge.seconds.toFixed(1)} s, peak RSS of the whole process ${r.huge.peakRssMiB.toFixed(0)} MiB (load ${r.huge.load.toFixed(1)}).`);
  return out.join('\n');
}
