// The whole-process table (test/bench/cli-bench.ts): a section of docs/benchmarks.md that the
// in-process benchmark keeps when it rewrites the rest of the page, and the other way round.
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

export function cliMarkdown(r: CliResults): string {
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
  if (r.startup) {
    const s = r.startup;
    out.push('', `| start-up (median of 10; load ${s.load.toFixed(1)}) | ms |`, '|---|---:|');
    out.push(`| \`node -e 0\` (the floor) | ${s.nodeMs.toFixed(0)} |`);
    out.push(`| \`courier --version\` | ${s.versionMs.toFixed(0)} |`);
    out.push(`| \`courier --help\` | ${s.helpMs.toFixed(0)} |`);
    out.push(`| \`courier --help\` from the sources through tsx (no build; median of 3) | ${s.versionFromSourceMs.toFixed(0)} |`);
  }
  if (r.huge) out.push('', `A ${r.huge.fileMiB} MiB upload (\`courier upload -f\`): ${r.huge.seconds.toFixed(1)} s, peak RSS of the whole process ${r.huge.peakRssMiB.toFixed(0)} MiB (load ${r.huge.load.toFixed(1)}).`);
  out.push(
    '',
    'Reading these: on two shared cores a tool\'s wall time follows its CPU, so compare the CPU column too, and',
    'under a load of 10 or more (other work on the machine) every figure stretches (`COURIER_TRACE=1` shows a',
    'command\'s phases and each thread\'s CPU). Courier spends more CPU per GiB because it encrypts or decrypts and',
    'hashes (SHA-512) every byte, and the sandbox\'s own CPU for each tool runs on the same two cores. Every command',
    'pays a fixed start: module loading on the main thread and in each worker thread. The build (scripts/build-cli.mjs)',
    'bundles the pure-JS packages, minified, with only the part of undici Courier calls and zod without its locales,',
    'loads better-sqlite3, piscina and the keyring with require() (importing CommonJS made Node scan their sources),',
    'and leaves the sandbox\'s servers out until a command starts one: ~1.2 MB for the main thread and ~0.6 MB for',
    'each worker, down from ~2.2 and ~0.9 MB. The transfer thread is started before the core loads, so it boots',
    'on the other core meanwhile; the hashing thread starts with the first large file (booting both at once',
    'slowed the main thread\'s start on two cores). `download-file` asks for the file\'s record while its journal',
    'opens, and a lone journal commit (the rename\'s) is written at once, not with the next 50 ms batch.',
    'WebAssembly stays on V8\'s baseline compiler in one-shot commands (cli/bin.mjs): V8 otherwise recompiled',
    'undici\'s HTTP parser (a wasm module) with its optimizing compiler in the background, and Node waited for that',
    '~140 ms of CPU before exiting every command that made a request. The transfer threads start their',
    'old generation at 128 MB (main/core/transfer/worker-heap.ts): with V8\'s default for a ~10 MB heap, the',
    'transfer thread of a 512 MiB download ran 43 full mark-compacts (and their helper threads), with it 1, and',
    'the command used 29 % less CPU. Settings are read without `conf` (and its ajv), which the start no longer',
    'loads. `courier --version` alone is answered from package.json by `cli/bin.mjs` without loading the command',
    'table; `--help` loads commander and the command table only.',
  );
  return out.join('\n');
}
