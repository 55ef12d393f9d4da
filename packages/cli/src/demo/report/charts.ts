import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Charts as SVG strings, rendered server-side by Vega (renderer 'none' + toSVG needs no browser and
 * no canvas), from Vega-Lite specs: a declarative chart library rather than hand-placed SVG.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface CurveDatum {
  readonly condition: string;
  readonly budget: number;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
}

/** Target accuracy against the label budget (log scale), mean ± std band per condition. */
export function learningCurveSpec(data: readonly CurveDatum[], title: string): TopLevelSpec {
  const x = { field: 'budget', type: 'quantitative' as const, scale: { type: 'log' as const }, title: 'label budget (fraction of target training set)' };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 520,
    height: 300,
    data: { values: data as unknown as Record<string, unknown>[] },
    encoding: { x, color: { field: 'condition', type: 'nominal', title: 'condition' } },
    layer: [
      { mark: { type: 'errorband', opacity: 0.2 }, encoding: { y: { field: 'low', type: 'quantitative', title: 'accuracy %' }, y2: { field: 'high' } } },
      { mark: { type: 'line', point: true }, encoding: { y: { field: 'mean', type: 'quantitative', scale: { zero: false } } } },
    ],
  };
}

export interface LossDatum {
  readonly run: string;
  readonly step: number;
  readonly loss: number;
}

/** Training loss per optimizer step of one run per condition. */
export function lossCurveSpec(data: readonly LossDatum[], title: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 520,
    height: 260,
    data: { values: data as unknown as Record<string, unknown>[] },
    mark: { type: 'line' },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'optimizer step' },
      y: { field: 'loss', type: 'quantitative', title: 'training loss' },
      color: { field: 'run', type: 'nominal', title: 'run' },
    },
  };
}

export interface ScoreDatum {
  readonly candidate: string;
  readonly score: string;
  readonly value: number;
}

/** The transferability scores of each candidate checkpoint, one small bar chart per score (scales differ). */
export function scoreTableSpec(data: readonly ScoreDatum[], title: string): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values: data as unknown as Record<string, unknown>[] },
    facet: { column: { field: 'score', type: 'nominal', title: null } },
    spec: {
      width: 150,
      height: 180,
      layer: [
        { mark: 'bar', encoding: { x: { field: 'candidate', type: 'nominal', title: null, axis: { labelAngle: -30 } }, y: { field: 'value', type: 'quantitative', title: null }, color: { field: 'candidate', type: 'nominal', legend: null } } },
        { mark: { type: 'text', dy: -6 }, encoding: { x: { field: 'candidate', type: 'nominal' }, y: { field: 'value', type: 'quantitative' }, text: { field: 'value', type: 'quantitative', format: '.3f' } } },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  };
}
