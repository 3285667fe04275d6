// The template chooser of the launch and the sweep dialogs: every template by name, the built-in
// presets marked as such. One component so both dialogs list templates alike.
import { useTranslation } from 'react-i18next';
import type { TemplateEntry } from '../../../../shared/jobs';
import { Field } from '../../components/Field';

interface Props {
  templates: TemplateEntry[];
  value: string | undefined;
  error: string | undefined;
  onChange: (templateId: string) => void;
  /** The dialog's first focus goes here (when the dialog has no better place for it). */
  autoFocus?: boolean;
}

export function TemplateField({ templates, value, error, onChange, autoFocus = false }: Props) {
  const { t } = useTranslation();
  return (
    <Field label={t('launch.template')} error={error}>
      {(id, d) => (
        <select id={id} aria-describedby={d} value={value ?? ''} onChange={(e) => onChange(e.target.value)} data-autofocus={autoFocus ? '' : undefined}>
          {templates.map((x) => (
            <option key={x.template.id} value={x.template.id}>
              {x.template.name}
              {x.builtIn ? ` (${t('templates.builtIn')})` : ''}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
