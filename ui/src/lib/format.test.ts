import { describe, expect, it } from 'vitest';

import {
  formatCount,
  formatDuration,
  formatMetric,
  formatTimestamp,
  plural,
  runDurationMillis,
  shortCommit,
} from './format';

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'],
    [850, '850 ms'],
    [1000, '1 s'],
    [4250, '4.3 s'],
    [42_000, '42 s'],
    [59_999, '59 s'],
    [60_000, '1 m 00 s'],
    [185_000, '3 m 05 s'],
    [3_600_000, '1 h 00 m'],
    [7_620_000, '2 h 07 m'],
    [86_400_000 * 3 + 3_600_000 * 4, '3 d 4 h'],
  ])('%d ms is %s', (millis, expected) => {
    expect(formatDuration(millis)).toBe(expected);
  });

  it('shows missing and impossible durations as a dash', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(undefined)).toBe('—');
    expect(formatDuration(-5)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});

describe('runDurationMillis', () => {
  it('is end minus start for an ended run', () => {
    expect(runDurationMillis(1_000, 61_000, false, 999_999)).toBe(60_000);
  });

  it('counts up to now while the run is running', () => {
    expect(runDurationMillis(1_000, null, true, 11_000)).toBe(10_000);
  });

  it('is unknown without a start, or for an ended run without an end', () => {
    expect(runDurationMillis(null, 5_000, false, 10_000)).toBeNull();
    expect(runDurationMillis(1_000, null, false, 10_000)).toBeNull();
  });
});

describe('formatMetric', () => {
  it.each<[number | 'NaN' | 'Infinity' | '-Infinity', string]>([
    [0, '0'],
    [1, '1'],
    [-3, '-3'],
    [1024, '1,024'],
    [0.923456, '0.9235'],
    [0.5, '0.5'],
    [12.3456, '12.35'],
    [1234.5678, '1235'],
    [-0.0123, '-0.0123'],
    [0.00012346, '0.0001235'],
    [0.0000321, '3.21e-5'],
    [123456789.5, '1.235e+8'],
    [12_345_678, '1.235e+7'],
    ['NaN', 'NaN'],
    ['Infinity', '∞'],
    ['-Infinity', '−∞'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, '∞'],
    [Number.NEGATIVE_INFINITY, '−∞'],
  ])('%s is shown as %s', (value, expected) => {
    expect(formatMetric(value)).toBe(expected);
  });

  it('shows a metric the run does not have as a dash', () => {
    expect(formatMetric(undefined)).toBe('—');
    expect(formatMetric(null)).toBe('—');
  });
});

describe('formatTimestamp', () => {
  it('shows local date and time to the minute', () => {
    const local = new Date(2024, 4, 1, 9, 3, 59).getTime();
    expect(formatTimestamp(local)).toBe('2024-05-01 09:03');
  });

  it('shows a missing time as a dash', () => {
    expect(formatTimestamp(null)).toBe('—');
  });
});

describe('small formatters', () => {
  it('shortens commits to 7 characters', () => {
    expect(shortCommit('0123456789abcdef0123456789abcdef01234567')).toBe('0123456');
    expect(shortCommit(null)).toBe('—');
    expect(shortCommit('')).toBe('—');
  });

  it('groups thousands and pluralises', () => {
    expect(formatCount(100_000)).toBe('100,000');
    expect(plural(1, 'run')).toBe('1 run');
    expect(plural(0, 'run')).toBe('0 runs');
    expect(plural(12_345, 'run')).toBe('12,345 runs');
  });
});
