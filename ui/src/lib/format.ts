// How values look in the runs table: durations, metric values, times, commits, counts.
import type { MetricValue } from './backend/backend';

/** Shown for a missing value. */
export const MISSING = '—';

/** A duration in milliseconds as a short human string: `850 ms`, `4.2 s`, `3 m 05 s`, `2 h 07 m`, `3 d 4 h`. */
export function formatDuration(durationMillis: number | null | undefined): string {
  if (durationMillis === null || durationMillis === undefined || !Number.isFinite(durationMillis)) {
    return MISSING;
  }
  if (durationMillis < 0) return MISSING;
  if (durationMillis < 1000) return `${Math.round(durationMillis)} ms`;
  const totalSecs = durationMillis / 1000;
  if (totalSecs < 10) return `${trimZeros(totalSecs.toFixed(1))} s`;
  if (totalSecs < 60) return `${Math.floor(totalSecs)} s`;
  const secs = Math.floor(totalSecs);
  const mins = Math.floor(secs / 60);
  if (mins < 60) return `${mins} m ${pad2(secs % 60)} s`;
  const hours = Math.floor(mins / 60);
  if (hours < 24) return `${hours} h ${pad2(mins % 60)} m`;
  const days = Math.floor(hours / 24);
  return `${days} d ${hours % 24} h`;
}

/**
 * How long a run took: end − start, or until `nowMillis` while it is still running.
 * Unknown when the run has no start, or has ended without an end time.
 */
export function runDurationMillis(
  startMillis: number | null,
  endMillis: number | null,
  running: boolean,
  nowMillis: number,
): number | null {
  if (startMillis === null) return null;
  if (endMillis !== null) return endMillis - startMillis;
  return running ? nowMillis - startMillis : null;
}

/**
 * A metric value with about 4 significant digits: integers as they are (`12`, `1,024`), very
 * large or small values in exponent form (`1.235e+7`, `3.2e-5`), and the non-finite values by
 * name: `NaN`, `∞`, `−∞`.
 */
export function formatMetric(value: MetricValue | null | undefined): string {
  if (value === null || value === undefined) return MISSING;
  if (value === 'NaN') return 'NaN';
  if (value === 'Infinity') return '∞';
  if (value === '-Infinity') return '−∞';
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '∞';
  if (value === -Infinity) return '−∞';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (Number.isInteger(value) && magnitude < 1e7) return value.toLocaleString('en-US');
  if (magnitude >= 1e7 || magnitude < 1e-4) {
    const [mantissa = '', exponent = ''] = value.toExponential(3).split('e');
    return `${trimZeros(mantissa)}e${exponent}`;
  }
  return trimZeros(value.toPrecision(4));
}

/** The exact value, for a tooltip. */
export function metricTitle(value: MetricValue | null | undefined): string {
  if (value === null || value === undefined) return '';
  return String(value);
}

/** A start time as `2024-05-01 14:03` in the local time zone. */
export function formatTimestamp(epochMillis: number | null | undefined): string {
  if (epochMillis === null || epochMillis === undefined || !Number.isFinite(epochMillis)) {
    return MISSING;
  }
  const date = new Date(epochMillis);
  return (
    `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())} ` +
    `${pad2(date.getHours())}:${pad2(date.getMinutes())}`
  );
}

/** The first 7 characters of a commit hash, or the missing marker. */
export function shortCommit(commit: string | null | undefined): string {
  if (!commit) return MISSING;
  return commit.slice(0, 7);
}

/** A count with thousands separators: `100,000`. */
export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

/** `1 run`, `2 runs`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatCount(count)} ${count === 1 ? singular : pluralForm}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function trimZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}
