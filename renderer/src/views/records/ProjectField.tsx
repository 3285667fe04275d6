import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from '../../components/Field';
import { loadProjects, useProjects } from '../../stores/projects';

/** A project picked from the platform's list; free text where the platform offers none (or offline). */
export function ProjectField({
  value,
  onChange,
  error,
}: {
  value: string | undefined;
  onChange: (id: string | undefined) => void;
  error?: string | undefined;
}) {
  const { t } = useTranslation();
  const { loaded, available, projects } = useProjects();
  useEffect(() => void loadProjects(), []);
  const set = (v: string) => onChange(v.trim() === '' ? undefined : v);
  if (loaded && available) {
    return (
      <Field label={t('records.project')} hint={t('records.projectHint')} error={error}>
        {(id, desc) => (
          <select id={id} aria-describedby={desc} value={value ?? ''} onChange={(e) => set(e.target.value)} data-testid="project-select">
            <option value="">{t('records.noProject')}</option>
            {value && !projects.some((p) => p.id === value) && <option value={value}>{value}</option>}
            {projects.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        )}
      </Field>
    );
  }
  return (
    <Field label={t('records.project')} hint={t('records.projectFreeHint')} error={error}>
      {(id, desc) => <input id={id} aria-describedby={desc} value={value ?? ''} onChange={(e) => set(e.target.value)} data-testid="project-input" />}
    </Field>
  );
}
