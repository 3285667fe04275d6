import { useTranslation } from 'react-i18next';
import { Field } from './Field';

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
          <Field label={t('account.passphrase')} error={errors.passphrase} hint={t('account.passphraseHint')}>
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                type="password"
                autoComplete="new-password"
                value={value.passphrase}
                onChange={(e) => onChange({ ...value, passphrase: e.target.value })}
                required
                minLength={8}
              />
            )}
          </Field>
          <Field label={t('account.passphraseAgain')} error={errors.again}>
            {(id, d) => (
              <input
                id={id}
                aria-describedby={d}
                type="password"
                autoComplete="new-password"
                value={value.again}
                onChange={(e) => onChange({ ...value, again: e.target.value })}
                required
              />
            )}
          </Field>
        </>
      )}
    </fieldset>
  );
}
