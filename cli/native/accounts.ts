import type { Command } from 'commander';
import { CourierError } from '../../shared/errors';
import { platformFromUrl } from '../../main/core/platforms';
import { action } from '../main';

export function registerAccountCommands(program: Command): void {
  const accounts = program.command('accounts').description('manage your Rescale accounts (keys are kept in the OS keychain)');

  accounts
    .command('list')
    .description('list accounts')
    .action(
      action(async (ctx, out) => {
        const c = await ctx.courier();
        const list = c.accounts.list();
        if (out.json) return out.result(JSON.stringify({ accounts: list, keyStore: c.ports.secrets.backend }));
        if (list.length === 0)
          return out.result('No accounts. Add one with `courier accounts add --platform URL` with --key-stdin, or `courier accounts add --sandbox`.');
        for (const a of list) out.result(`${a.active ? '*' : ' '} ${a.label}\t${a.email}\t${a.platformLabel}\t${a.id}`);
      }),
    );

  accounts
    .command('add')
    .description('add an account: checks the key with the platform, then stores it in the keychain')
    .option('--platform <url>', 'platform address (default https://platform.rescale.com)')
    .option('--sandbox', 'the local sandbox (no Rescale account needed)')
    .option('--label <name>', 'a name for the account')
    .option('--key-stdin', 'read the API key from standard input (default: RESCALE_API_KEY or -p)')
    .action(
      action<{ platform?: string; sandbox?: boolean; label?: string; keyStdin?: boolean; apiToken?: string }>(async (ctx, out, o) => {
        const c = await ctx.courier();
        let view;
        if (o.sandbox) {
          const sb = await c.ports.launchSandbox!();
          view = await c.accounts.add({
            platform: {
              kind: 'sandbox',
              apiUrl: sb.apiUrl,
              s3Endpoint: sb.s3Endpoint,
              ...(sb.azureBlobEndpoint ? { azureBlobEndpoint: sb.azureBlobEndpoint } : {}),
            },
            apiKey: sb.token,
            label: o.label ?? 'Sandbox',
          });
        } else {
          let key = o.apiToken ?? process.env.RESCALE_API_KEY;
          if (o.keyStdin) key = (await readStdin()).trim();
          if (!key)
            throw new CourierError(
              'invalid_input',
              'Give the API key with --key-stdin (recommended: `pbpaste | courier accounts add --key-stdin`), -p KEY or RESCALE_API_KEY.',
            );
          view = await c.accounts.add({
            platform: platformFromUrl(o.platform ?? 'https://platform.rescale.com'),
            apiKey: key,
            ...(o.label ? { label: o.label } : {}),
          });
        }
        if (out.json) return out.result(JSON.stringify(view));
        out.result(
          `Signed in as ${view.email}${view.workspace ? ` (${view.workspace})` : ''} on ${view.platformLabel}. Account "${view.label}"${view.active ? ' is active' : ''}.`,
        );
      }),
    );

  const pick = async (ctx: Parameters<Parameters<typeof action>[0]>[0], which: string) => {
    const c = await ctx.courier();
    const a = c.accounts.list().find((x) => x.id === which || x.label === which);
    if (!a) throw new CourierError('not_found', `No account "${which}". See \`courier accounts list\`.`);
    return { c, a };
  };

  accounts
    .command('use <account>')
    .description('make an account the active one')
    .action(
      action<Record<string, never>>(async (ctx, out) => {
        const { c, a } = await pick(ctx, ctx.args[0]!);
        c.accounts.use(a.id);
        out.result(`Now using ${a.label}.`);
      }),
    );

  accounts
    .command('rename <account> <label>')
    .description('rename an account')
    .action(
      action<Record<string, never>>(async (ctx, out) => {
        const { c, a } = await pick(ctx, ctx.args[0]!);
        const v = c.accounts.rename(a.id, ctx.args[1]!);
        out.result(`Renamed to ${v.label}.`);
      }),
    );

  accounts
    .command('remove <account>')
    .description('sign out: delete the key from the keychain and forget the account')
    .action(
      action<Record<string, never>>(async (ctx, out) => {
        const { c, a } = await pick(ctx, ctx.args[0]!);
        await c.accounts.remove(a.id);
        out.result(`Signed out of ${a.label}; its key was deleted.`);
      }),
    );
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
