import { useTranslation } from 'react-i18next';
import type { CatalogView } from '../../../../shared/jobs';
import { Field } from '../../components/Field';
import { loadCatalog, useTemplates } from '../../stores/templates';
import type { TemplateForm } from './useTemplateForm';

const num = (v: string): number => (v.trim() === '' ? Number.NaN : Number(v));

/** One click for a GPU node: the catalog's GPU core types, at their smallest size. */
function GpuPresets({ form, catalog }: { form: TemplateForm; catalog: CatalogView }) {
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

/** Software (code and version code) and hardware, picked from the platform's catalog when known. */
export function SoftwareSection({ form }: { form: TemplateForm }) {
  const { t } = useTranslation();
  const catalog = useTemplates((s) => s.catalog);
  const catalogError = useTemplates((s) => s.catalogError);
  const { draft: d, update, errorFor } = form;
  const analysis = catalog?.analyses.find((a) => a.code === d.analysis.code);
  const version = analysis?.versions.find((v) => v.versionCode === d.analysis.version);
  const coreTypes = catalog?.coreTypes.filter((c) => !version || version.allowedCoreTypes.length === 0 || version.allowedCoreTypes.includes(c.code)) ?? [];
  const coreType = catalog?.coreTypes.find((c) => c.code === d.hardware.coreType);
  const hw = (field: string, patch: Partial<Draft['hardware']>) => update(`hardware.${field}`, (x) => ({ ...x, hardware: { ...x.hardware, ...patch } }));

  return (
    <fieldset className="card grid">
      <legend>{t('templates.software')}</legend>
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
      <Field label={t('templates.analysis')} error={errorFor('analysis.code')}>
        {(id, desc) =>
          catalog ? (
            <select
              id={id}
              aria-describedby={desc}
              value={d.analysis.code}
              onChange={(e) =>
                update('analysis.code', (x) => ({
                  ...x,
                  analysis: { code: e.target.value, version: catalog.analyses.find((a) => a.code === e.target.value)?.versions[0]?.versionCode ?? '' },
                }))
              }
            >
              <option value="">{t('templates.choose')}</option>
              {!analysis && d.analysis.code && <option value={d.analysis.code}>{d.analysis.code}</option>}
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
      <Field label={t('templates.version')} error={errorFor('analysis.version')}>
        {(id, desc) =>
          analysis ? (
            <select
              id={id}
              aria-describedby={desc}
              value={d.analysis.version}
              onChange={(e) => update('analysis.version', (x) => ({ ...x, analysis: { ...x.analysis, version: e.target.value } }))}
            >
              {!version && <option value={d.analysis.version}>{d.analysis.version || t('templates.choose')}</option>}
              {analysis.versions.map((v) => (
                <option key={v.versionCode} value={v.versionCode}>
                  {v.version} ({v.versionCode})
                </option>
              ))}
            </select>
          ) : (
            <input
              id={id}
              aria-describedby={desc}
              value={d.analysis.version}
              onChange={(e) => update('analysis.version', (x) => ({ ...x, analysis: { ...x.analysis, version: e.target.value } }))}
            />
          )
        }
      </Field>
      {catalog && <GpuPresets form={form} catalog={catalog} />}
      <Field label={t('templates.coreType')} error={errorFor('hardware.coreType')}>
        {(id, desc) =>
          catalog ? (
            <select
              id={id}
              aria-describedby={desc}
              value={d.hardware.coreType}
              onChange={(e) =>
                hw('coreType', {
                  coreType: e.target.value,
                  coresPerSlot: catalog.coreTypes.find((c) => c.code === e.target.value)?.cores[0] ?? d.hardware.coresPerSlot,
                })
              }
            >
              {!coreTypes.some((c) => c.code === d.hardware.coreType) && (
                <option value={d.hardware.coreType}>{d.hardware.coreType || t('templates.choose')}</option>
              )}
              {coreTypes.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.name}
                  {c.gpu ? ' · GPU' : ''}
                </option>
              ))}
            </select>
          ) : (
            <input id={id} aria-describedby={desc} value={d.hardware.coreType} onChange={(e) => hw('coreType', { coreType: e.target.value })} />
          )
        }
      </Field>
      <Field label={t('templates.coresPerSlot')} error={errorFor('hardware.coresPerSlot')}>
        {(id, desc) =>
          coreType && coreType.cores.length > 0 ? (
            <select
              id={id}
              aria-describedby={desc}
              value={d.hardware.coresPerSlot}
              onChange={(e) => hw('coresPerSlot', { coresPerSlot: Number(e.target.value) })}
            >
              {!coreType.cores.includes(d.hardware.coresPerSlot) && <option value={d.hardware.coresPerSlot}>{d.hardware.coresPerSlot}</option>}
              {coreType.cores.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          ) : (
            <input
              id={id}
              aria-describedby={desc}
              type="number"
              min={1}
              value={Number.isNaN(d.hardware.coresPerSlot) ? '' : d.hardware.coresPerSlot}
              onChange={(e) => hw('coresPerSlot', { coresPerSlot: num(e.target.value) })}
            />
          )
        }
      </Field>
      <Field label={t('templates.slots')} error={errorFor('hardware.slots')}>
        {(id, desc) => (
          <input
            id={id}
            aria-describedby={desc}
            type="number"
            min={1}
            value={Number.isNaN(d.hardware.slots) ? '' : d.hardware.slots}
            onChange={(e) => hw('slots', { slots: num(e.target.value) })}
          />
        )}
      </Field>
      <Field label={t('templates.walltime')} hint={t('templates.walltimeHint')} error={errorFor('hardware.walltimeHours')}>
        {(id, desc) => (
          <input
            id={id}
            aria-describedby={desc}
            type="number"
            min={1}
            max={336}
            value={d.hardware.walltimeHours === undefined || Number.isNaN(d.hardware.walltimeHours) ? '' : d.hardware.walltimeHours}
            onChange={(e) =>
              update('hardware.walltimeHours', (x) => ({
                ...x,
                hardware: { ...x.hardware, walltimeHours: e.target.value.trim() === '' ? undefined : num(e.target.value) },
              }))
            }
          />
        )}
      </Field>
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

type Draft = TemplateForm['draft'];
