import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { InputFilesPicker } from '../../components/LocalPicker';
import { dedupe, inputLabel, type ChosenInput } from '../../stores/launch';
import { useNavigation } from '../../stores/navigation';
import { ChosenFiles } from '../../components/ChosenFiles';
import { ArchiveNote } from './ArchiveNote';

const fileIdRe = /^[A-Za-z0-9]+$/;

/** The files a launch takes: local ones (picked), and files already on Rescale (by id, or from Files). */
export function InputsPicker({
  inputs,
  onChange,
  error,
  onBrowseFiles,
}: {
  inputs: ChosenInput[];
  onChange: (next: ChosenInput[]) => void;
  error?: string | undefined;
  onBrowseFiles: () => void;
}) {
  const { t } = useTranslation();
  const [picking, setPicking] = useState(false);
  const [fileId, setFileId] = useState('');
  const [idError, setIdError] = useState('');
  const go = useNavigation((s) => s.go);

  const addId = () => {
    const id = fileId.trim();
    if (!fileIdRe.test(id)) return setIdError(t('launch.badFileId'));
    setIdError('');
    setFileId('');
    onChange(dedupe([...inputs, { kind: 'file', fileId: id }]));
  };

  return (
    <fieldset className={`inputs-picker${error ? ' field-invalid' : ''}`} aria-describedby={error ? 'launch-inputs-err' : undefined}>
      <legend>{t('launch.inputs')}</legend>
      {inputs.length === 0 ? (
        <p className="muted">{t('launch.noInputs')}</p>
      ) : (
        <ChosenFiles
          files={inputs.map((i) => ({
            key: i.kind === 'local' ? i.path : i.fileId,
            label: inputLabel(i),
            local: i.kind === 'local',
            title: i.kind === 'local' ? i.path : i.fileId,
          }))}
          onRemove={(n) => onChange(inputs.filter((_, k) => k !== n))}
        />
      )}
      {inputs.map((i) => (i.kind === 'local' && i.isDir ? <ArchiveNote key={i.path} path={i.path} name={i.name} /> : null))}
      <div className="actions">
        <button type="button" onClick={() => setPicking(true)}>
          {t('launch.addLocal')}
        </button>
        <button
          type="button"
          onClick={() => {
            onBrowseFiles();
            go('files');
          }}
        >
          {t('launch.fromFiles')}
        </button>
      </div>
      <div className="inline-form">
        <label htmlFor="launch-file-id">{t('launch.fileId')}</label>
        <input
          id="launch-file-id"
          value={fileId}
          onChange={(e) => setFileId(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              addId();
            }
          }}
          placeholder="JVHffb"
          aria-invalid={idError ? true : undefined}
          aria-describedby={idError ? 'launch-file-id-err' : undefined}
        />
        <button type="button" onClick={addId}>
          {t('launch.add')}
        </button>
      </div>
      {idError && (
        <small id="launch-file-id-err" className="error" role="alert">
          {idError}
        </small>
      )}
      {error && (
        <small id="launch-inputs-err" className="error" role="alert">
          {error}
        </small>
      )}
      {picking && (
        <InputFilesPicker
          onClose={() => setPicking(false)}
          onChoose={(chosen) =>
            onChange(dedupe([...inputs, ...chosen.map((c): ChosenInput => ({ kind: 'local', path: c.path, name: c.name, isDir: c.isDir }))]))
          }
        />
      )}
    </fieldset>
  );
}
