import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TemplateEntry } from '../../../../shared/jobs';
import { api, ApiError } from '../../api/client';
import { messageOf } from '../../lib/format';
import { confirmAction } from '../../stores/confirm';
import { openLaunch } from '../../stores/launch';
import { useNavigation } from '../../stores/navigation';
import { refreshTemplates } from '../../stores/templates';
import { toast } from '../../stores/toasts';
import { BasicsSection } from './BasicsSection';
import { OutputsSection, ParametersSection } from './ExtrasSection';
import { InputsSection } from './InputsSection';
import { SoftwareSection } from './SoftwareSection';
import { clean, useTemplateForm, type Draft } from './useTemplateForm';

export function download(json: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 0);
}

/** Edit a saved template (presets are read-only: duplicate them), with problems next to the fields. */
export function TemplateEditor({ entry, initial }: { entry: TemplateEntry | null; initial: Draft }) {
  const { t } = useTranslation();
  const go = useNavigation((s) => s.go);
  const form = useTemplateForm(initial);
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState('');
  const readOnly = !!entry?.builtIn;
  const id = entry?.template.id;

  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setFormError('');
    try {
      await fn();
    } catch (e) {
      setFormError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  const save = (e: React.FormEvent) => {
    e.preventDefault();
    form.revealAll();
    if (form.blocking > 0) return setFormError(t('templates.fixFirst', { count: form.blocking }));
    void run(async () => {
      try {
        const saved = await api.templates.save({ template: clean(form.draft) });
        await refreshTemplates();
        toast({ level: 'ok', title: t('templates.savedToast', { name: saved.template.name }) });
        go('templates', saved.template.id);
      } catch (err) {
        if (err instanceof ApiError && err.field) setFormError(`${err.field}: ${err.message}`);
        else throw err;
      }
    });
  };

  const duplicate = () =>
    void run(async () => {
      if (!id) return;
      const copy = await api.templates.duplicate({ id });
      await refreshTemplates();
      go('templates', copy.template.id);
    });

  const remove = async () => {
    if (!id || !entry) return;
    const ok = await confirmAction({
      title: t('templates.deleteTitle', { name: entry.template.name }),
      body: t('templates.deleteBody'),
      confirmLabel: t('templates.delete'),
      danger: true,
    });
    if (ok)
      await run(async () => {
        await api.templates.delete({ id });
        await refreshTemplates();
        go('templates');
      });
  };

  const exportIt = () =>
    void run(async () => {
      if (!id) return;
      const r = await api.templates.export({ id });
      download(r.json, r.fileName);
    });

  return (
    <form className="template-editor" onSubmit={save} aria-labelledby="editor-title" noValidate>
      <div className="detail-header">
        <h2 id="editor-title">{entry ? entry.template.name : t('templates.new')}</h2>
        {readOnly && <span className="tag">{t('templates.builtIn')}</span>}
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
      </div>
      {readOnly && <p className="hint">{t('templates.readOnly')}</p>}
      {formError && (
        <p className="error" role="alert">
          {formError}
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
