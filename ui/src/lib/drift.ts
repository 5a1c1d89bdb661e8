// How a drift report reads, for the Monitoring tab's batch report and the compare view's drift
// section alike: scores (p-values in exponent form when tiny), shares as percentages, each
// column's verdict, threshold and missing values in words, the tests' names, and the bars of a
// column's reference-vs-current distribution with their layout. Pure: no DOM.
import type { ColumnDriftView, DistributionView } from './backend/monitoring';
import { formatChartValue } from './chartGeometry';
import { MISSING, formatCount } from './format';

/** A share (0..1) as a percentage: `50%`, `33.3%`, `<0.1%`. */
export function formatShare(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return MISSING;
  const percent = share * 100;
  if (percent > 0 && percent < 0.05) return '<0.1%';
  return `${Number(percent.toFixed(1))}%`;
}

/**
 * A test's score (a p-value or a distance) with three significant digits, in exponent form when
 * tiny or huge: `0.0432`, `0.5`, `3.2e-7`; `—` when it could not be computed. A p-value of
 * exactly 0 is one too small to compute: `≈0`.
 */
export function formatScore(score: number | null | undefined, isPValue = false): string {
  if (score === null || score === undefined) return MISSING;
  if (!Number.isFinite(score)) return String(score);
  if (score === 0) return isPValue ? '≈0' : '0';
  const magnitude = Math.abs(score);
  if (magnitude < 1e-3 || magnitude >= 1e5) {
    const [mantissa = '', exponent = ''] = score.toExponential(1).split('e');
    return `${mantissa.replace(/\.0$/, '')}e${exponent.replace('+', '')}`;
  }
  return Number(score.toPrecision(3)).toString();
}

const TEST_NAMES: Record<string, [short: string, long: string]> = {
  ks: ['K–S', 'two-sample Kolmogorov–Smirnov test (p-value)'],
  chi2: ['χ²', 'chi-squared test (p-value)'],
  z: ['Z', 'Z-test of two proportions (p-value)'],
  psi: ['PSI', 'population stability index (distance)'],
  wasserstein: ['Wasserstein', 'normed Wasserstein distance'],
  jensenshannon: ['Jensen–Shannon', 'Jensen–Shannon distance'],
};

/** A test's short name as the table shows it: `K–S`, `χ²`, `PSI`; unknown tests as they are. */
export function testName(test: string): string {
  return TEST_NAMES[test]?.[0] ?? test;
}

/** A test in words, for a tooltip. */
export function testDescription(test: string): string {
  return TEST_NAMES[test]?.[1] ?? test;
}

/** The rule the score is judged by: `p < 0.05` for a p-value, `≥ 0.1` for a distance. */
export function thresholdText(column: Pick<ColumnDriftView, 'score_is_p_value' | 'threshold'>): string {
  return column.score_is_p_value ? `p < ${formatScore(column.threshold)}` : `≥ ${formatScore(column.threshold)}`;
}

/** A column's verdict: it drifted, it did not, or its score could not be computed. */
export type Verdict = 'drift' | 'stable' | 'unknown';

export function verdictOf(column: Pick<ColumnDriftView, 'drifted' | 'score'>): Verdict {
  if (column.drifted) return 'drift';
  return column.score === null ? 'unknown' : 'stable';
}

export function verdictText(verdict: Verdict): string {
  return verdict === 'drift' ? 'Drift' : verdict === 'stable' ? 'No drift' : 'Not computed';
}

/** Missing values of one side: `0`, or `12 (4%)` of that side's rows. */
export function missingText(missing: number, tested: number): string {
  if (missing <= 0) return '0';
  const total = missing + tested;
  return total > 0 ? `${formatCount(missing)} (${formatShare(missing / total)})` : formatCount(missing);
}

/** The columns as the table lists them: drifted first, then as the report has them. */
export function columnsInOrder<T extends Pick<ColumnDriftView, 'drifted'>>(columns: readonly T[]): T[] {
  return [...columns.filter((column) => column.drifted), ...columns.filter((column) => !column.drifted)];
}

/** One bin or category of a column's distribution: both sides' shares. */
export interface DistributionBar {
  /** Short label: `10–20`, or the category. */
  label: string;
  /** The same in full, for a tooltip: `[10, 20)`. */
  title: string;
  reference: number;
  current: number;
}

/** A distribution's bars: numeric bins labelled by their edges (the last bin closed), or categories. */
export function distributionBars(distribution: DistributionView): DistributionBar[] {
  const count = Math.max(distribution.reference.length, distribution.current.length);
  const edges = distribution.edges;
  const binned = edges !== null && edges.length === count + 1;
  const bars: DistributionBar[] = [];
  for (let i = 0; i < count; i++) {
    let label: string;
    let title: string;
    if (binned) {
      const [low, high] = [edges[i] ?? 0, edges[i + 1] ?? 0];
      label = `${formatChartValue(low)}–${formatChartValue(high)}`;
      title = `[${formatChartValue(low)}, ${formatChartValue(high)}${i === count - 1 ? ']' : ')'}`;
    } else {
      label = distribution.categories[i] ?? `#${i + 1}`;
      title = label;
    }
    bars.push({ label, title, reference: finiteShare(distribution.reference[i]), current: finiteShare(distribution.current[i]) });
  }
  return bars;
}

function finiteShare(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : 0;
}

/** Where a pair of bars is drawn, in pixels (y down, from the plot's top). */
export interface BarPair {
  x: number;
  /** Each bar's width (the pair is twice this wide). */
  width: number;
  referenceY: number;
  currentY: number;
}

/**
 * Lays `bars` out side by side (reference left, current right) in a plot `width` × `height`
 * pixels, the tallest share reaching the top; `gap` pixels between pairs. `top` is that share.
 */
export function barLayout(bars: readonly DistributionBar[], width: number, height: number, gap = 2): { pairs: BarPair[]; top: number } {
  const top = Math.max(0, ...bars.flatMap((bar) => [bar.reference, bar.current]));
  if (bars.length === 0 || width <= 0) return { pairs: [], top };
  const slot = width / bars.length;
  const inner = Math.max(1, slot - gap);
  const barWidth = inner / 2;
  const y = (share: number) => (top > 0 ? height - (share / top) * height : height);
  const pairs = bars.map((bar, i) => ({
    x: i * slot + (slot - inner) / 2,
    width: barWidth,
    referenceY: y(bar.reference),
    currentY: y(bar.current),
  }));
  return { pairs, top };
}

/** A label cut to `max` characters: `day-2024-05…`. */
export function shortLabel(text: string, max = 12): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}
