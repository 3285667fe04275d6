// The table of a new sweep: a typed grid or CSV text (typed, or loaded from a file).
import { useTranslation } from 'react-i18next';
import { Field } from '../../components/Field';
import type { TableKind } from './useSweepForm';

interface Props {
  kind: TableKind;
  text: Record<TableKind, string>;
  error: string | undefined;
  onKind: (kind: TableKind) => void;
  onText: (kind: TableKind, text: string) => void;
}

export function TableInput({ kind, text, error, onKind, onText }: Props) {
  const { t } = useTranslation();
  return (
    <>
      <fieldset className="radio-row">
        <legend>{t('sweeps.table')}</legend>
        {(['grid', 'csv'] as const).map((k) => (
          <label key={k}>
            <input type="radio" name="sweep-kind" value={k} checked={kind === k} onChange={() => onKind(k)} /> {t(`sweeps.kind.${k}`)}
          </label>
        ))}
      </fieldset>
      <Field label={t(`sweeps.text.${kind}`)} hint={t(`sweeps.hint.${kind}`)} error={error}>
        {(id, d) =>
          kind === 'grid' ? (
            <input id={id} aria-describedby={d} value={text.grid} placeholder="lr=0.1,0.01 x seed=1..3" onChange={(e) => onText('grid', e.target.value)} />
          ) : (
            <textarea
              id={id}
              aria-describedby={d}
              rows={6}
              value={text.csv}
              placeholder={'lr,seed\n0.1,1\n0.01,2'}
              onChange={(e) => onText('csv', e.target.value)}
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
              if (f) void f.text().then((csv) => onText('csv', csv));
            }}
          />
        </label>
      )}
    </>
  );
}
