// The software fields of the template editor: analysis code and version, as lists from the
// catalog when it is known, as free text when it is not.
import { useTranslation } from 'react-i18next';
import type { CatalogView } from '../../../../shared/jobs';
import { Field } from '../../components/Field';
import { firstVersion, type CatalogChoices } from './catalog-choices';
import type { TemplateForm } from './useTemplateForm';

interface Props {
  form: TemplateForm;
  catalog: CatalogView | null;
  choices: CatalogChoices;
}

function AnalysisField({ form, catalog, choices }: Props) {
  const { t } = useTranslation();
  const { draft: d, update, errorFor } = form;
  return (
    <Field label={t('templates.analysis')} error={errorFor('analysis.code')}>
      {(id, desc) =>
        catalog ? (
          <select
            id={id}
            aria-describedby={desc}
            value={d.analysis.code}
            onChange={(e) => update('analysis.code', (x) => ({ ...x, analysis: { code: e.target.value, version: firstVersion(catalog, e.target.value) } }))}
          >
            <option value="">{t('templates.choose')}</option>
            {!choices.analysis && d.analysis.code && <option value={d.analysis.code}>{d.analysis.code}</option>}
            {catalog.analyses.map((a) => (
              <option key={a.code} value={a.code}>
                {a.name}
              </option>
            ))}
          </select>
        ) : (
          <input
            id={id}
            aria-describedby={desc}
            value={d.analysis.code}
            onChange={(e) => update('analysis.code', (x) => ({ ...x, analysis: { ...x.analysis, code: e.target.value } }))}
          />
        )
      }
    </Field>
  );
}

function VersionField({ form, choices }: Props) {
  const { t } = useTranslation();
  const { draft: d, update, errorFor } = form;
  const { analysis, version } = choices;
  const setVersion = (v: string) => update('analysis.version', (x) => ({ ...x, analysis: { ...x.analysis, version: v } }));
  return (
    <Field label={t('templates.version')} error={errorFor('analysis.version')}>
      {(id, desc) =>
        analysis ? (
          <select id={id} aria-describedby={desc} value={d.analysis.version} onChange={(e) => setVersion(e.target.value)}>
            {!version && <option value={d.analysis.version}>{d.analysis.version || t('templates.choose')}</option>}
            {analysis.versions.map((v) => (
              <option key={v.versionCode} value={v.versionCode}>
                {v.version} ({v.versionCode})
              </option>
            ))}
          </select>
        ) : (
          <input id={id} aria-describedby={desc} value={d.analysis.version} onChange={(e) => setVersion(e.target.value)} />
        )
      }
    </Field>
  );
}

export function AnalysisFields(props: Props) {
  return (
    <>
      <AnalysisField {...props} />
      <VersionField {...props} />
    </>
  );
}
