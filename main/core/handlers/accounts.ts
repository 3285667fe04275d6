import type { CourierHandlers } from '../../../shared/contract';
import { CourierError } from '../../../shared/errors';
import type { CoreServices } from '../courier';
import { knownPlatforms, sandboxPlatform } from '../platforms';
import type { CallContext } from '../rpc/router';

type Handlers = Pick<CourierHandlers<CallContext>, 'accounts' | 'settings'>;

export function accountHandlers(s: CoreServices): Handlers {
  // Only the active account is asked about its key: a keyring lookup per account per change is not free.
  const state = async () => {
    const accounts = s.accounts.list();
    const active = accounts.find((a) => a.active);
    const keyStore = s.ports.keyStore?.state() ?? { backend: s.ports.secrets.backend, secure: s.ports.secrets.secure };
    // A locked key file is asked for as such, not as a missing key.
    const missing = active && !('locked' in keyStore && keyStore.locked) ? await s.accounts.keyMissing(active.id) : false;
    return { accounts: accounts.map((a) => (a.active && missing ? { ...a, keyMissing: true } : a)), keyStore };
  };
  const chooser = () => {
    if (!s.ports.keyStore) throw new CourierError('unavailable', 'This Courier keeps keys in the system keychain; there is nothing to choose.');
    return s.ports.keyStore;
  };
  const changed = async <T>(value: T): Promise<T> => {
    s.hub.emit('accountsChanged', await state());
    return value;
  };
  return {
    accounts: {
      async list() {
        return state();
      },
      async platforms() {
        return { platforms: knownPlatforms.map(({ id, name, apiUrl }) => ({ id, name, apiUrl })), sandbox: !!s.ports.launchSandbox };
      },
      async add(input) {
        return changed(await s.accounts.add(input));
      },
      async addSandbox() {
        if (!s.ports.launchSandbox) throw new CourierError('unavailable', 'The local sandbox is not available in this build of Courier.');
        const sb = await s.ports.launchSandbox();
        return changed(await s.accounts.add({ platform: sandboxPlatform(sb), apiKey: sb.token, label: 'Sandbox' }));
      },
      async use({ id }) {
        return changed(s.accounts.use(id));
      },
      async restoreKey({ id, apiKey }) {
        return changed(await s.accounts.restoreKey(id, apiKey));
      },
      async chooseKeyStore({ kind, passphrase }) {
        await chooser().choose(kind, passphrase);
        s.activity.say('info', 'accounts', {
          key: kind === 'encrypted-file' ? 'keyStoreFile' : kind === 'memory' ? 'keyStoreMemory' : 'keyStoreKeychain',
          params: {},
        });
        return changed(await state());
      },
      async unlockKeyStore({ passphrase }) {
        await chooser().unlock(passphrase);
        s.activity.say('info', 'accounts', { key: 'keyStoreUnlocked', params: {} });
        // The journal's key was out of reach until now: unfinished transfers resume here.
        s.transfers().catch(() => undefined);
        return changed(await state());
      },
      async rename({ id, label }) {
        return changed(s.accounts.rename(id, label));
      },
      async remove({ id }) {
        await s.accounts.remove(id);
        return changed({ removed: true });
      },
    },
    settings: settingsHandlers(s),
  };
}

/** Settings requests, a table of their own so each stays one screenful. */
function settingsHandlers(s: CoreServices): Handlers['settings'] {
  return {
    async get() {
      return s.settings.get();
    },
    async update(patch) {
      return s.settings.update(patch);
    },
    async setProxyPassword({ password }) {
      if (password) await s.ports.secrets.set('proxy', password);
      else await s.ports.secrets.delete('proxy');
      // The change of date is what tells the API clients and the transfer workers to reconnect.
      return s.settings.update({ network: { proxyPasswordSetAt: password ? Date.now() : 0 } });
    },
  };
}
