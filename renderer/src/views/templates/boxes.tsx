// Inputs the template editor uses more than once: a count box that shows NaN (an emptied box)
// as empty, and a monospaced text area for commands and filter lists.
import { num } from './catalog-choices';

export function CountBox({ id, desc, value, onChange }: { id: string; desc: string | undefined; value: number; onChange: (n: number) => void }) {
  return (
    <input id={id} aria-describedby={desc} type="number" min={1} value={Number.isNaN(value) ? '' : value} onChange={(e) => onChange(num(e.target.value))} />
  );
}

export function CodeArea({ id, desc, value, onChange }: { id: string; desc: string | undefined; value: string; onChange: (text: string) => void }) {
  return <textarea id={id} aria-describedby={desc} rows={3} className="mono" value={value} onChange={(e) => onChange(e.target.value)} />;
}
