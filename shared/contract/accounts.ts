import * as z from 'zod';
import { platformRef, settingsPatch, settingsSchema } from '../settings';
import { request } from './define';

export const keyStoreChoice = z.enum(['keychain', 'encrypted-file', 'memory']);

export const accountView = z.object({
  id: z.string(),
  label: z.string(),
  platformLabel: z.string(),
  apiUrl: z.string(),
  email: z.string(),
  workspace: z.string().optional(),
  active: z.boolean(),
  /** The key store has no key for this account (a memory-only store after a restart): ask for it again. */
  keyMissing: z.boolean().optional(),
  /** The local sandbox (its key comes from the sandbox, not from the person). */
  sandbox: z.boolean().optional(),
});
export type AccountViewModel = z.infer<typeof accountView>;

export const accountsState = z.object({
  accounts: z.array(accountView),
  /** Where keys are kept, shown in Settings so people know (e.g. "os-keyring"). */
  keyStore: z.object({
    backend: z.string(),
    secure: z.boolean(),
    /** Where the person may choose (the web host): what is in use, whether its file waits for a passphrase, what can be picked. */
    kind: keyStoreChoice.optional(),
    locked: z.boolean().optional(),
    choices: z.array(keyStoreChoice).optional(),
  }),
});

export type AccountsStateModel = z.infer<typeof accountsState>;

export const platformOption = z.object({ id: z.string(), name: z.string(), apiUrl: z.string() });

export const accountRequests = {
  accounts: {
    list: request(z.object({}), accountsState),
    platforms: request(z.object({}), z.object({ platforms: z.array(platformOption), sandbox: z.boolean() })),
    add: request(z.object({ platform: platformRef, apiKey: z.string().min(1, 'paste your API key'), label: z.string().max(100).optional() }), accountView),
    /** Starts (or reuses) the local sandbox and signs in to it: Courier works with no Rescale account. */
    addSandbox: request(z.object({}), accountView),
    use: request(z.object({ id: z.string() }), accountView),
    /** Gives a known account its key again (the key store lost it); the key must belong to the same user. */
    restoreKey: request(z.object({ id: z.string(), apiKey: z.string().min(1, 'paste your API key') }), accountView),
    /** Where keys go from now on (an encrypted file needs a new passphrase); this run's keys move along. */
    chooseKeyStore: request(z.object({ kind: keyStoreChoice, passphrase: z.string().max(1000).optional() }), accountsState),
    /** Opens the encrypted key file found at start with its passphrase. */
    unlockKeyStore: request(z.object({ passphrase: z.string().min(1, 'enter the passphrase').max(1000) }), accountsState),
    rename: request(z.object({ id: z.string(), label: z.string() }), accountView),
    remove: request(z.object({ id: z.string() }), z.object({ removed: z.boolean() })),
  },
  settings: {
    get: request(z.object({}), settingsSchema),
    update: request(settingsPatch, settingsSchema),
    /** Keeps the proxy password in the keychain ('' forgets it); the settings record only when. */
    setProxyPassword: request(z.object({ password: z.string().max(1000) }), settingsSchema),
  },
};

export const accountEvents = {
  accountsChanged: accountsState,
  settingsChanged: settingsSchema,
};
