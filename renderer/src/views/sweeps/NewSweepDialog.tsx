import { useTranslation } from 'react-i18next';
import type { SweepPreview } from '../../../../shared/sweeps';
import { Field } from '../../components/Field';
import { Modal } from '../../components/Modal';
import { formatEta } from '../../lib/format';
import { TemplateField } from '../launch/TemplateField';
import { SweepTable } from './SweepTable';
import { TableInput } from './TableInput';
import { useSweepForm } from './useSweepForm';

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
      <SweepTable
        headers={
          <>
            <th scope="col">{t('sweeps.jobName')}</th>
            <th scope="col">{t('sweeps.command')}</th>
          </>
        }
      >
        {shown.map((r) => (
          <tr key={r.row}>
            <td className="num">{r.row}</td>
            <td>{r.jobName}</td>
            <td>
              <code>{r.command}</code>
            </td>
          </tr>
        ))}
      </SweepTable>
      {p.rows.length > shown.length && <p className="muted">{t('sweeps.moreRows', { count: p.rows.length - shown.length })}</p>}
    </div>
  );
}

/** A template and a table (a typed grid or CSV text): preview every expanded job, then launch them all. */
export function NewSweepDialog() {
  const { t } = useTranslation();
  const f = useSweepForm();
  const ready = !f.busy && Boolean(f.chosen);
  return (
    <Modal
      title={t('sweeps.dialogTitle')}
      onClose={f.close}
      wide
      footer={
        <>
          <button type="button" onClick={f.close}>
            {t('common.cancel')}
          </button>
          <button type="button" disabled={!ready} onClick={() => void f.send(false)}>
            {t('sweeps.preview')}
          </button>
          <button type="submit" form="sweep-form" className="primary" disabled={!ready}>
            {f.busy ? t('launch.launching') : t('sweeps.launch')}
          </button>
        </>
      }
    >
      <form id="sweep-form" className="form" onSubmit={(e) => (e.preventDefault(), void f.send(true))}>
        <TemplateField templates={f.templates} value={f.chosen} error={f.errorAt('templateId')} onChange={f.chooseTemplate} autoFocus />
        <Field label={t('sweeps.name')} hint={t('sweeps.nameHint')} error={f.errorAt('name')}>
          {(id, d) => <input id={id} aria-describedby={d} value={f.name} onChange={(e) => f.setName(e.target.value)} />}
        </Field>
        <TableInput kind={f.kind} text={f.text} error={f.errorAt('table')} onKind={f.setKind} onText={f.setText} />
        {f.general && (
          <p className="error" role="alert">
            {f.general}
          </p>
        )}
        {f.preview && <PreviewTable p={f.preview} />}
      </form>
    </Modal>
  );
}
