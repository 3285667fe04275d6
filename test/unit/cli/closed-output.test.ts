// `courier --help | head` and the like: the reader of the output goes away before the command
// writes. The command must end as a Unix tool killed by SIGPIPE would (exit 141), not print a
// stack trace of an unhandled EPIPE.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../../', import.meta.url).pathname;

function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['cli/bin.mjs', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy(); // closed long before the process has loaded enough to write
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

describe('output whose reader has gone', () => {
  it.each(['--help', '--version', 'help upload'])('`courier %s` ends quietly with 141', async (command) => {
    const r = await withClosedStdout(command.split(' '));
    expect(r.stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(r.code).toBe(141);
  });
});
