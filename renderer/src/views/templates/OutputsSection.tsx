import { useTranslation } from 'react-i18next';
import { Field } from '../../components/Field';
import { CodeArea } from './boxes';
import type { TemplateForm } from './useTemplateForm';

/** Which outputs come back by themselves, where to, and when to notify. */
export function OutputsSection({ form }: { form: TemplateForm }) {
  const { t } = useTranslation();
  const { draft: d, update, errorFor } = form;
  return (
    <fieldset className="card grid">
      <legend>{t('templates.outputs')}</legend>
      <label className="check span-all">
        <input
          type="checkbox"
          checked={d.outputs.autoDownload}
          onChange={(e) => update('outputs.autoDownload', (x) => ({ ...x, outputs: { ...x.outputs, autoDownload: e.target.checked } }))}
        />{' '}
        {t('templates.autoDownload')}
      </label>
      <Field label={t('templates.filters')} hint={t('templates.filtersHint')} error={errorFor('outputs.filters')}>
        {(id, desc) => (
          <CodeArea
            id={id}
            desc={desc}
            value={d.outputs.filters.join('\n')}
            onChange={(text) => update('outputs.filters', (x) => ({ ...x, outputs: { ...x.outputs, filters: text.split('\n') } }))}
          />
        )}
      </Field>
      <Field label={t('templates.outputFolder')} hint={t('templates.outputFolderHint')} error={errorFor('outputs.folder')}>
        {(id, desc) => (
          <input
            id={id}
            aria-describedby={desc}
            value={d.outputs.folder}
            onChange={(e) => update('outputs.folder', (x) => ({ ...x, outputs: { ...x.outputs, folder: e.target.value } }))}
          />
        )}
      </Field>
      <Field label={t('templates.notify')} error={errorFor('notify')}>
        {(id, desc) => (
          <select
            id={id}
            aria-describedby={desc}
            value={d.notify}
            onChange={(e) => update('notify', (x) => ({ ...x, notify: e.target.value as typeof x.notify }))}
          >
            <option value="all">{t('templates.notifyAll')}</option>
            <option value="failures">{t('templates.notifyFailures')}</option>
            <option value="none">{t('templates.notifyNone')}</option>
          </select>
        )}
      </Field>
    </fieldset>
  );
}
