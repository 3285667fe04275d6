import * as z from 'zod';
import { platformRef, settingsPatch, settingsSchema } from '../settings';
import { request } from './define';
import { accountsState, accountView, keyStoreChoice } from './events';

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
