/** A determinate bar with an accessible name and value; `tone` colours it by state. */
export function ProgressBar({
  value,
  label,
  tone = 'normal',
  valueText,
}: {
  value: number;
  label: string;
  tone?: 'normal' | 'ok' | 'err' | 'paused';
  valueText?: string;
}) {
  const v = Math.max(0, Math.min(100, value));
  return (
    <div
      className={`progress progress-${tone}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={v}
      aria-valuetext={valueText}
    >
      <div className="progress-fill" style={{ width: `${v}%` }} />
    </div>
  );
}
