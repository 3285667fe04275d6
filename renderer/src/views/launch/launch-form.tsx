// What the launch dialog and the run-again dialog share: the footer (cancel, launch) and the
// field an error of the launch request belongs to.
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/client';
import { messageOf } from '../../lib/format';
import { closeLaunch } from '../../stores/launch';

/** The error keyed by the form field it names (its first path segment), or by 'form'. */
export function launchErrors(err: unknown, fields: string[]): Record<string, string> {
  const field = err instanceof ApiError && err.field ? (err.field.split('.')[0] ?? 'form') : 'form';
  return { [fields.includes(field) ? field : 'form']: messageOf(err) };
}

export function LaunchFooter({ form, busy, ready }: { form: string; busy: boolean; ready: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <button type="button" onClick={closeLaunch}>
        {t('common.cancel')}
      </button>
      <button type="submit" form={form} className="primary" disabled={busy || !ready} data-autofocus="">
        {busy ? t('launch.launching') : t('launch.launch')}
      </button>
    </>
  );
}
