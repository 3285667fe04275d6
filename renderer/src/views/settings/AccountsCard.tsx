// Settings → Accounts: the signed-in accounts, adding one, and where API keys are kept.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SignIn } from '../../components/SignIn';
import { keyStoreKind } from '../../lib/key-store';
import { useSettings } from '../../stores/settings';
import { AccountsList } from './AccountsList';

export function AccountsCard() {
  const { t } = useTranslation();
  const keyStore = useSettings((s) => s.keyStore);
  const [adding, setAdding] = useState(false);
  return (
    <section className="card" aria-labelledby="accounts-h">
      <h2 id="accounts-h">{t('settings.accounts')}</h2>
      <AccountsList />
      {adding ? <SignIn onDone={() => setAdding(false)} /> : <button onClick={() => setAdding(true)}>{t('settings.addAccount')}</button>}
      {keyStore && (
        <p className={keyStore.secure ? 'hint' : 'error'}>
          {t('settings.keyStore', {
            backend: t(`account.keyStoreName.${keyStore.locked ? 'locked' : keyStoreKind(keyStore.backend)}`, { backend: keyStore.backend }),
          })}
        </p>
      )}
    </section>
  );
}
