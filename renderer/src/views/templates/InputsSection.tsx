import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { InputFilesPicker } from '../../components/LocalPicker';
import type { TemplateForm } from './useTemplateForm';
import { ChosenFiles } from '../../components/ChosenFiles';

/** Files every job from this template takes (launches can add more). */
export function InputsSection({ form }: { form: TemplateForm }) {
  const { t } = useTranslation();
  const [picking, setPicking] = useState(false);
  const [fileId, setFileId] = useState('');
  const { draft: d, update, errorFor } = form;
  const error = errorFor('inputs');
  return (
    <fieldset className="card">
      <legend>{t('templates.inputs')}</legend>
      <p className="hint">{t('templates.inputsHint')}</p>
      {d.inputs.length > 0 && (
        <ChosenFiles
          files={d.inputs.map((i, n) => {
            const label = i.kind === 'local' ? i.path : `${i.name ?? i.id} (${i.id})`;
            return { key: `${label}-${n}`, label, local: i.kind === 'local' };
          })}
          onRemove={(n) => update('inputs', (x) => ({ ...x, inputs: x.inputs.filter((_, k) => k !== n) }))}
        />
      )}
      <div className="actions">
        <button type="button" onClick={() => setPicking(true)}>
          {t('launch.addLocal')}
        </button>
        <label className="inline-form">
          <span>{t('launch.fileId')}</span>
          <input value={fileId} onChange={(e) => setFileId(e.target.value)} placeholder="JVHffb" />
        </label>
        <button
          type="button"
          disabled={!fileId.trim()}
          onClick={() => {
            update('inputs', (x) => ({ ...x, inputs: [...x.inputs, { kind: 'file', id: fileId.trim() }] }));
            setFileId('');
          }}
        >
          {t('launch.add')}
        </button>
      </div>
      {error && (
        <small className="error" role="alert">
          {error}
        </small>
      )}
      {picking && (
        <InputFilesPicker
          onClose={() => setPicking(false)}
          onChoose={(chosen) => update('inputs', (x) => ({ ...x, inputs: [...x.inputs, ...chosen.map((c) => ({ kind: 'local' as const, path: c.path }))] }))}
        />
      )}
    </fieldset>
  );
}
