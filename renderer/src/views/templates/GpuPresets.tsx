// One click for a GPU node in the template editor: the catalog's GPU core types, at their
// smallest size.
import { useTranslation } from 'react-i18next';
import type { CatalogView } from '../../../../shared/jobs';
import type { TemplateForm } from './useTemplateForm';

export function GpuPresets({ form, catalog }: { form: TemplateForm; catalog: CatalogView }) {
  const { t } = useTranslation();
  const gpus = catalog.coreTypes.filter((c) => c.gpu);
  if (gpus.length === 0) return null;
  return (
    <div className="span-all gpu-presets" role="group" aria-label={t('templates.gpuPresets')}>
      <span className="label">{t('templates.gpuPresets')}</span>
      {gpus.map((c) => (
        <button
          key={c.code}
          type="button"
          className="chip"
          aria-pressed={form.draft.hardware.coreType === c.code}
          title={c.description}
          onClick={() =>
            form.update('hardware.coreType', (x) => ({
              ...x,
              hardware: { ...x.hardware, coreType: c.code, coresPerSlot: c.cores[0] ?? x.hardware.coresPerSlot },
            }))
          }
        >
          {c.name}
        </button>
      ))}
    </div>
  );
}
