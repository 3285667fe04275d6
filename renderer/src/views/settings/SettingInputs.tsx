// The shapes most settings take: a box saved when it loses focus, a list and a checkbox saved on
// change. Written once so each card is a list of labels, values and patches.
import { useState, type InputHTMLAttributes, type ReactNode } from 'react';
import { Field } from '../../components/Field';

type BoxAttributes = Pick<InputHTMLAttributes<HTMLInputElement>, 'type' | 'min' | 'max' | 'step' | 'placeholder'>;

/** A box holding `value` at first (uncontrolled), handing its text to `onSave` on blur. */
export function SettingText({
  label,
  hint,
  error,
  value,
  onSave,
  ...box
}: BoxAttributes & { label: string; hint?: string; error?: string | undefined; value: string | number; onSave: (text: string) => void }) {
  return (
    <Field label={label} {...(hint ? { hint } : {})} error={error}>
      {(id, d) => <input id={id} aria-describedby={d} {...box} defaultValue={value} onBlur={(e) => onSave(e.target.value)} />}
    </Field>
  );
}

/**
 * What a control shows: the value just chosen until the saved settings agree (or the save fails).
 * Bound to the settings alone, a control flipped back the moment it was used and forward again
 * when the save came back: a slow save looked like a click that did nothing (a CI run failed on it).
 */
function useChosen<V>(saved: V, onSave: (value: V) => Promise<boolean>): [V, (value: V) => void] {
  const [pending, setPending] = useState<{ value: V } | null>(null);
  if (pending !== null && Object.is(pending.value, saved)) setPending(null); // the settings caught up
  const choose = (value: V) => {
    const mine = { value };
    setPending(mine);
    // A failed save shows the saved value again, unless something newer was chosen meanwhile.
    void onSave(value).then((ok) => ok || setPending((p) => (p === mine ? null : p)));
  };
  return [pending ? pending.value : saved, choose];
}

/** A list of `[value, label]` options, handing the chosen value to `onSave`. */
export function SettingSelect<V extends string>({
  label,
  hint,
  value,
  options,
  onSave,
}: {
  label: string;
  hint?: string;
  value: V;
  options: readonly (readonly [V, string])[];
  onSave: (value: V) => Promise<boolean>;
}) {
  const [shown, choose] = useChosen(value, onSave);
  return (
    <Field label={label} {...(hint ? { hint } : {})}>
      {(id, d) => (
        <select id={id} aria-describedby={d} value={shown} onChange={(e) => choose(e.target.value as V)}>
          {options.map(([v, text]) => (
            <option key={v} value={v}>
              {text}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** A checkbox saved on change, showing the click at once (useChosen). */
export function SettingCheck({ checked, onSave, children }: { checked: boolean; onSave: (checked: boolean) => Promise<boolean>; children: ReactNode }) {
  const [shown, choose] = useChosen(checked, onSave);
  return (
    <label className="check">
      <input type="checkbox" checked={shown} onChange={(e) => choose(e.target.checked)} /> {children}
    </label>
  );
}
