import type { PassphraseSource } from '../main/core/secrets/select';

/**
 * Asks for the key file's passphrase on the terminal without echoing it; null when there is no
 * terminal to ask (a pipe, CI), so the caller can say what to do instead. Hand-written: Node's
 * readline has no hidden input, and a prompt package would be loaded by every command.
 */
export const terminalPassphrase: PassphraseSource = async (purpose) => {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return null;
  const first = await hiddenLine(purpose === 'open' ? 'Passphrase of the Courier key file: ' : 'New passphrase for the Courier key file: ');
  if (purpose === 'open' || !first) return first;
  const again = await hiddenLine('The same passphrase again: ');
  if (again !== first) {
    process.stderr.write('The two passphrases differ; nothing was created.\n');
    return null;
  }
  return first;
};

function hiddenLine(prompt: string): Promise<string | null> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve) => {
    let text = '';
    const done = (value: string | null) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(text);
        if (ch === '\u0003' || ch === '\u0004') return done(null); // Ctrl-C, Ctrl-D
        if (ch === '\u007f' || ch === '\b') text = text.slice(0, -1);
        else text += ch;
      }
    };
    stdin.on('data', onData);
  });
}
