// A folder of small files uploaded to Files with the platform's API limits on (the sandbox's
// `--rate-limits`: all of v3, registrations included, at 2 requests a second; Courier keeps to
// its limiter's 85 % of it). Courier's bytes are stored long before the registrations finish:
// both times are reported, next to aws and rclone moving the same bytes (they register nothing,
// so the limits do not touch them). Used by transfer-bench.ts (case `limited`).
import { join } from 'node:path';
import { SandboxStorage } from '../support/sandbox-storage';
import { ensureSmall } from './data';
import { aws, courier, rclone, startSandboxProcess } from './procs';

export interface LimitedResult {
  files: number;
  bytes: number;
  /** Courier: until every byte was stored, and until every file was registered. */
  bytesSeconds: number;
  seconds: number;
  failed: number;
  awsSeconds: number;
  rcloneSeconds: number;
}

export async function limitedCase(data: string, work: string, n: number, base: { workerFile?: string; stateDir: string }): Promise<LimitedResult> {
  const files = await ensureSmall(join(data, `small-${n}`), n, 64 * 1024);
  const sb = await startSandboxProcess(join(work, 'sandbox-limited'), ['--rate-limits']);
  try {
    const storage = new SandboxStorage({ apiUrl: sb.apiUrl, token: sb.token, s3Endpoint: sb.s3Endpoint });
    const root = await storage.uploadTarget();
    const folder = await storage.createFolder(root.rootFolderId, `limited-${Date.now()}`);
    const spec = { ...base, stateDir: join(base.stateDir, 'limited'), apiUrl: sb.apiUrl, token: sb.token, s3Endpoint: sb.s3Endpoint };
    const c = await courier({ ...spec, mode: 'upload', inputs: [files], folderId: folder.id, apiLimited: true });
    process.stderr.write(`  limited · courier: bytes stored ${c.bytesSeconds?.toFixed(1)} s, all registered ${c.seconds.toFixed(1)} s\n`);
    const a = await aws(sb, ['--recursive', files, `s3://${sb.s3Admin.bucket}/bench/limited/aws/`]);
    const r = await rclone(sb, [files, `s3r:${sb.s3Admin.bucket}/bench/limited/rclone/`]);
    return { files: c.files, bytes: c.bytes, bytesSeconds: c.bytesSeconds ?? c.seconds, seconds: c.seconds, failed: c.failed, awsSeconds: a.seconds, rcloneSeconds: r.seconds };
  } finally {
    await sb.stop();
  }
}

export function limitedLines(l: LimitedResult): string[] {
  return [
    '',
    `| ${l.files} files of 64 KiB to Files, platform limits on (v3: 2 req/s) | seconds |`,
    '|---|---:|',
    `| Courier: every byte encrypted and stored | ${l.bytesSeconds.toFixed(1)} |`,
    `| Courier: every file registered (${(l.files / l.seconds).toFixed(2)} files/s${l.failed ? `, ${l.failed} failed` : ''}) | ${l.seconds.toFixed(1)} |`,
    `| aws s3 cp --recursive (bytes only, no registration) | ${l.awsSeconds.toFixed(1)} |`,
    `| rclone copy (bytes only, no registration) | ${l.rcloneSeconds.toFixed(1)} |`,
  ];
}
