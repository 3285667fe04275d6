import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SweepPreview, SweepSpec } from '../../../../shared/sweeps';
import { api, ApiError } from '../../api/client';
import { Field } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { formatEta, messageOf } from '../../lib/format';
import { useNavigation } from '../../stores/navigation';
import { openSweepDialog, refreshSweeps } from '../../stores/sweeps';
import { refreshTemplates, useTemplates } from '../../stores/templates';
import { toast } from '../../stores/toasts';

type Kind = 'grid' | 'csv';

/** The expanded jobs: the first rows in full, the count of the rest. */
function PreviewTable({ p }: { p: SweepPreview }) {
  const { t } = useTranslation();
  const shown = p.rows.slice(0, 50);
  const pace = p.submitsPerSecond ? formatEta(p.rows.length / p.submitsPerSecond) : null;
  return (
    <div className="sweep-preview" data-testid="sweep-preview">
      <p>
        {t('sweeps.previewSummary', { count: p.rows.length, name: p.name })}
        {pace ? ` ${t('sweeps.previewPace', { eta: pace })}` : ''}
      </p>
      <div className="sweep-table-wrap">
        <table className="file-table sweep-table">
          <thead>
            <tr>
              <th className="num" scope="col">
                {t('sweeps.row')}
              </th>
              <th scope="col">{t('sweeps.jobName')}</th>
              <th scope="col">{t('sweeps.command')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.row}>
                <td className="num">{r.row}</td>
                <td>{r.jobName}</td>
                <td>
                  <code>{r.command}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {p.rows.length > shown.length && <p className="muted">{t('sweeps.moreRows', { count: p.rows.length - shown.length })}</p>}
    </div>
  );
}

/** A template and a table (a typed grid or CSV text): preview every expanded job, then launch them all. */
export function NewSweepDialog() {
  const { t } = useTranslation();
  const templates = useTemplates((s) => s.templates);
  const [templateId, setTemplateId] = useState<string | undefined>(undefined);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<Kind>('grid');
  const [text, setText] = useState({ grid: '', csv: '' });
  const [preview, setPreview] = useState<SweepPreview | null>(null);
  const [error, setError] = useState<{ field: string; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => void refreshTemplates(), []);

  const chosen = templateId ?? templates.find((x) => !x.builtIn && x.template.parameters.length > 0)?.template.id ?? templates[0]?.template.id;
  const close = () => openSweepDialog(false);
  const spec = (): SweepSpec => ({ templateId: chosen ?? '', table: { kind, text: text[kind] }, ...(name.trim() ? { name: name.trim() } : {}) });
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
  // Errors about the table or the template stay next to their field; the rest under the form.
  const atTable = (f: string) => f.startsWith('table') || f.startsWith('columns');
  const errorAt = (f: string) => (error && (f === 'table' ? atTable(error.field) : error.field === f) ? error.message : undefined);
  const general = error && !atTable(error.field) && !['templateId', 'name'].includes(error.field) ? error.message : null;

  return (
    <Modal
      title={t('sweeps.dialogTitle')}
      onClose={close}
      wide
      footer={
        <>
          <button type="button" onClick={close}>
            {t('common.cancel')}
          </button>
          <button type="button" disabled={busy || !chosen} onClick={() => void send(false)}>
            {t('sweeps.preview')}
          </button>
          <button type="submit" form="sweep-form" className="primary" disabled={busy || !chosen}>
            {busy ? t('launch.launching') : t('sweeps.launch')}
          </button>
        </>
      }
    >
      <form id="sweep-form" className="form" onSubmit={(e) => (e.preventDefault(), void send(true))}>
        <Field label={t('launch.template')} error={errorAt('templateId')}>
          {(id, d) => (
            <select id={id} aria-describedby={d} value={chosen ?? ''} onChange={(e) => (setTemplateId(e.target.value), edited())} data-autofocus="">
              {templates.map((x) => (
                <option key={x.template.id} value={x.template.id}>
                  {x.template.name}
                  {x.builtIn ? ` (${t('templates.builtIn')})` : ''}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('sweeps.name')} hint={t('sweeps.nameHint')} error={errorAt('name')}>
          {(id, d) => <input id={id} aria-describedby={d} value={name} onChange={(e) => (setName(e.target.value), edited())} />}
        </Field>
        <fieldset className="radio-row">
          <legend>{t('sweeps.table')}</legend>
          {(['grid', 'csv'] as const).map((k) => (
            <label key={k}>
              <input type="radio" name="sweep-kind" value={k} checked={kind === k} onChange={() => (setKind(k), edited())} /> {t(`sweeps.kind.${k}`)}
            </label>
          ))}
        </fieldset>
        <Field label={t(`sweeps.text.${kind}`)} hint={t(`sweeps.hint.${kind}`)} error={errorAt('table')}>
          {(id, d) =>
            kind === 'grid' ? (
              <input
                id={id}
                aria-describedby={d}
                value={text.grid}
                placeholder="lr=0.1,0.01 x seed=1..3"
                onChange={(e) => (setText((x) => ({ ...x, grid: e.target.value })), edited())}
              />
            ) : (
              <textarea
                id={id}
                aria-describedby={d}
                rows={6}
                value={text.csv}
                placeholder={'lr,seed\n0.1,1\n0.01,2'}
                onChange={(e) => (setText((x) => ({ ...x, csv: e.target.value })), edited())}
              />
            )
          }
        </Field>
        {kind === 'csv' && (
          <label className="file-button">
            {t('sweeps.loadCsv')}
            <input
              type="file"
              accept=".csv,text/csv"
              className="sr-only"
              onChange={(e) => {
                const f = e.target.files?.[0];
                e.target.value = '';
                if (f) void f.text().then((csv) => (setText((x) => ({ ...x, csv })), edited()));
              }}
            />
          </label>
        )}
        {general && (
          <p className="error" role="alert">
            {general}
          </p>
        )}
        {preview && <PreviewTable p={preview} />}
      </form>
    </Modal>
  );
}
