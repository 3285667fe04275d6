// The benchmark table (terminal and docs/benchmarks.md).
import { limitedLines, type LimitedResult } from './limited-bench';

export interface Row {
  case: string;
  bytes: number;
  /** Median wall seconds per tool. */
  courier: number;
  aws: number;
  rclone: number;
  /** Median CPU seconds the sandbox spent serving each tool. */
  sandboxCpu?: { courier: number; aws: number; rclone: number };
  /** Median CPU seconds of each tool's own process (Courier: the transfer only; peers: whole process). */
  clientCpu?: { courier: number; aws: number; rclone: number };
  /** Courier process: median CPU seconds (all threads) and peak RSS over the runs. */
  courierCpuSeconds?: number;
  courierPeakRssMiB?: number;
}

export interface CryptoResult {
  bytes: number;
  opensslMiBs: number;
  poolPerWorkerMiBs: number;
  poolWorkers: number;
  poolAggregateMiBs: number;
  ratioPerCore: number;
}

export interface Results {
  date: string;
  runs: number;
  machine: Record<string, unknown>;
  rows: Row[];
  crypto?: CryptoResult;
  limited?: LimitedResult;
  rss?: { fileMiB: number; seconds: number; mibPerSecond: number; peakRssMiB: number; loopP99Ms: number; loopMaxMs: number; idleLoopP99Ms: number };
}

const mibs = (bytes: number, s: number): string => (bytes / 1048576 / s).toFixed(1);

function lines(r: Results): string[] {
  const out = [
    '| case | Courier MiB/s (s) | aws MiB/s (s) | rclone MiB/s (s) | Courier ÷ aws | Courier ÷ rclone | client CPU s: Courier / aws / rclone | sandbox CPU s: Courier / aws / rclone |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  // A tool that did not run (aws and rclone on Azure storage) has no time: '–'.
  const cell = (bytes: number, s: number): string => (Number.isFinite(s) ? `${mibs(bytes, s)} (${s.toFixed(2)})` : '–');
  const ratio = (peer: number, courier: number): string => (Number.isFinite(peer / courier) ? `${(peer / courier).toFixed(2)}×` : '–');
  for (const x of r.rows) {
    const one = (n: number): string => (Number.isFinite(n) ? n.toFixed(1) : '–');
    const three = (c: Row['sandboxCpu']): string => (c ? `${one(c.courier)} / ${one(c.aws)} / ${one(c.rclone)}` : '–');
    out.push(
      `| ${x.case} | ${cell(x.bytes, x.courier)} | ${cell(x.bytes, x.aws)} | ${cell(x.bytes, x.rclone)} | ${ratio(x.aws, x.courier)} | ${ratio(x.rclone, x.courier)} | ${three(x.clientCpu)} | ${three(x.sandboxCpu)} |`,
    );
  }
  if (r.crypto) {
    const c = r.crypto;
    out.push('', '| crypto (AES-256-CBC encrypt, same file) | MiB/s |', '|---|---:|');
    out.push(`| openssl enc -aes-256-cbc (1 core) | ${c.opensslMiBs.toFixed(0)} |`);
    out.push(`| Courier pool, per worker | ${c.poolPerWorkerMiBs.toFixed(0)} (${(c.ratioPerCore * 100).toFixed(0)}% of openssl) |`);
    out.push(`| Courier pool, ${c.poolWorkers} workers together | ${c.poolAggregateMiBs.toFixed(0)} |`);
  }
  if (r.rss) {
    const s = r.rss;
    out.push('', `| ${s.fileMiB} MiB upload | value |`, '|---|---:|');
    out.push(`| throughput | ${s.mibPerSecond.toFixed(1)} MiB/s |`);
    out.push(`| peak RSS (whole process, workers included) | ${s.peakRssMiB.toFixed(0)} MiB |`);
    out.push(`| main event-loop delay p99 / max | ${s.loopP99Ms.toFixed(1)} / ${s.loopMaxMs.toFixed(1)} ms |`);
    out.push(`| same measure in an idle process meanwhile (machine noise) | ${s.idleLoopP99Ms.toFixed(1)} ms p99 |`);
  }
  if (r.limited) out.push(...limitedLines(r.limited));
  return out;
}

function loadNote(r: Results): string {
  const l = r.machine.load as { start: number; end: number } | undefined;
  return l ? `; load average ${l.start.toFixed(1)} at the start and ${l.end.toFixed(1)} at the end of the run, on 2 vCPUs shared with other work` : '';
}

export function table(r: Results): string {
  return lines(r).join('\n');
}

export function markdown(r: Results): string {
  return `# Transfer benchmarks

Measured ${r.date} on the development machine (${String(r.machine.node)}, 2 vCPU VM with CPU steal; expect ±20–30 % between runs${loadNote(r)}), median of ${r.runs} run(s), with \`npx tsx test/bench/transfer-bench.ts\`.
All tools ran against the same sandbox S3 (a separate process on loopback), one after the other, in the same run.

- **Courier encrypts** (AES-256-CBC, SHA-512 of the plaintext), registers every file with the (sandbox) Rescale API, and for
  downloads decrypts and verifies SHA-512 before the file appears. aws and rclone move the bytes only.
- Courier's time is measured inside its process from enqueue to "all settled" (worker threads warmed first);
  aws and rclone are timed as whole processes (their start-up, ~0.3–1 s, is included).
- Before every run the dirty pages are written back (\`sync\`, from 2026-12-06 10:00; rows measured earlier did not),
  so no run pays for flushing the previous tool's data.
- Before any measurement every tool moves 300 files of 64 KiB up and down once, unmeasured, so the sandbox's JIT
  warm-up is not charged to whichever tool happens to run first.
- Small-file downloads write into a folder of their own per run, removed after the case: deleting the
  previous tool's 2,000 files just before a run charged that run for ext4's recently-deleted inode scan.
  The 1 GiB download deletes the previous run's file just before each run, so every tool writes into
  just-freed memory (see "Fresh memory" below: in fresh folders aws and rclone paid the VM's cold pages,
  and Courier's ratio was 2.08× instead of 1.5–1.9×).
- Peers use their defaults: awscli v2 (\`/usr/bin/aws s3 cp\`, 8 MB parts, 10 concurrent) and rclone (4 transfers, 5 MiB chunks).
- "Client CPU" is each tool's own process: Courier's is measured inside it over the transfer only; aws's and
  rclone's are the whole process, start-up included (bash's \`times\`). "Sandbox CPU" is the server's work for that tool.
- Rows marked "Azure (Azurite)": Courier alone (aws and rclone speak S3) against an Azure-storage sandbox, whose
  blob service is Azurite behind the sandbox's blob proxy, in the sandbox's process. Azurite (JavaScript, blobs on
  disk) is the ceiling there, so read those rows' CPU columns rather than comparing their speed with the S3 rows.

${lines(r).join('\n')}

Raw numbers: \`bench/results.json\`.

## Reading the numbers

- **The machine is shared and noisy.** It is a 2-vCPU Firecracker VM with CPU steal, shared with other work;
  the same command varies by up to 2× between runs, which is why the tools run interleaved and the table
  shows medians. The "idle process" line under the 4 GiB upload is the event-loop delay of a process doing
  nothing at the same time: most of Courier's figure is the machine.
- **Everything shares two cores.** The sandbox (API and S3 in one Node process) runs on the same 2 vCPUs as
  the client, so a tool's time includes the server CPU it causes (last column). Each Courier file is an S3
  PUT *and* a registration (POST /api/v3/files/); aws and rclone register nothing. Against the real platform
  the registrations are bound by its API quota instead (about 2 a second for all of v3): the table with the
  platform's limits on shows the bytes stored long before the last file is registered, which is the time a
  folder of many small files takes whoever uploads it. Courier registers behind the bytes and journals every
  stored-but-unregistered file, so a crash or a quit never loses nor doubles one.
- **System calls are expensive here.** Each async fs call is a thread-pool round trip of ~120 µs of CPU and
  creating a file costs 0.3–1 ms; Courier's workers therefore read and write small files with sync calls,
  and the sandbox keeps small bodies in pack files (see main/core/transfer/README.md, sandbox/README.md).
- **Fresh memory is expensive here.** The VM hands freed memory back to its host within seconds, and
  touching such a page again costs ~4 s of system CPU per GiB (\`dd\` of 1 GiB: 0.35 s right after
  another, 4.4 s after 20 s idle). Every tool that writes a downloaded file through the page cache pays
  it, by chance, for part of the file. Courier writes and verifies large downloads with **direct I/O**
  (O_DIRECT, Linux; worker/direct-io.ts): measured on the 1 GiB download, its CPU fell from 9.5–12 s to
  5.6–7.2 s (\`BENCH_NO_DIRECT_IO=1\` gives the old path for comparison).
- **Large downloads pay for verification.** Courier decrypts and computes SHA-512 over every byte (about
  650 MiB/s on this CPU, which has no SHA-512 instructions) on a hashing thread that follows the written
  ranges and reads them back from the disk, and syncs the file before it gets its name. aws and rclone
  only copy bytes. Per GiB, Courier's CPU (per-thread figures, user+system, from \`BENCH_THREAD_CPU=1\`)
  is ~2.1 s on the hashing thread, ~1.3–1.5 s on each of the two network/AES workers, and ~1.2 s of
  main thread and GC helpers.
- **The sandbox makes cheap ETags** (\`--fast-etags\`, as its README intends for throughput
  benchmarks): it does not compute an MD5 of every uploaded byte, which on the shared cores slowed every
  uploading tool (~1.7 s of server CPU per GiB). Declared checksums (aws's CRC32 trailers, a
  Content-MD5) are still verified.
- **One transfer worker on 2 vCPUs.** The pool's default is a worker per core minus one (the main and
  hashing threads need the last core). With two workers here, 2,000 small files took 4.9–5.8 s against
  3.1–4.2 s with one: the second only competed for the same two cores and JIT-compiled the same hot code
  again (V8's compiler threads used ~1.5 CPU-s per run). A 1 GiB file moved at the same speed either way.
- **Small files take a quarter of a file slot**, so the default 12 slots move up to 48 of them at once
  (their time is round trips, not bandwidth).
- Client CPU per case, peak RSS and loop delay of every Courier run are in \`bench/results.json\`;
  \`BENCH_PROFILE_COURIER=<dir>\` writes V8 CPU profiles of every Courier thread.
`;
}
