// Transport shapes of the chart and compare commands (cairn-app's charts.rs and compare.rs).
import type { RunRow } from './backend';

export type ChartTheme = 'light' | 'dark';
/** What a line chart's x axis shows: the step, seconds since each run's first point, or wall time. */
export type ChartXAxis = 'step' | 'time' | 'wall';

/** Runs, size and theme: what every chart request has. */
export interface ChartFrameArgs {
  runIds: string[];
  /** Image width in pixels, 120 to 8000. */
  width: number;
  /** Image height in pixels, 120 to 8000. */
  height: number;
  theme?: ChartTheme;
}

export interface LineChartArgs extends ChartFrameArgs {
  metric: string;
  x?: ChartXAxis;
  /** EMA weight in [0, 1); 0 draws raw lines only. */
  smoothing?: number;
  logY?: boolean;
}

export interface ScatterChartArgs extends ChartFrameArgs {
  /** `params.KEY` or `metrics.KEY`. */
  x: string;
  /** `metrics.KEY`. */
  y: string;
}

export interface ParallelChartArgs extends ChartFrameArgs {
  /** One axis per field, `params.KEY` or `metrics.KEY`. */
  dimensions: string[];
  colourBy?: string;
}

export interface HistogramChartArgs extends ChartFrameArgs {
  /** `metrics.KEY` (or a numeric param). */
  field: string;
  bins?: number;
}

/** Where a chart's plot area is (image pixels, y down) and which data it shows. */
export interface PlotGeometry {
  left_px: number;
  top_px: number;
  right_px: number;
  bottom_px: number;
  /** Data at the left and right edges. */
  x_range: [number, number];
  /** Data at the bottom and top edges. */
  y_range: [number, number];
  x_scale: 'linear' | 'log10';
  y_scale: 'linear' | 'log10';
}

/** A run on a chart and the colour it is drawn in. */
export interface ChartRun {
  run_id: string;
  name: string;
  /** `#rrggbb`. */
  colour: string;
}

/** A run's line as drawn: `[x, value]` pairs, smoothed when smoothing is on. */
export interface ChartSeries {
  run_id: string;
  points: [number, number][];
}

/** A rendered chart. */
export interface ChartView {
  svg: string;
  geometry: PlotGeometry;
  /** Line charts: points in the histories; other charts: runs plotted. */
  point_count: number;
  /** Fewer points were drawn than the data has (min/max per pixel column kept). */
  downsampled: boolean;
  runs: ChartRun[];
  /** Line charts only. */
  series?: ChartSeries[];
}

/** A data input's content hash. */
export interface DataView {
  path: string;
  kind: 'file' | 'directory';
  hash: string;
  size_bytes: number;
  file_count: number;
  dvc_md5: string | null;
}

/** A compared run: its row, experiment, colours and data inputs. */
export interface CompareRun extends RunRow {
  experiment_name: string;
  colour_light: string;
  colour_dark: string;
  data: DataView[];
  git: { commit: string | null; branch: string | null; dirty: boolean | null; commit_summary: string | null } | null;
}

export interface Comparison {
  runs: CompareRun[];
  param_keys: string[];
  metric_keys: string[];
}

/** A value on each side of a diff; null where that side lacks it. */
export interface Change {
  key: string;
  a: string | null;
  b: string | null;
}

/** What differs between runs A and B. */
export interface RunDiffView {
  run_a: string;
  run_b: string;
  params: Change[];
  /** Each side's commit (`+dirty` when uncommitted changes were recorded), when they differ. */
  code: Change | null;
  data: Change[];
  data_files: { path: string; files: Change[] }[];
  warnings: string[];
  /** The uncommitted changes a dirty side saved (unified diff, cut at 256 KiB). */
  uncommitted: { run_id: string; diff: string; truncated: boolean }[];
}

type WithoutFrame<T> = Omit<T, 'width' | 'height' | 'theme'>;

/** A chart to draw: the command and its arguments apart from size and theme (the UI picks those). */
export type ChartSpec =
  | { kind: 'line'; args: WithoutFrame<LineChartArgs> }
  | { kind: 'scatter'; args: WithoutFrame<ScatterChartArgs> }
  | { kind: 'parallel'; args: WithoutFrame<ParallelChartArgs> }
  | { kind: 'histogram'; args: WithoutFrame<HistogramChartArgs> };

/** Commands of charts and the compare view. */
export interface ChartCommands {
  line_chart: { args: LineChartArgs; result: ChartView };
  scatter_chart: { args: ScatterChartArgs; result: ChartView };
  parallel_chart: { args: ParallelChartArgs; result: ChartView };
  histogram_chart: { args: HistogramChartArgs; result: ChartView };
  compare_runs: { args: { runIds: string[] }; result: Comparison };
  diff_runs: { args: { runA: string; runB: string }; result: RunDiffView };
}
