import { useTranslation } from 'react-i18next';
import type { AccountViewModel } from '../../../shared/contract/events';
import { Field, SecretField } from './Field';
import { KeyStorePicker } from './KeyStorePicker';
import { useSignIn } from './useSignIn';

type SignInState = ReturnType<typeof useSignIn>;

/** The platform list (known platforms, a custom address, the local Sandbox when offered). */
function PlatformFields({ s }: { s: SignInState }) {
  const { t } = useTranslation();
  return (
    <>
      <Field label={t('signIn.platform')} error={s.fieldError('platform')}>
        {(id, d) => (
          <select id={id} aria-describedby={d} value={s.choice} onChange={(e) => s.setChoice(e.target.value)}>
            {s.platforms.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
            <option value="custom">{t('signIn.custom')}</option>
            {s.sandbox && <option value="sandbox">{t('signIn.sandbox')}</option>}
          </select>
        )}
      </Field>
      {s.choice === 'custom' && (
        <Field label={t('signIn.customUrl')} error={s.fieldError('platform')}>
          {(id, d) => (
            <input
              id={id}
              aria-describedby={d}
              type="url"
              placeholder="https://platform.example.com"
              value={s.customUrl}
              onChange={(e) => s.setCustomUrl(e.target.value)}
              required
            />
          )}
        </Field>
      )}
    </>
  );
}

/** Pick a platform (or the local Sandbox), paste an API key, see who you are signed in as. */
export function SignIn({ onDone }: { onDone?: (a: AccountViewModel) => void }) {
  const { t } = useTranslation();
  const s = useSignIn(onDone);
  return (
    <form className="sign-in" onSubmit={(e) => void s.submit(e)} aria-label={t('signIn.title')}>
      <PlatformFields s={s} />
      {s.picking && s.keyStore?.choices && (
        <KeyStorePicker
          choices={s.keyStore.choices}
          value={s.pick}
          onChange={s.choosePick}
          errors={{ passphrase: s.fieldError('passphrase'), again: s.fieldError('passphraseAgain') }}
        />
      )}
      {s.choice === 'sandbox' ? (
        <p className="hint">{t('signIn.sandboxHint')}</p>
      ) : (
        <SecretField
          label={t('signIn.apiKey')}
          error={s.fieldError('apiKey')}
          hint={t(s.keyHint)}
          autoComplete="off"
          value={s.apiKey}
          onChange={(v) => s.setApiKey(v)}
        />
      )}
      {s.general && (
        <p className="error" role="alert">
          {s.general}
        </p>
      )}
      <button className="primary" type="submit" disabled={s.busy}>
        {s.busy ? t('signIn.checking') : t('signIn.submit')}
      </button>
      {s.signedIn && (
        <p className="ok" role="status">
          {t('signIn.signedInAs', {
            email: s.signedIn.email,
            where: s.signedIn.workspace ? `${s.signedIn.workspace} · ${s.signedIn.platformLabel}` : s.signedIn.platformLabel,
          })}
        </p>
      )}
    </form>
  );
}
