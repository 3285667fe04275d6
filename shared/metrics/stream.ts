import { genericParser } from './generic';
import { isOpenFoamLine, openFoamParser } from './openfoam';
import { isTrainingLine, trainingParser } from './training';
import type { MetricParser, MetricPoint, ParserKind } from './types';

export type ParserChoice = ParserKind | 'auto';

export interface MetricBatch {
  /** The points so far were from a parser now replaced: drop them before adding `points`. */
  reset: boolean;
  points: MetricPoint[];
  kind: ParserKind;
  xLabel: string;
}

const make: Record<ParserKind, () => MetricParser> = { training: trainingParser, openfoam: openFoamParser, generic: genericParser };

function detect(line: string): ParserKind | null {
  if (isOpenFoamLine(line)) return 'openfoam';
  if (isTrainingLine(line)) return 'training';
  return null;
}

/**
 * Numbers out of a growing log, a batch of new lines at a time. `auto` reads with the generic
 * parser until a line names the log's kind (a Chainer header, `Time = `, `Solving for`,
 * `Epoch N … loss: …`), then switches for good and says `reset`: from there the kind's own
 * parser reads, from that line on.
 */
export function metricStream(choice: ParserChoice): { feed(lines: readonly string[]): MetricBatch } {
  let parser: MetricParser = make[choice === 'auto' ? 'generic' : choice]();
  let settled = choice !== 'auto';
  return {
    feed(lines) {
      let reset = false;
      let from = 0;
      if (!settled) {
        const at = lines.findIndex((l) => detect(l) !== null);
        const kind = at >= 0 ? detect(lines[at] ?? '') : null;
        if (kind) {
          parser = make[kind]();
          settled = true;
          reset = true;
          from = at;
        }
      }
      const points = parser.feed(from === 0 ? lines : lines.slice(from));
      return { reset, points, kind: parser.kind, xLabel: parser.xLabel };
    },
  };
}
