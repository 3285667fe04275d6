// `courier accounts list|add|use|rename|remove`: the Rescale accounts stored in this data folder.
import type { Command } from 'commander';
import { CourierError } from '../../shared/errors';
import { platformFromUrl, sandboxPlatform } from '../../main/core/platforms';
import type { Courier } from '../../main/core/courier';
import type { AccountView } from '../../main/core/accounts/service';
import { action } from '../action';
import type { CliContext } from '../context';
import type { Out } from '../output';

interface AddOptions {
  platform?: string;
  sandbox?: boolean;
  label?: string;
  keyStdin?: boolean;
  apiToken?: string;
}

export function registerAccountCommands(program: Command): void {
  const accounts = program.command('accounts').description('manage your Rescale accounts (keys are kept in the OS keychain)');
  accounts.command('list').description('list accounts').action(action(listAccounts));
  accounts
    .command('add')
    .description('add an account: checks the key with the platform, then stores it in the keychain')
    .option('--platform <url>', 'platform address (default https://platform.rescale.com)')
    .option('--sandbox', 'the local sandbox (no Rescale account needed)')
    .option('--label <name>', 'a name for the account')
    .option('--key-stdin', 'read the API key from standard input (default: RESCALE_API_KEY or -p)')
    .action(action(addAccount));
  accounts.command('use <account>').description('make an account the active one').action(action(useAccount));
  accounts.command('rename <account> <label>').description('rename an account').action(action(renameAccount));
  accounts.command('remove <account>').description('sign out: delete the key from the keychain and forget the account').action(action(removeAccount));
}

async function listAccounts(ctx: CliContext, out: Out): Promise<void> {
  const c = await ctx.courier();
  const list = c.accounts.list();
  if (out.json) return out.result(JSON.stringify({ accounts: list, keyStore: c.ports.secrets.backend }));
  if (list.length === 0)
    return out.result('No accounts. Add one with `courier accounts add --platform URL` with --key-stdin, or `courier accounts add --sandbox`.');
  for (const a of list) out.result(`${a.active ? '*' : ' '} ${a.label}\t${a.email}\t${a.platformLabel}\t${a.id}`);
}

async function addAccount(ctx: CliContext, out: Out, o: AddOptions): Promise<void> {
  const c = await ctx.courier();
  const view = o.sandbox ? await addSandboxAccount(c, o) : await addKeyAccount(c, o);
  if (out.json) return out.result(JSON.stringify(view));
  out.result(
    `Signed in as ${view.email}${view.workspace ? ` (${view.workspace})` : ''} on ${view.platformLabel}. Account "${view.label}"${view.active ? ' is active' : ''}.`,
  );
}

/** `accounts add --sandbox`: starts the local sandbox and signs in with its token. */
async function addSandboxAccount(c: Courier, o: AddOptions): Promise<AccountView> {
  const sb = await c.ports.launchSandbox!();
  return c.accounts.add({ platform: sandboxPlatform(sb), apiKey: sb.token, label: o.label ?? 'Sandbox' });
}

/** `accounts add [--platform URL]`: the key from stdin, -p or RESCALE_API_KEY. */
async function addKeyAccount(c: Courier, o: AddOptions): Promise<AccountView> {
  let key = o.apiToken ?? process.env.RESCALE_API_KEY;
  if (o.keyStdin) key = (await readStdin()).trim();
  if (!key)
    throw new CourierError(
      'invalid_input',
      'Give the API key with --key-stdin (recommended: `pbpaste | courier accounts add --key-stdin`), -p KEY or RESCALE_API_KEY.',
    );
  return c.accounts.add({
    platform: platformFromUrl(o.platform ?? 'https://platform.rescale.com'),
    apiKey: key,
    ...(o.label ? { label: o.label } : {}),
  });
}

async function useAccount(ctx: CliContext, out: Out): Promise<void> {
  const { c, a } = await pick(ctx, ctx.args[0]!);
  c.accounts.use(a.id);
  out.result(`Now using ${a.label}.`);
}

async function renameAccount(ctx: CliContext, out: Out): Promise<void> {
  const { c, a } = await pick(ctx, ctx.args[0]!);
  const v = c.accounts.rename(a.id, ctx.args[1]!);
  out.result(`Renamed to ${v.label}.`);
}

async function removeAccount(ctx: CliContext, out: Out): Promise<void> {
  const { c, a } = await pick(ctx, ctx.args[0]!);
  await c.accounts.remove(a.id);
  out.result(`Signed out of ${a.label}; its key was deleted.`);
}

/** An account by id or label. */
async function pick(ctx: CliContext, which: string) {
  const c = await ctx.courier();
  const a = c.accounts.list().find((x) => x.id === which || x.label === which);
  if (!a) throw new CourierError('not_found', `No account "${which}". See \`courier accounts list\`.`);
  return { c, a };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
