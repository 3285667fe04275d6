import { useTranslation } from 'react-i18next';
import type { TemplateEntry } from '../../../../shared/jobs';
import { openLaunch } from '../../stores/launch';
import { BasicsSection } from './BasicsSection';
import { OutputsSection } from './OutputsSection';
import { InputsSection } from './InputsSection';
import { ParametersSection } from './ParametersSection';
import { SoftwareSection } from './SoftwareSection';
import { useTemplateActions, type TemplateActions } from './useTemplateActions';
import { useTemplateForm, type Draft } from './useTemplateForm';

/** Launch, Save, Duplicate, Export, Delete: what applies to this template. */
function EditorButtons({ id, readOnly, actions }: { id: string | undefined; readOnly: boolean; actions: TemplateActions }) {
  const { t } = useTranslation();
  const { busy, duplicate, exportIt, remove } = actions;
  return (
    <div className="actions">
      {id && (
        <button type="button" className="primary" onClick={() => openLaunch({ templateId: id })}>
          {t('templates.launch')}
        </button>
      )}
      {!readOnly && (
        <button type="submit" disabled={busy}>
          {t('common.save')}
        </button>
      )}
      {id && (
        <button type="button" disabled={busy} onClick={duplicate}>
          {t('templates.duplicate')}
        </button>
      )}
      {id && (
        <button type="button" disabled={busy} onClick={exportIt}>
          {t('templates.export')}
        </button>
      )}
      {id && !readOnly && (
        <button type="button" className="danger" disabled={busy} onClick={() => void remove()}>
          {t('templates.delete')}
        </button>
      )}
    </div>
  );
}

/** Edit a saved template (presets are read-only: duplicate them), with problems next to the fields. */
export function TemplateEditor({ entry, initial }: { entry: TemplateEntry | null; initial: Draft }) {
  const { t } = useTranslation();
  const form = useTemplateForm(initial);
  const actions = useTemplateActions(entry, form);
  const readOnly = !!entry?.builtIn;
  return (
    <form className="template-editor" onSubmit={actions.save} aria-labelledby="editor-title" noValidate>
      <div className="detail-header">
        <h2 id="editor-title">{entry ? entry.template.name : t('templates.new')}</h2>
        {readOnly && <span className="tag">{t('templates.builtIn')}</span>}
        <EditorButtons id={entry?.template.id} readOnly={readOnly} actions={actions} />
      </div>
      {readOnly && <p className="hint">{t('templates.readOnly')}</p>}
      {actions.formError && (
        <p className="error" role="alert">
          {actions.formError}
        </p>
      )}
      <fieldset className="plain-fieldset" disabled={readOnly}>
        <legend className="sr-only">{t('templates.fields')}</legend>
        <BasicsSection form={form} />
        <SoftwareSection form={form} />
        <InputsSection form={form} />
        <ParametersSection form={form} />
        <OutputsSection form={form} />
      </fieldset>
    </form>
  );
}
