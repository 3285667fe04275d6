import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import 'uplot/dist/uPlot.min.css';
import type { ParserChoice } from '../../../../../shared/metrics/stream';
import { StreamChart } from '../../../lib/stream-chart';
import type { FollowState, LiveFollow } from './follow';

const CHOICES: ParserChoice[] = ['auto', 'training', 'openfoam', 'generic'];

/** Shown until the person ticks or unticks: losses for training, residuals all, else the first three. */
function shownByDefault(state: FollowState, name: string): boolean {
  if (state.kind === 'training') return /loss/i.test(name);
  if (state.kind === 'openfoam') return true;
  return state.series.indexOf(name) < 3;
}

function useWidth(el: React.RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(600);
  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(200, Math.floor(node.clientWidth))));
    ro.observe(node);
    return () => ro.disconnect();
  }, [el]);
  return width;
}

/** The followed file's numbers, plotted live: which series, and a linear or log scale. */
export function MetricsPanel({ follow, state }: { follow: LiveFollow; state: FollowState }) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLDivElement>(null);
  const [picked, setPicked] = useState<Record<string, boolean>>({});
  const [log, setLog] = useState(false);
  const [choice, setChoice] = useState<ParserChoice>('auto');
  const [chart, setChart] = useState<StreamChart | null>(null);
  const width = useWidth(box);
  const shown = state.series.filter((n) => picked[n] ?? shownByDefault(state, n));

  useEffect(() => {
    if (!canvas.current) return;
    const c = new StreamChart(canvas.current, follow.table);
    queueMicrotask(() => setChart(c));
    return () => c.destroy();
  }, [follow]);

  const seriesKey = shown.join('\n');
  useEffect(() => {
    if (!chart) return;
    chart.render({ xLabel: state.xLabel, series: seriesKey ? seriesKey.split('\n') : [], log, width, height: 260 });
    chart.update();
  }, [chart, seriesKey, state.xLabel, state.version, log, width]);

  const pickParser = (c: ParserChoice) => {
    setChoice(c);
    setPicked({});
    follow.setParser(c);
  };

  return (
    <div className="metrics-panel" ref={box} data-testid="metrics-panel" data-rows={follow.table.rows}>
      <div className="metrics-controls">
        <label>
          {t('live.parser')}{' '}
          <select value={choice} onChange={(e) => pickParser(e.target.value as ParserChoice)}>
            {CHOICES.map((c) => (
              <option key={c} value={c}>
                {t(`live.parsers.${c}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> {t('live.logScale')}
        </label>
        {state.series.length > 0 && <span className="muted">{t(`live.detected.${state.kind}`)}</span>}
      </div>
      {state.series.length === 0 ? (
        <p className="muted">{t('live.noNumbers')}</p>
      ) : (
        <fieldset className="series-picker">
          <legend>{t('live.series')}</legend>
          {state.series.map((name) => (
            <label key={name}>
              <input type="checkbox" checked={shown.includes(name)} onChange={(e) => setPicked({ ...picked, [name]: e.target.checked })} /> {name}{' '}
              <span className="muted" data-testid="series-count">
                ({follow.table.count(name)})
              </span>
            </label>
          ))}
        </fieldset>
      )}
      <div ref={canvas} className="metrics-chart" role="img" aria-label={t('live.chartLabel', { series: shown.join(', ') })} />
    </div>
  );
}
