// Transport shapes of the chart and compare commands, generated from cairn-app's charts.rs and
// compare.rs (generated/commands.ts); the chart specs the UI builds from them.
import type {
  HistogramChartArgs,
  LineChartArgs,
  ParallelChartArgs,
  ScatterChartArgs,
} from './generated/commands';

export type {
  Change,
  ChartRun,
  ChartSeries,
  ChartView,
  CompareRun,
  Comparison,
  DataView,
  HistogramChartArgs,
  LineChartArgs,
  ParallelChartArgs,
  PlotGeometry,
  RunDiffView,
  ScatterChartArgs,
} from './generated/commands';

export type ChartTheme = NonNullable<LineChartArgs['theme']>;
/** What a line chart's x axis shows: the step, seconds since each run's first point, or wall time. */
export type ChartXAxis = NonNullable<LineChartArgs['x']>;

type WithoutFrame<T> = Omit<T, 'width' | 'height' | 'theme'>;

/** A chart to draw: the command and its arguments apart from size and theme (the UI picks those). */
export type ChartSpec =
  | { kind: 'line'; args: WithoutFrame<LineChartArgs> }
  | { kind: 'scatter'; args: WithoutFrame<ScatterChartArgs> }
  | { kind: 'parallel'; args: WithoutFrame<ParallelChartArgs> }
  | { kind: 'histogram'; args: WithoutFrame<HistogramChartArgs> };
