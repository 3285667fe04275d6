import { useId, type ReactNode } from 'react';

/** A labelled form field with its error right next to it (and wired for screen readers). */
export function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string | undefined;
  hint?: string;
  children: (id: string, describedBy: string | undefined) => ReactNode;
}) {
  const id = useId();
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? errId : '', hint ? hintId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children(id, describedBy)}
      {hint && (
        <small id={hintId} className="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={errId} className="error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

/** A labelled field for a secret (passphrase, API key): masked, never spell-checked. */
export function SecretField({
  label,
  error,
  hint,
  value,
  onChange,
  autoComplete,
  minLength,
}: {
  label: string;
  error?: string | undefined;
  hint?: string;
  value: string;
  onChange: (value: string) => void;
  autoComplete: 'new-password' | 'current-password' | 'off';
  minLength?: number;
}) {
  return (
    <Field label={label} error={error} {...(hint ? { hint } : {})}>
      {(id, d) => (
        <input
          id={id}
          aria-describedby={d}
          type="password"
          autoComplete={autoComplete}
          spellCheck={false}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          required
          {...(minLength ? { minLength } : {})}
        />
      )}
    </Field>
  );
}
