import { useTranslation } from 'react-i18next';
import { Field } from '../../components/Field';
import { CodeArea } from './boxes';
import type { TemplateForm } from './useTemplateForm';
import { ProjectField } from '../records/ProjectField';

export function BasicsSection({ form }: { form: TemplateForm }) {
  const { t } = useTranslation();
  const { draft: d, update, errorFor } = form;
  return (
    <fieldset className="card grid">
      <legend>{t('templates.basics')}</legend>
      <Field label={t('templates.name')} error={errorFor('name')}>
        {(id, desc) => <input id={id} aria-describedby={desc} value={d.name} onChange={(e) => update('name', (x) => ({ ...x, name: e.target.value }))} />}
      </Field>
      <Field label={t('templates.jobName')} hint={t('templates.jobNameHint')} error={errorFor('jobName')}>
        {(id, desc) => (
          <input id={id} aria-describedby={desc} value={d.jobName} onChange={(e) => update('jobName', (x) => ({ ...x, jobName: e.target.value }))} />
        )}
      </Field>
      <ProjectField value={d.projectId} error={errorFor('projectId')} onChange={(v) => update('projectId', (x) => ({ ...x, projectId: v }))} />
      <div className="span-all">
        <Field label={t('templates.description')} error={errorFor('description')}>
          {(id, desc) => (
            <textarea
              id={id}
              aria-describedby={desc}
              rows={2}
              value={d.description}
              onChange={(e) => update('description', (x) => ({ ...x, description: e.target.value }))}
            />
          )}
        </Field>
      </div>
      <div className="span-all">
        <Field label={t('templates.command')} hint={t('templates.commandHint')} error={errorFor('command')}>
          {(id, desc) => <CodeArea id={id} desc={desc} value={d.command} onChange={(text) => update('command', (x) => ({ ...x, command: text }))} />}
        </Field>
      </div>
    </fieldset>
  );
}
