// The hardware fields of the template editor: core type and cores per slot (lists from the
// catalog when it is known), slots and walltime.
import { useTranslation } from 'react-i18next';
import type { CatalogView } from '../../../../shared/jobs';
import { Field } from '../../components/Field';
import { CountBox } from './boxes';
import { firstCores, num, type CatalogChoices } from './catalog-choices';
import type { Draft, TemplateForm } from './useTemplateForm';

interface Props {
  form: TemplateForm;
  catalog: CatalogView | null;
  choices: CatalogChoices;
}

const hardware = (form: TemplateForm) => (field: string, patch: Partial<Draft['hardware']>) =>
  form.update(`hardware.${field}`, (x) => ({ ...x, hardware: { ...x.hardware, ...patch } }));

function CoreTypeField({ form, catalog, choices: { coreTypes } }: Props) {
  const { t } = useTranslation();
  const d = form.draft;
  const hw = hardware(form);
  return (
    <Field label={t('templates.coreType')} error={form.errorFor('hardware.coreType')}>
      {(id, desc) =>
        catalog ? (
          <select
            id={id}
            aria-describedby={desc}
            value={d.hardware.coreType}
            onChange={(e) => hw('coreType', { coreType: e.target.value, coresPerSlot: firstCores(catalog, e.target.value, d.hardware.coresPerSlot) })}
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
  );
}

function CoresPerSlotField({ form, choices: { coreType } }: Props) {
  const { t } = useTranslation();
  const d = form.draft;
  const hw = hardware(form);
  return (
    <Field label={t('templates.coresPerSlot')} error={form.errorFor('hardware.coresPerSlot')}>
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
          <CountBox id={id} desc={desc} value={d.hardware.coresPerSlot} onChange={(n) => hw('coresPerSlot', { coresPerSlot: n })} />
        )
      }
    </Field>
  );
}

function SizeFields({ form }: { form: TemplateForm }) {
  const { t } = useTranslation();
  const d = form.draft;
  const hw = hardware(form);
  const walltime = d.hardware.walltimeHours;
  return (
    <>
      <Field label={t('templates.slots')} error={form.errorFor('hardware.slots')}>
        {(id, desc) => <CountBox id={id} desc={desc} value={d.hardware.slots} onChange={(n) => hw('slots', { slots: n })} />}
      </Field>
      <Field label={t('templates.walltime')} hint={t('templates.walltimeHint')} error={form.errorFor('hardware.walltimeHours')}>
        {(id, desc) => (
          <input
            id={id}
            aria-describedby={desc}
            type="number"
            min={1}
            max={336}
            value={walltime === undefined || Number.isNaN(walltime) ? '' : walltime}
            onChange={(e) => hw('walltimeHours', { walltimeHours: e.target.value.trim() === '' ? undefined : num(e.target.value) })}
          />
        )}
      </Field>
    </>
  );
}

export function HardwareFields(props: Props) {
  return (
    <>
      <CoreTypeField {...props} />
      <CoresPerSlotField {...props} />
      <SizeFields form={props.form} />
    </>
  );
}
