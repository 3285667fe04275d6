import { create } from 'zustand';
import type { Settings } from '../../../shared/settings';
import type { AccountViewModel, AccountsStateModel } from '../../../shared/contract/events';
import { api, onEvent } from '../api/client';

interface SettingsState {
  settings: Settings | null;
  accounts: AccountViewModel[];
  keyStore: AccountsStateModel['keyStore'] | null;
  loaded: boolean;
}

/** Mirrors main's settings and accounts: a snapshot at start, then the change events. */
export const useSettings = create<SettingsState>(() => ({ settings: null, accounts: [], keyStore: null, loaded: false }));

let started = false;
export function startSettingsMirror(): void {
  if (started) return;
  started = true;
  onEvent('settingsChanged', (settings) => useSettings.setState({ settings }));
  onEvent('accountsChanged', (s) => useSettings.setState({ accounts: s.accounts, keyStore: s.keyStore }));
  void Promise.all([api.settings.get({}), api.accounts.list({})]).then(([settings, a]) =>
    useSettings.setState({ settings, accounts: a.accounts, keyStore: a.keyStore, loaded: true }),
  );
}
