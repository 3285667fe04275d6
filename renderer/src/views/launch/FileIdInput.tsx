// Adds a file already on Rescale to the launch inputs by its id: the input, its check and its error.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

const fileIdRe = /^[A-Za-z0-9]+$/;

/** Calls onAdd with a well-formed file id; says what is wrong with one that is not. */
export function FileIdInput({ onAdd }: { onAdd: (fileId: string) => void }) {
  const { t } = useTranslation();
  const [fileId, setFileId] = useState('');
  const [idError, setIdError] = useState('');

  const addId = () => {
    const id = fileId.trim();
    if (!fileIdRe.test(id)) return setIdError(t('launch.badFileId'));
    setIdError('');
    setFileId('');
    onAdd(id);
  };

  return (
    <>
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
    </>
  );
}
