import { useTranslation } from 'react-i18next';
import { SecretField } from './Field';

export type StoreChoice = 'keychain' | 'encrypted-file' | 'memory';

export interface StorePick {
  choice: StoreChoice;
  passphrase: string;
  again: string;
}

/**
 * Where no keychain answers, the sign-in form says so before the key is typed and lets the
 * person pick: an encrypted file (with a passphrase typed twice) or memory only.
 */
export function KeyStorePicker({
  choices,
  value,
  onChange,
  errors,
}: {
  choices: StoreChoice[];
  value: StorePick;
  onChange: (v: StorePick) => void;
  errors: { passphrase?: string | undefined; again?: string | undefined };
}) {
  const { t } = useTranslation();
  return (
    <fieldset className="key-store-picker">
      <legend>{t('account.storeLegend')}</legend>
      <p className="hint">{t('account.storeIntro')}</p>
      {choices.map((c) => (
        <label key={c} className="radio">
          <input type="radio" name="key-store" value={c} checked={value.choice === c} onChange={() => onChange({ ...value, choice: c })} />
          {t(`account.storeChoice.${c}`)}
        </label>
      ))}
      {value.choice === 'encrypted-file' && (
        <>
          <SecretField
            label={t('account.passphrase')}
            error={errors.passphrase}
            hint={t('account.passphraseHint')}
            autoComplete="new-password"
            minLength={8}
            value={value.passphrase}
            onChange={(passphrase) => onChange({ ...value, passphrase })}
          />
          <SecretField
            label={t('account.passphraseAgain')}
            error={errors.again}
            autoComplete="new-password"
            value={value.again}
            onChange={(again) => onChange({ ...value, again })}
          />
        </>
      )}
    </fieldset>
  );
}
