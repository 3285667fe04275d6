// The new-sweep dialog's form: what was typed, the preview, and where an error of the request
// belongs (next to its field, or under the form). Kept out of the dialog so the dialog is markup.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SweepPreview, SweepSpec } from '../../../../shared/sweeps';
import { api, ApiError } from '../../api/client';
import { messageOf } from '../../lib/format';
import { useNavigation } from '../../stores/navigation';
import { openSweepDialog, refreshSweeps } from '../../stores/sweeps';
import { refreshTemplates, useTemplates } from '../../stores/templates';
import { toast } from '../../stores/toasts';

export type TableKind = 'grid' | 'csv';

// Errors about the table or the template stay next to their field; the rest under the form.
const atTable = (f: string) => f.startsWith('table') || f.startsWith('columns');

export function useSweepForm() {
  const { t } = useTranslation();
  const templates = useTemplates((s) => s.templates);
  const [templateId, setTemplateId] = useState<string | undefined>(undefined);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<TableKind>('grid');
  const [text, setText] = useState({ grid: '', csv: '' });
  const [preview, setPreview] = useState<SweepPreview | null>(null);
  const [error, setError] = useState<{ field: string; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => void refreshTemplates(), []);

  const chosen = templateId ?? templates.find((x) => !x.builtIn && x.template.parameters.length > 0)?.template.id ?? templates[0]?.template.id;
  const close = () => openSweepDialog(false);
  const spec = (): SweepSpec => ({ templateId: chosen ?? '', table: { kind, text: text[kind] }, ...(name.trim() ? { name: name.trim() } : {}) });
  /** Any edit: the preview and the error were of the old form. */
  const edited = () => (setPreview(null), setError(null));

  const send = async (launch: boolean) => {
    setBusy(true);
    setError(null);
    try {
      if (!launch) {
        setPreview(await api.sweeps.preview(spec()));
        return;
      }
      const r = await api.sweeps.launch(spec());
      close();
      toast({ level: 'info', title: t(r.resumed ? 'sweeps.resumed' : 'sweeps.launched', { name: r.sweep.name, count: r.sweep.total }) });
      void refreshSweeps();
      useNavigation.getState().go('sweeps', r.sweep.id);
    } catch (e) {
      setPreview(null);
      setError({ field: e instanceof ApiError && e.field ? e.field : '', message: messageOf(e) });
    } finally {
      setBusy(false);
    }
  };
  const errorAt = (f: string) => (error && (f === 'table' ? atTable(error.field) : error.field === f) ? error.message : undefined);
  const general = error && !atTable(error.field) && !['templateId', 'name'].includes(error.field) ? error.message : null;

  return {
    templates,
    chosen,
    chooseTemplate: (id: string) => (setTemplateId(id), edited()),
    name,
    setName: (v: string) => (setName(v), edited()),
    kind,
    setKind: (k: TableKind) => (setKind(k), edited()),
    text,
    setText: (k: TableKind, v: string) => (setText((x) => ({ ...x, [k]: v })), edited()),
    preview,
    busy,
    send,
    close,
    errorAt,
    general,
  };
}
