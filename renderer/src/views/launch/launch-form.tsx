// What the launch dialog and the run-again dialog share: the footer (cancel, launch), the end of
// the form (inputs, the error of no field), the field an error of the launch request belongs to,
// and the inputs as the request names them.
import { useTranslation } from 'react-i18next';
import type { LaunchInput } from '../../../../shared/jobs';
import { ApiError } from '../../api/client';
import { messageOf } from '../../lib/format';
import { closeLaunch, parkLaunch, setLaunch, type ChosenInput } from '../../stores/launch';
import { InputsPicker } from './InputsPicker';

/** A chosen input as the launch request takes it: a local path, or a platform file by id. */
export const toLaunch = (i: ChosenInput): LaunchInput =>
  i.kind === 'local' ? { path: i.path } : i.name ? { fileId: i.fileId, name: i.name } : { fileId: i.fileId };

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

/** The inputs (kept in the launch store, so Files can add to them) and the error that belongs to no field. */
export function LaunchFormEnd({ inputs, errors }: { inputs: ChosenInput[]; errors: Record<string, string> }) {
  return (
    <>
      <InputsPicker inputs={inputs} onChange={(next) => setLaunch({ inputs: next })} error={errors.inputs} onBrowseFiles={parkLaunch} />
      {errors.form && (
        <p className="error" role="alert">
          {errors.form}
        </p>
      )}
    </>
  );
}
