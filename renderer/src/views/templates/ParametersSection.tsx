// The editor's parameters ({name} placeholders asked at launch) and environment variables: two
// lists of editable rows, each row its own component so the section stays a short list.
import { useTranslation } from 'react-i18next';
import { Field } from '../../components/Field';
import { Icon } from '../../components/Icon';
import type { TemplateForm } from './useTemplateForm';

type Parameter = TemplateForm['draft']['parameters'][number];

function ParameterRow({ form, p, n }: { form: TemplateForm; p: Parameter; n: number }) {
  const { t } = useTranslation();
  const { update, errorFor } = form;
  const set = (key: 'name' | 'label' | 'default', value: string) =>
    update(`parameters.${n}.${key}`, (x) => ({ ...x, parameters: x.parameters.map((q, k) => (k === n ? { ...q, [key]: value } : q)) }));
  return (
    <div className="row-fields">
      <Field label={t('templates.paramName')} error={errorFor(`parameters.${n}.name`)}>
        {(id, desc) => <input id={id} aria-describedby={desc} value={p.name} onChange={(e) => set('name', e.target.value)} />}
      </Field>
      <Field label={t('templates.paramLabel')}>{(id) => <input id={id} value={p.label ?? ''} onChange={(e) => set('label', e.target.value)} />}</Field>
      <Field label={t('templates.paramDefault')}>{(id) => <input id={id} value={p.default ?? ''} onChange={(e) => set('default', e.target.value)} />}</Field>
      <button
        type="button"
        className="icon"
        aria-label={t('templates.removeParam', { name: p.name || n + 1 })}
        onClick={() => update('parameters', (x) => ({ ...x, parameters: x.parameters.filter((_, k) => k !== n) }))}
      >
        <Icon name="close" />
      </button>
    </div>
  );
}

function EnvRows({ form }: { form: TemplateForm }) {
  const { t } = useTranslation();
  const { draft: d, update, errorFor } = form;
  const env = Object.entries(d.env);
  const setEnv = (pairs: [string, string][]) => update('env', (x) => ({ ...x, env: Object.fromEntries(pairs) }));
  return (
    <>
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
    </>
  );
}

/** Parameters ({name} placeholders asked at launch) and environment variables. */
export function ParametersSection({ form }: { form: TemplateForm }) {
  const { t } = useTranslation();
  const { draft: d, update } = form;
  return (
    <fieldset className="card">
      <legend>{t('templates.parameters')}</legend>
      <p className="hint">{t('templates.parametersHint')}</p>
      {d.parameters.map((p, n) => (
        <ParameterRow key={n} form={form} p={p} n={n} />
      ))}
      <button type="button" onClick={() => update('parameters', (x) => ({ ...x, parameters: [...x.parameters, { name: '' }] }))}>
        {t('templates.addParam')}
      </button>
      <h3>{t('templates.env')}</h3>
      <EnvRows form={form} />
    </fieldset>
  );
}
