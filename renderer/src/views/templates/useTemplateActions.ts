// What the template editor's buttons do (save, duplicate, export, delete), with the busy flag
// and the form-level error they share; kept apart so TemplateEditor is only markup.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TemplateEntry } from '../../../../shared/jobs';
import { api, ApiError } from '../../api/client';
import { messageOf } from '../../lib/format';
import { confirmAction } from '../../stores/confirm';
import { useNavigation } from '../../stores/navigation';
import { refreshTemplates } from '../../stores/templates';
import { toast } from '../../stores/toasts';
import { clean, type TemplateForm } from './useTemplateForm';

/** Hands a JSON text to the browser as a file download. */
export function download(json: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 0);
}

export function useTemplateActions(entry: TemplateEntry | null, form: TemplateForm) {
  const { t } = useTranslation();
  const go = useNavigation((s) => s.go);
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState('');
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

  return { busy, formError, save, duplicate, remove, exportIt };
}

export type TemplateActions = ReturnType<typeof useTemplateActions>;
