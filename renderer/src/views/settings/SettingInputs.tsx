// The two shapes most settings take: a box saved when it loses focus, and a list saved on change.
// Written once so each card is a list of labels, values and patches.
import type { InputHTMLAttributes } from 'react';
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
  onSave: (value: V) => void;
}) {
  return (
    <Field label={label} {...(hint ? { hint } : {})}>
      {(id, d) => (
        <select id={id} aria-describedby={d} value={value} onChange={(e) => onSave(e.target.value as V)}>
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
