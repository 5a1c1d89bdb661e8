import { describe, expect, it } from 'vitest';

import { metricNumber, nearestIndex, scale, sparkline } from './sparkline';

describe('sparkline', () => {
  it('maps steps left to right and values bottom to top', () => {
    const geometry = sparkline([0, 5, 10], [0, 1, 0.5], 104, 24, 2);
    expect(geometry).toEqual({ path: 'M2,22L52,2L102,12', minStep: 0, maxStep: 10, minValue: 0, maxValue: 1 });
  });

  it('breaks the line at non-finite values', () => {
    expect(sparkline([0, 1, 2, 3], [1, 'NaN', 2, 3], 34, 14, 2)?.path).toBe('M2,12M22,7L32,2');
  });

  it('draws a flat line in the middle and a lone point', () => {
    expect(sparkline([0, 1], [3, 3], 12, 10, 1)?.path).toBe('M1,5L11,5');
    expect(sparkline([7], [3], 12, 10, 1)?.path).toBe('M6,5h0.01');
  });

  it('is null without a finite value', () => {
    expect(sparkline([], [], 10, 10)).toBeNull();
    expect(sparkline([0], ['Infinity'], 10, 10)).toBeNull();
  });
});

describe('nearestIndex', () => {
  it('finds the closest step, preferring the earlier on a tie', () => {
    const steps = [0, 10, 20, 30];
    expect(nearestIndex(steps, -5)).toBe(0);
    expect(nearestIndex(steps, 14)).toBe(1);
    expect(nearestIndex(steps, 15)).toBe(1);
    expect(nearestIndex(steps, 16)).toBe(2);
    expect(nearestIndex(steps, 99)).toBe(3);
    expect(nearestIndex([], 1)).toBe(-1);
  });
});

describe('metricNumber and scale', () => {
  it('turns the transport strings into numbers', () => {
    expect(metricNumber('NaN')).toBeNaN();
    expect(metricNumber('-Infinity')).toBe(-Infinity);
    expect(metricNumber(2)).toBe(2);
  });

  it('maps linearly', () => {
    expect(scale(0, 10, 100, 200)(5)).toBe(150);
  });
});
