import { useTranslation } from 'react-i18next';
import { Field } from '../../components/Field';
import type { TemplateForm } from './useTemplateForm';
import { Icon } from '../../components/Icon';

/** Parameters ({name} placeholders asked at launch) and environment variables. */
export function ParametersSection({ form }: { form: TemplateForm }) {
  const { t } = useTranslation();
  const { draft: d, update, errorFor } = form;
  const env = Object.entries(d.env);
  const setEnv = (pairs: [string, string][]) => update('env', (x) => ({ ...x, env: Object.fromEntries(pairs) }));
  return (
    <fieldset className="card">
      <legend>{t('templates.parameters')}</legend>
      <p className="hint">{t('templates.parametersHint')}</p>
      {d.parameters.map((p, n) => (
        <div className="row-fields" key={n}>
          <Field label={t('templates.paramName')} error={errorFor(`parameters.${n}.name`)}>
            {(id, desc) => (
              <input
                id={id}
                aria-describedby={desc}
                value={p.name}
                onChange={(e) =>
                  update(`parameters.${n}.name`, (x) => ({ ...x, parameters: x.parameters.map((q, k) => (k === n ? { ...q, name: e.target.value } : q)) }))
                }
              />
            )}
          </Field>
          <Field label={t('templates.paramLabel')}>
            {(id) => (
              <input
                id={id}
                value={p.label ?? ''}
                onChange={(e) =>
                  update(`parameters.${n}.label`, (x) => ({ ...x, parameters: x.parameters.map((q, k) => (k === n ? { ...q, label: e.target.value } : q)) }))
                }
              />
            )}
          </Field>
          <Field label={t('templates.paramDefault')}>
            {(id) => (
              <input
                id={id}
                value={p.default ?? ''}
                onChange={(e) =>
                  update(`parameters.${n}.default`, (x) => ({
                    ...x,
                    parameters: x.parameters.map((q, k) => (k === n ? { ...q, default: e.target.value } : q)),
                  }))
                }
              />
            )}
          </Field>
          <button
            type="button"
            className="icon"
            aria-label={t('templates.removeParam', { name: p.name || n + 1 })}
            onClick={() => update('parameters', (x) => ({ ...x, parameters: x.parameters.filter((_, k) => k !== n) }))}
          >
            <Icon name="close" />
          </button>
        </div>
      ))}
      <button type="button" onClick={() => update('parameters', (x) => ({ ...x, parameters: [...x.parameters, { name: '' }] }))}>
        {t('templates.addParam')}
      </button>
      <h3>{t('templates.env')}</h3>
      {env.map(([k, v], n) => (
        <div className="row-fields" key={n}>
          <Field label={t('templates.envName')} error={errorFor(`env.${k}`)}>
            {(id, desc) => (
              <input id={id} aria-describedby={desc} value={k} onChange={(e) => setEnv(env.map((p, i) => (i === n ? [e.target.value, p[1]] : p)))} />
            )}
          </Field>
          <Field label={t('templates.envValue')}>
            {(id) => <input id={id} value={v} onChange={(e) => setEnv(env.map((p, i) => (i === n ? [p[0], e.target.value] : p)))} />}
          </Field>
          <button
            type="button"
            className="icon"
            aria-label={t('templates.removeEnv', { name: k || n + 1 })}
            onClick={() => setEnv(env.filter((_, i) => i !== n))}
          >
            <Icon name="close" />
          </button>
        </div>
      ))}
      <button type="button" onClick={() => setEnv([...env, [`VAR_${env.length + 1}`, '']])}>
        {t('templates.addEnv')}
      </button>
    </fieldset>
  );
}

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
          <textarea
            id={id}
            aria-describedby={desc}
            rows={3}
            className="mono"
            value={d.outputs.filters.join('\n')}
            onChange={(e) => update('outputs.filters', (x) => ({ ...x, outputs: { ...x.outputs, filters: e.target.value.split('\n') } }))}
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
