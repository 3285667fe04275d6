import { useTranslation } from 'react-i18next';
import type { CatalogView } from '../../../../shared/jobs';
import { loadCatalog, useTemplates } from '../../stores/templates';
import { AnalysisFields } from './AnalysisFields';
import { catalogChoices } from './catalog-choices';
import { GpuPresets } from './GpuPresets';
import { HardwareFields } from './HardwareFields';
import type { TemplateForm } from './useTemplateForm';

/** Why the lists may be missing or incomplete: no catalog (with a retry), a stale one, skipped entries. */
function CatalogNotes({ catalog, catalogError }: { catalog: CatalogView | null; catalogError: string | null }) {
  const { t } = useTranslation();
  return (
    <>
      {catalogError && (
        <p className="hint span-all">
          {t('templates.noCatalog', { reason: catalogError })}{' '}
          <button type="button" className="link" onClick={() => void loadCatalog(true)}>
            {t('common.retry')}
          </button>
        </p>
      )}
      {catalog?.stale && <p className="hint span-all">{t('templates.staleCatalog', { reason: catalog.error ?? '' })}</p>}
      {catalog?.skipped && (
        <p className="hint span-all" data-testid="catalog-skipped">
          {t('templates.skippedCatalog', { count: catalog.skipped.coreTypes + catalog.skipped.analyses })}
        </p>
      )}
    </>
  );
}

/** Software (code and version code) and hardware, picked from the platform's catalog when known. */
export function SoftwareSection({ form }: { form: TemplateForm }) {
  const { t } = useTranslation();
  const catalog = useTemplates((s) => s.catalog);
  const catalogError = useTemplates((s) => s.catalogError);
  const { draft: d, update } = form;
  const choices = catalogChoices(catalog, d);
  return (
    <fieldset className="card grid">
      <legend>{t('templates.software')}</legend>
      <CatalogNotes catalog={catalog} catalogError={catalogError} />
      <AnalysisFields form={form} catalog={catalog} choices={choices} />
      {catalog && <GpuPresets form={form} catalog={catalog} />}
      <HardwareFields form={form} catalog={catalog} choices={choices} />
      <label className="check">
        <input type="checkbox" checked={d.lowPriority} onChange={(e) => update('lowPriority', (x) => ({ ...x, lowPriority: e.target.checked }))} />{' '}
        {t('templates.lowPriority')}
      </label>
      <label className="check">
        <input type="checkbox" checked={d.useMpi} onChange={(e) => update('useMpi', (x) => ({ ...x, useMpi: e.target.checked }))} /> {t('templates.useMpi')}
      </label>
    </fieldset>
  );
}
