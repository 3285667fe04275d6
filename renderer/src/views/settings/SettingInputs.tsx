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

/**
 * A checkbox showing the clicked state until the saved settings agree (or the save fails). Bound
 * to the settings alone, it flipped back the moment it was clicked and again when the save came
 * back: a slow save looked like a click that did nothing.
 */
export function SettingCheck({ checked, onSave, children }: { checked: boolean; onSave: (checked: boolean) => Promise<boolean>; children: ReactNode }) {
  const [pending, setPending] = useState<boolean | null>(null);
  if (pending !== null && pending === checked) setPending(null); // the settings caught up
  return (
    <label className="check">
      <input
        type="checkbox"
        checked={pending ?? checked}
        onChange={(e) => {
          const next = e.target.checked;
          setPending(next);
          void onSave(next).then((saved) => saved || setPending(null));
        }}
      />{' '}
      {children}
    </label>
  );
}
